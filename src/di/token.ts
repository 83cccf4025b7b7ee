import { SpikardError } from "../errors";

/** A dependency's key: a name (`Inject<T, "name">`), or the transformer's id for a class. */
export type Token = string;

/** Classes registered with `app.provide(Class, ...)`, so overrides keyed by the class find their token. */
export const classTokens = new WeakMap<object, Token>();

export function tokenFor(key: Token | (abstract new (...args: any[]) => unknown), explicit?: Token): Token {
  if (typeof key === "string") return key;
  if (explicit !== undefined) {
    classTokens.set(key, explicit);
    return explicit;
  }
  const known = classTokens.get(key);
  if (known === undefined) throw new SpikardError("INVALID_CONFIG", `${key.name} is not a provided class: register it with app.provide(${key.name}, Provide(...)) first (and build with the transformer).`);
  return known;
}

/** Class tokens read `path:Name`; errors show the name. */
export function displayToken(token: Token): string {
  const colon = token.lastIndexOf(":");
  return token.startsWith("class:") && colon !== -1 ? token.slice(colon + 1) : token;
}
