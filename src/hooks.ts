import { SpikardError } from "./errors";
import type { Request } from "./context";
import type { AnyResponse } from "./response";
import type { ArgMeta } from "./runtime/meta";
import { FIXED_ARGS } from "./runtime/hook-arity";
import { generatedArgsMeta } from "./runtime/generated";

/** The lifecycle phases, in the order a request meets them. */
export const HOOK_PHASES = ["onRequest", "preValidation", "preHandler", "onResponse", "onError"] as const;
export type HookPhase = (typeof HOOK_PHASES)[number];

type MaybePromise<T> = T | Promise<T>;

/** Request phases get the request; returning a Response answers with it (later phases and the handler are skipped). */
export type RequestHook = (req: Request, ...deps: any[]) => MaybePromise<Request | AnyResponse | void>;
/**
 * Gets the response about to be sent (a Response, or the StreamingResponse a streaming
 * route returned; both have `headers`, `setHeader`, `getHeader`, `statusCode`); may
 * change it or return a replacement.
 */
export type ResponseHook = (res: AnyResponse, req: Request, ...deps: any[]) => MaybePromise<AnyResponse | void>;
/** Gets an exception from a hook or handler; returning a Response answers with it. */
export type ErrorHook = (error: unknown, req: Request, ...deps: any[]) => MaybePromise<AnyResponse | void>;

/** Runs the rest of the chain (inner middleware, then the route); resolves to its response. */
export type Next = () => MaybePromise<AnyResponse>;

/**
 * `app.use(mw)`: `mw(request, next)` may work before and after `await next()`
 * and returns that response (changed or not) or a replacement, in onion order:
 * the first registered is the outermost. The built-ins (`cors`, `jwtAuth`, ...)
 * are middleware too; a route's `skip: ["jwtAuth"]` leaves out the middleware
 * of that name (a function's `name`).
 */
export type Middleware = (req: Request, next: Next) => MaybePromise<AnyResponse>;

export { FIXED_ARGS };

export interface HookEntry {
  fn: (...args: any[]) => unknown;
  /** The transformer's description of the parameters after the fixed ones (injected dependencies). */
  meta?: { v: 1; args: ArgMeta[] };
}

export type HookTable = Record<HookPhase, HookEntry[]>;

export function emptyHooks(): HookTable {
  return { onRequest: [], preValidation: [], preHandler: [], onResponse: [], onError: [] };
}

/** Checks a registration: a function, and compiled metadata when it takes dependencies. */
export function hookEntry(phase: HookPhase, fn: unknown, meta: HookEntry["meta"]): HookEntry {
  if (typeof fn !== "function") throw new SpikardError("HOOK", `${phase} hook must be a function, got ${typeof fn}`);
  const compiled = meta ?? generatedArgsMeta("hook", fn as HookEntry["fn"], FIXED_ARGS[phase], `${phase} hook ${fn.name || "(anonymous)"}`, phase);
  return compiled === undefined ? { fn: fn as HookEntry["fn"] } : { fn: fn as HookEntry["fn"], meta: compiled };
}

/** Outer hooks first (app, then routers from the outside in), registration order within each. */
export function mergeHooks(outer: HookTable, inner: HookTable): HookTable {
  const out = emptyHooks();
  for (const phase of HOOK_PHASES) out[phase] = [...outer[phase], ...inner[phase]];
  return out;
}

export function hasHooks(t: HookTable | undefined): boolean {
  return t !== undefined && HOOK_PHASES.some((p) => t[p].length > 0);
}
