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
  // The transformer passes a class's token to provide(); without one, it did not run on the call.
  throw new SpikardError("NOT_TRANSFORMED", `app.provide(${key.name || "(anonymous class)"}, ...)`);
}

/** Class tokens read `class:<file>:<Name>` (src/runtime/token.ts, shared with the transformer); errors show the name. */
export { displayToken } from "../runtime/token";
