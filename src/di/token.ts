import { generatedClassTokenOf } from "../runtime/generated";

/** A dependency's key: a name (`Inject<T, "name">`), or the transformer's id for a class. */
export type Token = string;

/** Classes registered with `app.provide(Class, ...)`, so overrides keyed by the class find their token. */
export const classTokens = new WeakMap<object, Token>();

export function tokenFor(key: Token | (abstract new (...args: any[]) => unknown), explicit?: Token): Token {
  if (typeof key === "string") return key;
  // The transformer passes a class's token to provide(); without one, `spikard gen` keyed it by the class's name.
  const token = explicit ?? generatedClassTokenOf(key);
  classTokens.set(key, token);
  return token;
}

/** Class tokens read `class:<file>:<Name>` (src/runtime/token.ts, shared with the transformer); errors show the name. */
export { displayToken } from "../runtime/token";
