/** Stable identifiers for generated code: the same input always gives the same names. */

const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends",
  "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
  "true", "try", "typeof", "var", "void", "while", "with", "let", "static", "yield", "await", "implements", "interface", "package",
  "private", "protected", "public", "arguments", "eval", "any", "unknown", "never", "object", "string", "number", "boolean", "symbol",
  "bigint", "undefined", "type", "as", "is", "keyof", "infer", "require", "module", "exports",
]);

/** A wire name as a variable/parameter identifier (`X-Request-ID` → `X_Request_ID`). */
export function toIdentifier(wire: string): string {
  let id = wire.replace(/[^A-Za-z0-9_$]/g, "_");
  if (id === "") id = "_";
  if (/^[0-9]/.test(id)) id = `_${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  return id;
}

/** `user-profile`, `user_profile`, `User Profile` → `UserProfile`; valid PascalCase names are kept as they are. */
export function toTypeName(name: string): string {
  if (/^[A-Z][A-Za-z0-9_]*$/.test(name)) return name;
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let out = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  if (out === "") out = "Schema";
  if (/^[0-9]/.test(out)) out = `T${out}`;
  return out;
}

/** `list pets`, `list_pets`, `ListPets` → `listPets`. */
export function toCamel(name: string): string {
  const pascal = toTypeName(name);
  const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  return RESERVED.has(camel) ? `${camel}_` : camel;
}

/** A file name: lower-case words joined by dashes. */
export function toFileName(name: string): string {
  const out = name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .join("-")
    .toLowerCase();
  return out === "" ? "default" : out;
}

/** Returns `name`, or `name2`, `name3`, ... when taken; records the result as taken. */
export function unique(name: string, used: Set<string>): string {
  let n = name;
  for (let i = 2; used.has(n); i++) n = `${name}${i}`;
  used.add(n);
  return n;
}
