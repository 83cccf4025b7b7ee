/**
 * Dependency tokens. A name (`Inject<T, "settings">`) is its own token; a
 * class is keyed by where it is declared, `class:<file>:<Name>`, which the
 * transformer computes for both the `provide()` call and every parameter that
 * injects it.
 */
const CLASS_PREFIX = "class:";

/** The token of a class declared in `file` (relative, without extension). */
export function classTokenOf(file: string, name: string): string {
  return `${CLASS_PREFIX}${file}:${name}`;
}

export function isClassToken(token: string): boolean {
  return token.startsWith(CLASS_PREFIX);
}

/** How errors name a token: a class by its name, a named dependency as it is. */
export function displayToken(token: string): string {
  const colon = token.lastIndexOf(":");
  return isClassToken(token) && colon !== -1 ? token.slice(colon + 1) : token;
}
