import type { ScalarKind } from "./meta";

// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const INTEGER = /^[+-]?\d+$/;
const RADIX_PREFIX = /^[+-]?0[xXbBoO]/;

/**
 * String → typed value, before typia validates the result. A string that does
 * not decode is returned unchanged, so typia reports a type mismatch carrying
 * the original input (mapped to int_parsing, bool_parsing, ...).
 *
 * typia's own http decoders differ from Spikard on the wire (Spikard reads
 * `True`/`TRUE` and an empty value as booleans, and keeps "null" a string),
 * so these follow Spikard.
 */
export function decodeScalar(kind: ScalarKind, s: string): unknown {
  switch (kind) {
    case "string":
    case "unknown":
      return s;
    case "integer":
      return decodeInteger(s);
    case "number":
      return decodeNumber(s);
    case "boolean":
      return decodeBoolean(s);
    case "bigint":
      return INTEGER.test(s) ? BigInt(s) : s;
    case "date": {
      const d = new Date(s);
      return Number.isNaN(d.getTime()) ? s : d;
    }
  }
}

/**
 * An integer as Spikard parses one (Rust's `i64` literal: optional sign, digits, within range), so "2.0"
 * and "1e3" are not integers. A string with a fractional part decodes to its number, which the integer
 * check then rejects, echoing the number as Spikard does for `42.5`.
 */
export function decodeInteger(s: string): number | string {
  if (INTEGER.test(s)) return inI64Range(s) ? Number(s) : s;
  const n = decodeNumber(s);
  return typeof n === "number" && !Number.isInteger(n) ? n : s;
}

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

function inI64Range(s: string): boolean {
  // Up to 18 digits always fits; only longer literals need the exact comparison.
  if (s.length < 19) return true;
  const n = BigInt(s);
  return n >= I64_MIN && n <= I64_MAX;
}

export function decodeNumber(s: string): number | string {
  if (s.length === 0) return s;
  const c = s.charCodeAt(0);
  // Number() accepts "", " ", "0x1f", "Infinity"; a query value is a decimal literal or not a number.
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46)) return s;
  const last = s.charCodeAt(s.length - 1);
  if (!((last >= 48 && last <= 57) || last === 46)) return s;
  const n = Number(s);
  return Number.isNaN(n) || !Number.isFinite(n) || RADIX_PREFIX.test(s) ? s : n;
}

export function decodeBoolean(s: string): boolean | string {
  // The spellings clients send, before toLowerCase allocates a copy for the rest.
  if (s === "true" || s === "1") return true;
  if (s === "false" || s === "0" || s === "") return false;
  const lower = s.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : s;
}
