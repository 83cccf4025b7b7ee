import { isUtf8 } from "node:buffer";
import { isPrototypeKey } from "../prototype-keys";
import { Rejection } from "../http-errors";

const FORBIDDEN = /"(?:__proto__|constructor|prototype)"\s*:/;

/**
 * JSON.parse for request bodies: malformed JSON answers 400 (Spikard's
 * `{"detail": "Invalid request format"}`), bodies nested deeper than the limit
 * answer 400 before parsing, and `__proto__`/`constructor`/`prototype` keys are
 * dropped so they never reach handler objects (a later `Object.assign` would
 * otherwise rewrite prototypes). Both extra checks only run when the raw text
 * could trigger them, keeping the common path a bare JSON.parse.
 */
export function parseJsonSafely(buf: Buffer, maxDepth: number): unknown {
  // No overflow scan for request bodies: their validators check numbers with Number.isFinite (typia's
  // finite option) and answer the same 400, and the scan costs ~70 000 instructions on a 5 KB body.
  return parseJsonText(buf.toString("utf8"), buf, maxDepth, false);
}

/**
 * The same for text already decoded from `bytes` (invalid sequences as U+FFFD,
 * a leading BOM kept): a WebSocket message is decoded straight from uWS's
 * ArrayBuffer, without a Buffer made around it for each message. `rejectOverflow`:
 * a number literal beyond a double's range is refused here (a message may reach a
 * handler unvalidated, and it would be written back as null).
 */
export function parseJsonText(text: string, bytes: ArrayBuffer | Uint8Array, maxDepth: number, rejectOverflow = true): unknown {
  // Invalid UTF-8 decodes to U+FFFD; a strict parser (Spikard's) rejects the bytes instead of changing them.
  // (A one-byte string cannot hold U+FFFD, so ASCII bodies answer this without a scan.)
  if (text.indexOf("\uFFFD") !== -1 && !isUtf8(bytes)) throw new Rejection("MALFORMED_BODY");
  if (bytes.byteLength > maxDepth && moreOpeningsThan(text, maxDepth)) checkDepth(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), maxDepth);
  // Each check below runs only where a native substring search (or, for numbers, a run of three digits) says
  // the text could need it: most bodies need none, and then JSON.parse is nearly all that runs.
  // A key can be spelled with escapes ("\u005f_proto__"), so any escape sends the body through the reviver too.
  const escapes = text.indexOf("\\u") !== -1;
  // "__proto__" and "prototype" both hold "proto".
  const forbidden = escapes || ((text.indexOf("proto") !== -1 || text.indexOf("constructor") !== -1) && FORBIDDEN.test(text));
  let value: unknown;
  try {
    value = forbidden ? JSON.parse(text, dropForbidden) : JSON.parse(text);
  } catch {
    throw new Rejection("MALFORMED_BODY");
  }
  // JSON.parse accepts lone surrogate escapes (\ud800) that strict parsers reject as invalid text;
  // only escapes can produce them, so only bodies with "\u" are walked.
  if (escapes && !wellFormed(value)) throw new Rejection("MALFORMED_BODY");
  // A number literal beyond a double's range parses as ±Infinity, which strict parsers reject and which would be
  // written back as null; only a three-digit exponent or a 309-digit literal can overflow, so only such text is walked.
  if (rejectOverflow && THREE_DIGITS.test(text) && OVERFLOW.test(text) && !allFinite(value)) throw new Rejection("MALFORMED_BODY");
  return value;
}

const OVERFLOW = /[eE]\+?\d{3}|\d{309}/;
/** Both of OVERFLOW's forms hold one. */
const THREE_DIGITS = /\d{3}/;

function allFinite(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v !== null && typeof v === "object") return Object.values(v).every(allFinite);
  return true;
}

/** Every string (values and keys) is well-formed UTF-16. */
function wellFormed(v: unknown): boolean {
  if (typeof v === "string") return (v as string & { isWellFormed(): boolean }).isWellFormed();
  if (Array.isArray(v)) return v.every(wellFormed);
  if (v !== null && typeof v === "object") return Object.entries(v).every(([k, x]) => wellFormed(k) && wellFormed(x));
  return true;
}

function dropForbidden(this: unknown, key: string, value: unknown): unknown {
  return isPrototypeKey(key) ? undefined : value;
}

/**
 * A body cannot nest deeper than it has brackets. Counting them with native
 * indexOf is ~8x cheaper than the byte walk, so typical bodies skip the walk.
 */
function moreOpeningsThan(text: string, limit: number): boolean {
  let n = 0;
  for (const bracket of ["{", "["]) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) if (++n > limit) return true;
  }
  return false;
}

/** Bracket depth outside strings; a body cannot be deeper than it is long, so short bodies skip this. */
function checkDepth(buf: Uint8Array, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new Rejection("JSON_TOO_DEEP", maxDepth);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}
