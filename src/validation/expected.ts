// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const NUMBER_LITERAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * Reads typia's `expected` text (only on the error path). typia writes a
 * failed tag as `string & MinLength<3>` (unparenthesised, only the failing
 * tag) and a wrong type as the whole type, parenthesised when compound:
 * `(number & Type<"int32">)`, `("a" | "b")`, `(null | number | undefined)`.
 */
export interface ExpectedType {
  /** string, number, integer, boolean, bigint, array, object, date, null, or a type name. */
  base: string;
  /** The failed tag, when the value had the right type but broke a constraint. */
  tag?: { name: string; args: unknown[] };
  /** Literal members of a union of literals (enum). */
  literals?: Array<string | number | boolean>;
  allowsUndefined: boolean;
  nullable: boolean;
  /** Members of a union that are not null/undefined/literals (2+ means "one of these types"). */
  alternatives?: number;
}

export function parseExpected(text: string): ExpectedType {
  let s = text.trim();
  let wrapped = false;
  if (s.startsWith("(") && closingParen(s, 0) === s.length - 1) {
    s = s.slice(1, -1).trim();
    wrapped = true;
  }
  const members = splitTop(s, " | ");
  const allowsUndefined = members.includes("undefined");
  const nullable = members.includes("null");
  const rest = members.filter((m) => m !== "undefined" && m !== "null");
  if (rest.length > 1 || (rest.length === 1 && isLiteral(rest[0]!))) {
    const lits = rest.map(parseLiteral);
    if (lits.every((l) => l !== undefined)) return { base: typeof lits[0], literals: lits as Array<string | number | boolean>, allowsUndefined, nullable };
  }
  if (rest.length === 0) return { base: nullable ? "null" : "undefined", allowsUndefined, nullable };
  if (rest.length > 1) return { base: "union", allowsUndefined, nullable, alternatives: rest.length };
  const first = rest[0]!.startsWith("(") && closingParen(rest[0]!, 0) === rest[0]!.length - 1 ? rest[0]!.slice(1, -1) : rest[0]!;
  const parts = splitTop(first, " & ");
  const tags = parts.slice(1).map(parseTag).filter((t): t is { name: string; args: unknown[] } => t !== undefined);
  const isInt = tags.some((t) => t.name === "Type" && typeof t.args[0] === "string" && /int/.test(t.args[0] as string));
  const base = normalizeBase(parts[0]!, isInt);
  const tag = !wrapped && members.length === 1 && tags.length > 0 ? tags[tags.length - 1] : undefined;
  return tag ? { base, tag, allowsUndefined, nullable } : { base, allowsUndefined, nullable };
}

function normalizeBase(b: string, isInt: boolean): string {
  if (b === "number") return isInt ? "integer" : "number";
  if (b === "string" || b === "boolean" || b === "bigint") return b;
  if (b.startsWith("Array<") || b.endsWith("[]") || b.startsWith("[")) return "array";
  if (b === "Date") return "date";
  if (b.startsWith("`")) return "string";
  return "object";
}

function parseTag(t: string): { name: string; args: unknown[] } | undefined {
  const lt = t.indexOf("<");
  if (lt === -1 || !t.endsWith(">")) return undefined;
  const name = t.slice(0, lt);
  const inner = t.slice(lt + 1, -1);
  const args = splitTop(inner, ", ").map((a) => {
    const lit = parseLiteral(a);
    return lit === undefined ? a : lit;
  });
  return { name, args };
}

function isLiteral(s: string): boolean {
  return parseLiteral(s) !== undefined;
}

function parseLiteral(s: string): string | number | boolean | undefined {
  if (s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s === "true") return true;
  if (s === "false") return false;
  if (NUMBER_LITERAL.test(s)) return Number(s);
  return undefined;
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Splits on `sep` outside quotes, <>, (), [] and {}. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if ("<([{".includes(c)) depth++;
    else if (">)]}".includes(c)) depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i).trim());
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}
