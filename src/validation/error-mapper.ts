import type { Request } from "../context";
import type { ValidationErrorDetail } from "../problem";
import type { ParamSource, TypiaError } from "../runtime/meta";
import { parseExpected, type ExpectedType } from "./expected";

/** `loc[0]` per source, as Spikard writes it. */
export function sourceLoc(source: ParamSource | "body"): string {
  switch (source) {
    case "header":
      return "headers";
    default:
      return source;
  }
}

export function missingParam(source: ParamSource, key: string, _req: Request): ValidationErrorDetail {
  return { type: "missing", loc: [sourceLoc(source), key], msg: "Field required", input: null };
}

export interface MapContext {
  /** The validated value (typia's `$input`). */
  root: unknown;
  /** The wire string(s) the value was decoded from (parameters only). */
  raw?: unknown;
  source: ParamSource | "body";
}

/**
 * typia's errors → Spikard's. typia reports `expected` as the type text: a
 * failed tag reads `base & Tag<arg>`, a wrong type reads the whole type. The
 * tag or type decides Spikard's `type`, `msg` and `ctx`.
 */
export function mapTypiaErrors(errors: readonly TypiaError[], prefix: Array<string | number>, mc: MapContext): ValidationErrorDetail[] {
  const out: ValidationErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const path = parsePath(e.path);
    const loc = [...prefix, ...path];
    const dedupe = loc.join("\u0000");
    // typia reports a failed tag and then the enclosing type; the first is the precise one.
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push(mapOne(e, loc, path, mc));
  }
  return out;
}

function mapOne(e: TypiaError, loc: Array<string | number>, path: string[], mc: MapContext): ValidationErrorDetail {
  const expected = parseExpected(e.expected);
  if (e.value === undefined && !expected.allowsUndefined) {
    return { type: "missing", loc, msg: "Field required", input: mc.source === "body" ? parentOf(mc.root, path) : null };
  }
  const input = mc.source !== "body" && path.length === 0 && typeof mc.raw === "string" && expected.tag !== undefined ? mc.raw : e.value;
  return describe(expected, input);
  function describe(x: ExpectedType, value: unknown): ValidationErrorDetail {
    const tag = x.tag;
    if (tag !== undefined) {
      const d = describeTag(tag.name, tag.args, value);
      if (d !== undefined) return { ...d, loc, input: value } as ValidationErrorDetail;
    }
    return { ...describeType(x, value), loc, input: value } as ValidationErrorDetail;
  }
}

type Described = Omit<ValidationErrorDetail, "loc" | "input">;

const EMAIL_PATTERN = "^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\\.[a-zA-Z0-9-.]+$";

function describeTag(name: string, args: unknown[], value: unknown): Described | undefined {
  const a = args[0];
  switch (name) {
    case "MinLength":
      return { type: "string_too_short", msg: `String should have at least ${a} characters`, ctx: { min_length: a } };
    case "MaxLength":
      return { type: "string_too_long", msg: `String should have at most ${a} characters`, ctx: { max_length: a } };
    case "Minimum":
      return bound("greater_than_equal", "greater than or equal to", "ge", a);
    case "ExclusiveMinimum":
      return bound("greater_than", "greater than", "gt", a);
    case "Maximum":
      return bound("less_than_equal", "less than or equal to", "le", a);
    case "ExclusiveMaximum":
      return bound("less_than", "less than", "lt", a);
    case "MultipleOf":
      return { type: "multiple_of", msg: `Input should be a multiple of ${a}`, ctx: { multiple_of: a } };
    case "Pattern":
      return { type: "string_pattern_mismatch", msg: `String should match pattern '${a}'`, ctx: { pattern: a } };
    case "MinItems":
      return { type: "too_short", msg: `List should have at least ${a} ${a === 1 ? "item" : "items"} after validation`, ctx: { min_length: a } };
    case "MaxItems":
      return { type: "too_long", msg: `List should have at most ${a} ${a === 1 ? "item" : "items"} after validation`, ctx: { max_length: a } };
    case "UniqueItems":
      return { type: "unique_items", msg: "List should have unique items" };
    case "Type":
      return typeof a === "string" && /int/.test(a) ? intParsing() : undefined;
    case "Format":
      return describeFormat(String(a), value);
    default:
      return undefined;
  }
}

function bound(type: string, words: string, key: string, a: unknown): Described {
  // Spikard prints integral bounds; a fractional bound falls back to the generic wording.
  if (typeof a === "number" && Number.isInteger(a)) return { type, msg: `Input should be ${words} ${a}`, ctx: { [key]: a } };
  return { type, msg: `Input should be ${words} the ${key.startsWith("g") ? "minimum" : "maximum"}` };
}

function describeFormat(format: string, value: unknown): Described {
  switch (format) {
    case "email":
      return { type: "string_pattern_mismatch", msg: `String should match pattern '${EMAIL_PATTERN}'`, ctx: { pattern: EMAIL_PATTERN } };
    case "uuid":
      return { type: "uuid_parsing", msg: "Input should be a valid UUID" };
    case "date-time":
      return { type: "datetime_parsing", msg: "Input should be a valid datetime" };
    case "date":
      return { type: "date_parsing", msg: "Input should be a valid date" };
    case "time":
      return { type: "time_parsing", msg: "Input should be a valid time" };
    case "duration":
      return { type: "duration_parsing", msg: "Input should be a valid duration" };
    default:
      return { type: "format_error", msg: `${JSON.stringify(value)} is not a "${format}"` };
  }
}

const intParsing = (): Described => ({ type: "int_parsing", msg: "Input should be a valid integer, unable to parse string as an integer" });

function describeType(x: ExpectedType, _value: unknown): Described {
  if (x.literals !== undefined && x.literals.length > 0) {
    const quoted = x.literals.map((l) => (typeof l === "string" ? `'${l}'` : String(l)));
    const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}` : quoted[0]!;
    return { type: "enum", msg: `Input should be ${expected}`, ctx: { expected } };
  }
  switch (x.base) {
    case "integer":
      return intParsing();
    case "number":
      return { type: "float_parsing", msg: "Input should be a valid number, unable to parse string as a number" };
    case "boolean":
      return { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" };
    case "string":
      return { type: "string_type", msg: "Input should be a valid string" };
    case "bigint":
      return intParsing();
    case "array":
      return { type: "list_type", msg: "Input should be a valid list" };
    case "object":
      return { type: "dict_type", msg: "Input should be a valid dictionary or object" };
    default:
      return { type: "type_error", msg: `Input should be a valid ${x.base}` };
  }
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
        // JSON-quoted key
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
