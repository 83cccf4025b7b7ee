import type { Request } from "../context";
import type { ValidationErrorDetail } from "../problem";
import type { ParamSource, TypiaError } from "../runtime/meta";
import { parseExpected, type ExpectedType } from "./expected";

// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const DIGITS = /^\d+$/;

/**
 * How constraint failures read. "pydantic" is Spikard's default
 * (`string_too_short`, "String should have at least 3 characters",
 * `ctx: {min_length}`); "constraint" reports `validation_error` with the
 * measured value in ctx ("String length must be at least 3",
 * `ctx: {min_length, actual_length}`) and no `input`.
 */
export type ErrorFormat = "pydantic" | "constraint";

/** `loc[0]` per source, as Spikard writes it. */
export function sourceLoc(source: ParamSource | "body"): string {
  return source === "header" ? "headers" : source;
}

export function missingParam(source: ParamSource, key: string, req: Request): ValidationErrorDetail {
  // Spikard reports a cookie missing from a present Cookie header with input "".
  const input = source === "cookie" && req.header("cookie") !== undefined ? "" : null;
  return { type: "missing", loc: [sourceLoc(source), key], msg: "Field required", input };
}

export interface MapContext {
  /** The validated value (typia's `$input`). */
  root: unknown;
  /** The wire string(s) the value was decoded from (parameters only). */
  raw?: unknown;
  /** The parameter's first wire value, which Spikard reports for any constraint failure of the parameter. */
  wire?: string;
  source: ParamSource | "body";
  /** Declared order of literal unions, keyed by `enumKey` (typia prints them sorted). */
  enums?: Record<string, readonly unknown[]>;
  format?: ErrorFormat;
}

/**
 * typia's errors → Spikard's. typia writes `expected` as type text: a failed
 * tag reads `base & Tag<arg>`, a wrong type reads the whole type. The tag or
 * type decides Spikard's `type`, `msg` and `ctx`.
 */
export function mapTypiaErrors(errors: readonly TypiaError[], prefix: Array<string | number>, mc: MapContext): ValidationErrorDetail[] {
  const out: ValidationErrorDetail[] = [];
  const seen = new Set<string>();
  const extraReported = new Map<string, ValidationErrorDetail>();
  for (const e of errors) {
    const path = parsePath(e.path);
    const loc = [...prefix, ...path];
    const key = loc.join("\u0000");
    // typia reports a failed tag and then the enclosing type; the first is the precise one.
    if (seen.has(key)) continue;
    seen.add(key);
    const detail = mapOne(e, loc, path, mc);
    if (detail.ctx?.additional_properties === false) {
      // Spikard reports one unexpected property per object: the first in key order.
      const parent = loc.slice(0, -1).join("\u0000");
      const prev = extraReported.get(parent);
      if (prev !== undefined) {
        if (String(detail.ctx.unexpected_field) < String(prev.ctx!.unexpected_field)) out[out.indexOf(prev)] = detail, extraReported.set(parent, detail);
        continue;
      }
      extraReported.set(parent, detail);
    }
    out.push(detail);
  }
  return out;
}

// typia's expected texts come from compiled code, so they are few; 422-heavy traffic re-reads the same ones.
const expectedCache = new Map<string, Readonly<ExpectedType>>();

function expectedOf(text: string): Readonly<ExpectedType> {
  let x = expectedCache.get(text);
  if (x === undefined) {
    x = parseExpected(text);
    if (expectedCache.size < 10_000) expectedCache.set(text, x);
  }
  return x;
}

function mapOne(e: TypiaError, loc: Array<string | number>, path: string[], mc: MapContext): ValidationErrorDetail {
  let x = expectedOf(e.expected);
  if (mc.source !== "body" && path.length > 0 && x.tag === undefined && DIGITS.test(path[0]!)) {
    // An array parameter's item that did not parse: Spikard names the parameter, not the index, and reports the wire string.
    const d = describeType(x, false, mc.source);
    return { type: d.type, loc: loc.slice(0, loc.length - path.length), msg: d.msg, input: Array.isArray(mc.raw) ? mc.raw[Number(path[0])] : e.value };
  }
  if (e.value === undefined && !x.allowsUndefined) {
    return { type: "missing", loc, msg: "Field required", input: mc.source === "body" ? parentOf(mc.root, path) : null };
  }
  if (x.base === "undefined" && e.value !== undefined) {
    // typia's equals mode: a property the type does not declare.
    return {
      type: "validation_error",
      loc,
      msg: "Additional properties are not allowed",
      ctx: { additional_properties: false, unexpected_field: path[path.length - 1] },
      input: parentOf(mc.root, path),
    };
  }
  if (x.alternatives !== undefined) {
    return { type: "validation_error", loc, msg: `${canonicalJson(e.value)} is not valid under any of the schemas listed in the 'anyOf' keyword`, input: e.value };
  }
  if (x.tag?.name === "Rule") {
    const message = String(x.tag.args[1] ?? "Validation failed");
    return ruleFailure(message, loc, e.value);
  }
  if (x.literals !== undefined && mc.enums !== undefined) {
    const declared = mc.enums[enumKey(x.literals)];
    if (declared !== undefined) x = { ...x, literals: declared as Array<string | number | boolean> };
  }
  const tag = x.tag;
  if (mc.format === "constraint" && tag !== undefined) {
    const d = constraintTag(tag.name, tag.args, e.value, loc);
    if (d !== undefined) return { type: "validation_error", loc, msg: d.msg, ...(d.ctx ? { ctx: d.ctx } : {}) };
  }
  // A parameter reports its wire string; a fractional number that failed the integer check is echoed as the number.
  const input = mc.source !== "body" && mc.wire !== undefined && !(tag?.name === "Type" && typeof e.value === "number") ? mc.wire : e.value;
  // Spikard looks a constraint up by property path; below an array index the lookup fails and it falls back
  // to generic wording. The body's own type is looked up under a property named "body", which fails too.
  const inArray = path.some((p) => DIGITS.test(p));
  const d =
    (tag !== undefined ? pydanticTag(tag.name, tag.args, e.value, inArray, mc.source) : undefined) ??
    describeType(x, inArray || (mc.source === "body" && path.length === 0), mc.source);
  return { type: d.type, loc, msg: d.msg, input, ...(d.ctx ? { ctx: d.ctx } : {}) };
}

interface Described {
  type: string;
  msg: string;
  ctx?: Record<string, unknown>;
}

const EMAIL_PATTERN = "^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\\.[a-zA-Z0-9-.]+$";

function pydanticTag(name: string, args: unknown[], value: unknown, lookupFails: boolean, source: MapContext["source"]): Described | undefined {
  const a = args[0];
  const withCtx = (type: string, msg: string, fallback: string, ctx: Record<string, unknown>): Described => (lookupFails ? { type, msg: fallback } : { type, msg, ctx });
  switch (name) {
    case "MinLength":
      return withCtx("string_too_short", `String should have at least ${a} characters`, "String is too short", { min_length: a });
    case "MaxLength":
      return withCtx("string_too_long", `String should have at most ${a} characters`, "String is too long", { max_length: a });
    case "Minimum":
      return bound("greater_than_equal", "greater than or equal to", "ge", a, lookupFails);
    case "ExclusiveMinimum":
      return bound("greater_than", "greater than", "gt", a, lookupFails);
    case "Maximum":
      return bound("less_than_equal", "less than or equal to", "le", a, lookupFails);
    case "ExclusiveMaximum":
      return bound("less_than", "less than", "lt", a, lookupFails);
    case "MultipleOf":
      // Spikard passes JSON Schema's own wording through for keywords it does not map.
      return { type: "validation_error", msg: `${canonicalJson(value)} is not a multiple of ${a}` };
    case "Pattern":
      return withCtx("string_pattern_mismatch", `String should match pattern '${a}'`, "String does not match expected pattern", { pattern: a });
    case "MinItems": {
      // Spikard words the lower bound "item" and the upper bound "items", whatever the count; a bound it
      // cannot look up reads 1.
      const min = lookupFails ? 1 : a;
      return { type: "too_short", msg: `List should have at least ${min} item after validation`, ctx: { min_length: min } };
    }
    case "MaxItems": {
      const max = lookupFails ? 1 : a;
      return { type: "too_long", msg: `List should have at most ${max} items after validation`, ctx: { max_length: max } };
    }
    case "UniqueItems":
      return { type: "validation_error", msg: `${canonicalJson(value)} has non-unique elements` };
    case "Type":
      return typeof a === "string" && a.includes("int") ? INT_PARSING : undefined;
    case "Format":
      return source === "body" ? bodyFormat(String(a), value) : paramFormat(String(a), value, source);
    default:
      return undefined;
  }
}

function bound(type: string, words: string, key: string, a: unknown, lookupFails: boolean): Described {
  // Spikard prints integral bounds; a fractional bound (or a failed lookup) falls back to generic wording.
  if (!lookupFails && typeof a === "number" && Number.isInteger(a)) return { type, msg: `Input should be ${words} ${a}`, ctx: { [key]: a } };
  return { type, msg: `Input should be ${words} the ${key.startsWith("g") ? "minimum" : "maximum"}` };
}

/**
 * A body's format failure, classified as Spikard does: by the text of JSON Schema's message
 * (`"<input>" is not a "<format>"`), which quotes the input, so an input mentioning "email" reads as
 * an email mismatch whatever the format.
 */
function bodyFormat(format: string, value: unknown): Described {
  const message = `${canonicalJson(value)} is not a ${JSON.stringify(format)}`;
  if (message.includes("email")) return EMAIL_MISMATCH;
  if (message.includes("uuid")) return UUID_PARSING;
  if (message.includes("date-time")) return DATETIME_PARSING;
  if (message.includes("date")) return DATE_PARSING;
  return { type: "format_error", msg: message };
}

/**
 * A parameter's: Spikard parses uuid, date, date-time, time and duration while decoding the string (each
 * with its own `*_parsing` type) and checks the other formats as a body's.
 */
function paramFormat(format: string, value: unknown, source: MapContext["source"]): Described {
  switch (format) {
    case "uuid":
      // A query value keeps the short message; path, header and cookie values name the offending character.
      return source === "query" || typeof value !== "string" ? UUID_PARSING : { type: "uuid_parsing", msg: `Input should be a valid UUID, ${uuidCharacterError(value)}` };
    case "date":
      return DATE_PARSING;
    case "date-time":
      return DATETIME_PARSING;
    case "time":
      return { type: "time_parsing", msg: "Input should be a valid time" };
    case "duration":
      return { type: "duration_parsing", msg: "Input should be a valid duration" };
    default:
      return bodyFormat(format, value);
  }
}

/**
 * Spikard's wording for a string that is not a UUID: the input's first character, and the position
 * (in characters, 0 when every character is a hex digit or a dash) of the first one that is neither.
 */
export function uuidCharacterError(value: string): string {
  const chars = [...value];
  const at = chars.findIndex((c) => !HEX_OR_DASH.test(c));
  return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${chars[0] ?? "?"}\` at ${at === -1 ? 0 : at}`;
}

const HEX_OR_DASH = /^[0-9a-fA-F-]$/;
const UUID_PARSING: Described = { type: "uuid_parsing", msg: "Input should be a valid UUID" };
const DATE_PARSING: Described = { type: "date_parsing", msg: "Input should be a valid date" };
const DATETIME_PARSING: Described = { type: "datetime_parsing", msg: "Input should be a valid datetime" };
const EMAIL_MISMATCH: Described = { type: "string_pattern_mismatch", msg: `String should match pattern '${EMAIL_PATTERN}'`, ctx: { pattern: EMAIL_PATTERN } };

const FORMAT_NAMES: Record<string, string> = {
  email: "email",
  uri: "URI",
  url: "URL",
  uuid: "UUID",
  date: "date",
  "date-time": "date-time",
  time: "time",
  duration: "duration",
  ipv4: "IPv4",
  ipv6: "IPv6",
  hostname: "hostname",
};

/** The "constraint" format: measured values in ctx, no input. */
function constraintTag(name: string, args: unknown[], value: unknown, loc: Array<string | number>): { msg: string; ctx?: Record<string, unknown> } | undefined {
  const a = args[0];
  const length = typeof value === "string" ? [...value].length : undefined;
  const count = Array.isArray(value) ? value.length : undefined;
  switch (name) {
    case "MinLength":
      return { msg: `String length must be at least ${a}`, ctx: { min_length: a, actual_length: length } };
    case "MaxLength":
      // Spikard reports an overrun length one past the character count in this format.
      return { msg: `String length must not exceed ${a}`, ctx: { max_length: a, actual_length: length === undefined ? length : length + 1 } };
    case "Minimum":
      return { msg: `Value must be at least ${a}`, ctx: { minimum: a, value } };
    case "ExclusiveMinimum":
      return { msg: `Value must be greater than ${a}`, ctx: { exclusive_minimum: a, value } };
    case "Maximum":
      return { msg: `Value must not exceed ${a}`, ctx: { maximum: a, value } };
    case "ExclusiveMaximum":
      return { msg: `Value must be less than ${a}`, ctx: { exclusive_maximum: a, value } };
    case "MultipleOf":
      return { msg: `Value must be a multiple of ${a}`, ctx: { multiple_of: a, value } };
    case "Pattern": {
      // A bearer-token pattern on a header reads as what it checks.
      const msg = typeof a === "string" && /^\^Bearer /.test(a) && loc[0] === "headers" ? "Invalid Bearer token format" : "String does not match pattern";
      return { msg, ctx: { pattern: a, value } };
    }
    case "MinItems":
      return { msg: `Array must contain at least ${a} items`, ctx: { min_items: a, actual_items: count } };
    case "MaxItems":
      return { msg: `Array must not contain more than ${a} items`, ctx: { max_items: a, actual_items: count } };
    case "UniqueItems": {
      const dup = firstDuplicate(value);
      return { msg: "Array items must be unique", ctx: { unique_items: true, ...(dup ? { duplicate_value: dup.value, duplicate_index: dup.index } : {}) } };
    }
    case "Format": {
      const f = String(a);
      return { msg: `Invalid ${FORMAT_NAMES[f] ?? f} format`, ctx: { format: f, value } };
    }
    default:
      return undefined;
  }
}

function firstDuplicate(value: unknown): { value: unknown; index: number } | undefined {
  if (!Array.isArray(value)) return undefined;
  const seen = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const k = JSON.stringify(value[i]);
    if (seen.has(k)) return { value: value[i], index: i };
    seen.add(k);
  }
  return undefined;
}

const UNKNOWN_TYPE: Described = { type: "type_error", msg: "Input should be a valid unknown" };

const INT_PARSING: Described = { type: "int_parsing", msg: "Input should be a valid integer, unable to parse string as an integer" };

function describeType(x: ExpectedType, lookupFails: boolean, source: MapContext["source"]): Described {
  if (x.literals !== undefined && x.literals.length > 1) return enumFailure(x.literals, lookupFails);
  if (x.literals !== undefined && x.literals.length === 1) {
    // A single literal is JSON Schema's `const`.
    return { type: "validation_error", msg: `${JSON.stringify(x.literals[0])} was expected` };
  }
  // Spikard cannot resolve the type of an array element, of the root or of a nullable (type-array) field, and says so.
  if (lookupFails || x.nullable) return UNKNOWN_TYPE;
  switch (x.base) {
    case "integer":
    case "bigint":
      return INT_PARSING;
    case "number":
      return { type: "float_parsing", msg: "Input should be a valid number, unable to parse string as a number" };
    case "boolean":
      // Parameters fail while parsing the string; bodies fail the schema's type.
      return { type: "bool_parsing", msg: source === "body" ? "Input should be a valid boolean" : "Input should be a valid boolean, unable to interpret input" };
    case "string":
      return { type: "string_type", msg: "Input should be a valid string" };
    case "array":
      return { type: "type_error", msg: "Input should be a valid array" };
    case "object":
      return { type: "type_error", msg: "Input should be a valid object" };
    case "null":
      return { type: "type_error", msg: "Input should be a valid null" };
    case "date":
      return DATETIME_PARSING;
    default:
      return { type: "type_error", msg: `Input should be a valid ${x.base}` };
  }
}

/**
 * An enum failure as Spikard words it: only the string members are listed (a list of numbers reads "one of
 * the allowed values"), and where the enum cannot be looked up (below an array index) no ctx is given.
 */
function enumFailure(literals: ReadonlyArray<string | number | boolean>, lookupFails: boolean): Described {
  if (lookupFails) return { type: "enum", msg: "Input should be one of the allowed values" };
  const quoted = literals.filter((l): l is string => typeof l === "string").map((l) => `'${l}'`);
  if (quoted.length === 0) return { type: "enum", msg: "Input should be one of the allowed values", ctx: { expected: "allowed values" } };
  const expected = quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return { type: "enum", msg: `Input should be ${expected}`, ctx: { expected } };
}

const INPUT_PLACEHOLDER = /\{input\}/g;

/** A failed `Rule<Check, Message>` (on a value or an object): its message, `{input}` replaced by the JSON of the value. */
export function ruleFailure(message: string, loc: Array<string | number>, value: unknown): ValidationErrorDetail {
  return { type: "validation_error", loc, msg: message.replace(INPUT_PLACEHOLDER, () => canonicalJson(value)), input: value };
}

/** JSON with object keys sorted, as Spikard (serde_json) prints values inside messages. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val !== null && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, (val as Record<string, unknown>)[k]]))
      : val,
  );
}

/** Key for a set of literals independent of their order. */
export function enumKey(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).sort().join("|");
}

/** Errors ordered by location (Spikard reports object members in key order). */
export function sortByLoc(errors: ValidationErrorDetail[]): ValidationErrorDetail[] {
  // Usually already in order (typia walks declared properties); Array#sort is stable, so ties keep their order.
  for (let i = 1; i < errors.length; i++) {
    if (compareLoc(errors[i - 1]!.loc, errors[i]!.loc) > 0) return [...errors].sort((a, b) => compareLoc(a.loc, b.loc));
  }
  return errors;
}

function compareLoc(a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x === y) continue;
    // Array indices compare as numbers ("2" before "10").
    if (DIGITS.test(x) && DIGITS.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** `$input.a.b[2]["x-y"]` → ["a", "b", "2", "x-y"]. */
export function parsePath(path: string): string[] {
  const out: string[] = [];
  let i = path.startsWith("$input") ? 6 : 0;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      let j = i + 1;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      out.push(path.slice(i + 1, j));
      i = j;
    } else if (c === "[") {
      if (path[i + 1] === '"') {
        let j = i + 2;
        while (j < path.length && !(path[j] === '"' && path[j - 1] !== "\\")) j++;
        out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2;
      } else {
        const j = path.indexOf("]", i);
        out.push(path.slice(i + 1, j));
        i = j + 1;
      }
    } else i++;
  }
  return out;
}

function parentOf(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== "object") return null;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur ?? null;
}
