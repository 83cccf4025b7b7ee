import type { Request } from "../context";
import { SpikardError } from "../errors";
import type { Middleware, Next } from "../hooks";
import type { AnyResponse } from "../response";

export type { Middleware, Next };

type MaybePromise<T> = T | Promise<T>;

/** Applies `f` to a response that may still be on its way, staying synchronous when it is not. */
export function afterNext<T>(r: MaybePromise<AnyResponse>, f: (res: AnyResponse) => T): MaybePromise<T> {
  return r instanceof Promise ? r.then(f) : f(r);
}

/**
 * Calls `chain` around `terminal`. Synchronous until a middleware returns a
 * promise, so built-ins that only look at the request (auth, rate limits)
 * add no microtask to the request. Whatever a middleware throws is `onError`'s.
 */
export function runChain(chain: readonly Middleware[], req: Request, terminal: Next, onError: (err: unknown) => AnyResponse): MaybePromise<AnyResponse> {
  const dispatch = (i: number): MaybePromise<AnyResponse> => {
    if (i === chain.length) return terminal();
    let called = false;
    const next: Next = () => {
      if (called) throw new SpikardError("MIDDLEWARE", `${chain[i]!.name || "a middleware"} called next() twice`);
      called = true;
      return dispatch(i + 1);
    };
    return chain[i]!(req, next);
  };
  try {
    const r = dispatch(0);
    return r instanceof Promise ? r.then(checked).catch(onError) : checked(r);
  } catch (err) {
    return onError(err);
  }
}

/** A middleware that forgot to return `next()`'s response is a bug worth a clear message. */
function checked(r: AnyResponse): AnyResponse {
  if (r === undefined || r === null || typeof r !== "object") throw new SpikardError("MIDDLEWARE", "a middleware returned no response: return the value of next() (or a Response)");
  return r;
}

/** The order ServerConfig's middleware run in, outermost first; `use()` middleware come after them. */
export const BUILTIN_ORDER = ["requestId", "cors", "staticFiles", "timeout", "rateLimit", "apiKeyAuth", "jwtAuth", "compression"] as const;
export type BuiltinName = (typeof BUILTIN_ORDER)[number];

const EARLY = new WeakSet<Middleware>();

/**
 * Marks a middleware that reads the request only before it calls `next()`
 * (the built-ins): a chain of only those needs no snapshot of the request
 * when the route answers later. Any other middleware may read after an await.
 */
export function readOnlyBeforeNext<M extends Middleware>(mw: M): M {
  EARLY.add(mw);
  return mw;
}

export function readsOnlyBeforeNext(mw: Middleware): boolean {
  return EARLY.has(mw);
}
