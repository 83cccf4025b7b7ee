import { PATTERN_PARAM } from "./ids";

/**
 * The parameter names of a function, read from its source text
 * (`Function.prototype.toString`): what `spikard gen`'s keys for factories and
 * hooks are made of. Every compiler that does not minify keeps parameter names
 * (bundlers rename only module-level names), so the names the generator read
 * from the TypeScript source are the names found here. Undefined when the text
 * is not source (a bound or native function).
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] | undefined {
  const text = Function.prototype.toString.call(fn);
  if (text.endsWith("{ [native code] }")) return undefined;
  const list = parameterList(text);
  if (list === undefined) return undefined;
  const params = splitTopLevel(list);
  return params.length === 1 && params[0]!.trim() === "" ? [] : params.map(nameOf);
}

// Identifier characters, or their \u escapes (esbuild writes non-ASCII names escaped by default).
const IDENT = /^(?:[\p{ID_Start}$_]|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\})(?:[\p{ID_Continue}$\u200c\u200d]|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\})*/u;

function unescapeIdentifier(name: string): string {
  return name.replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})/g, (_m, braced: string | undefined, plain: string | undefined) => String.fromCodePoint(parseInt(braced ?? plain!, 16)));
}

/** The text between a function's parameter parentheses, or a bare arrow parameter. */
function parameterList(text: string): string | undefined {
  let i = skipSpace(text, 0);
  const word = (w: string): boolean => text.startsWith(w, i) && !/[\p{ID_Continue}$]/u.test(text[i + w.length] ?? "");
  if (word("async")) {
    const after = skipSpace(text, i + 5);
    // `async => ...` is an arrow whose parameter is named async.
    if (!text.startsWith("=>", after)) i = after;
  }
  if (word("function")) {
    i = skipSpace(text, i + 8);
    if (text[i] === "*") i = skipSpace(text, i + 1);
  }
  if (text[i] !== "(") {
    const ident = IDENT.exec(text.slice(i));
    if (ident !== null && text.startsWith("=>", skipSpace(text, i + ident[0].length))) return ident[0];
  }
  // A function's name, a method's name (`*gen`, `[computed]`, `get x`): the list is the first top-level parenthesis.
  const open = findTopLevel(text, i, "(");
  if (open === -1) return undefined;
  const close = matching(text, open);
  return close === -1 ? undefined : text.slice(open + 1, close);
}

function nameOf(param: string): string {
  const text = param.slice(skipSpace(param, 0));
  const rest = text.startsWith("...") ? text.slice(3 + (skipSpace(text.slice(3), 0))) : text;
  if (rest.startsWith("{") || rest.startsWith("[")) return PATTERN_PARAM;
  const ident = IDENT.exec(rest)?.[0];
  return ident === undefined ? PATTERN_PARAM : unescapeIdentifier(ident);
}

/** Splits on commas outside brackets, strings, templates and comments. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < list.length) {
    const c = list[i]!;
    if (c === ",") {
      parts.push(list.slice(start, i));
      start = ++i;
    } else i = skipToken(list, i);
  }
  parts.push(list.slice(start));
  return parts;
}

/** The index of `ch` at depth 0 from `from`, or -1. */
function findTopLevel(text: string, from: number, ch: string): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === ch) return i;
    if (text[i] === "{" || text[i] === "=") return -1;
    i = skipToken(text, i);
  }
  return -1;
}

/** The index of the bracket closing the one at `open`, or -1. */
function matching(text: string, open: number): number {
  const close = CLOSES[text[open]!];
  let i = open + 1;
  while (i < text.length) {
    if (text[i] === close) return i;
    i = skipToken(text, i);
  }
  return -1;
}

const CLOSES: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** The index after the token at `i`: a whole string, template, comment or bracketed group, or one character. */
function skipToken(text: string, i: number): number {
  const c = text[i]!;
  if (c === "/" && text[i + 1] === "/") {
    const end = text.indexOf("\n", i);
    return end === -1 ? text.length : end + 1;
  }
  if (c === "/" && text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end === -1 ? text.length : end + 2;
  }
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  if (c === "`") {
    let j = i + 1;
    while (j < text.length && text[j] !== "`") {
      if (text[j] === "\\") j += 2;
      else if (text[j] === "$" && text[j + 1] === "{") {
        const end = matching(text, j + 1);
        j = end === -1 ? text.length : end + 1;
      } else j++;
    }
    return j + 1;
  }
  if (c in CLOSES) {
    const end = matching(text, i);
    return end === -1 ? text.length : end + 1;
  }
  return i + 1;
}

function skipSpace(text: string, i: number): number {
  let j = i;
  for (;;) {
    while (j < text.length && /\s/.test(text[j]!)) j++;
    if (text.startsWith("//", j) || text.startsWith("/*", j)) j = skipToken(text, j);
    else return j;
  }
}
