import { SpikardError } from "../errors";
import { hookEntry, type HookEntry } from "../hooks";
import type { GrpcCallContext } from "./context";
import type { GrpcError } from "./error";
import type { GrpcStatusCode } from "./status";

type MaybePromise<T> = T | Promise<T>;

/** The phases of a gRPC call hooks run in, in order. */
export const GRPC_HOOK_PHASES = ["onRequest", "preHandler", "onResponse", "onError"] as const;
export type GrpcHookPhase = (typeof GRPC_HOOK_PHASES)[number];

/** How a call ended, as `onResponse` hooks see it. */
export interface GrpcCallStatus {
  readonly code: GrpcStatusCode;
  readonly message: string;
}

/**
 * Runs when a call arrives, before its request message is read: reads `call.metadata`, may set
 * `call.state`, headers and trailers; throwing or returning a GrpcError ends the call with it
 * (`UNAUTHENTICATED` without a token), and neither later hooks nor the handler run.
 */
export type GrpcRequestHook = (call: GrpcCallContext, ...deps: any[]) => MaybePromise<GrpcError | void>;
/**
 * Runs once the request message arrived within the limits (unary, server streaming; for client
 * and bidi streams, once the call is accepted) and the method's dependencies are resolved, just
 * before the handler: as onRequest, returning or throwing a GrpcError ends the call instead.
 */
export type GrpcPreHandlerHook = (call: GrpcCallContext, ...deps: any[]) => MaybePromise<GrpcError | void>;
/**
 * Runs once the handler is done, with the status the call ends with (OK, the error's, or the
 * DEADLINE_EXCEEDED/CANCELLED that already ended it), before the trailers go out: `call.setTrailer`
 * still reaches the client. Throwing a GrpcError ends the call with it instead.
 */
export type GrpcResponseHook = (status: GrpcCallStatus, call: GrpcCallContext, ...deps: any[]) => MaybePromise<void>;
/** Sees what a hook, a dependency or the handler threw; returning (or throwing) a GrpcError answers with it instead. */
export type GrpcErrorHook = (error: unknown, call: GrpcCallContext, ...deps: any[]) => MaybePromise<GrpcError | void>;

export type GrpcHookTable = Record<GrpcHookPhase, HookEntry[]>;

export function emptyGrpcHooks(): GrpcHookTable {
  return { onRequest: [], preHandler: [], onResponse: [], onError: [] };
}

/**
 * Hooks around gRPC calls (interceptors), on both transports (HTTP/2 and gRPC-Web):
 * `app.grpcHooks` applies to every call of the app's services, and a `GrpcHooks` passed as
 * `app.grpc(service, impl, { hooks })` to that service's calls, after the app's. Hooks may take
 * injected dependencies after their fixed parameters, as HTTP hooks do. Register them before the
 * app serves: later registrations throw REGISTERED_TOO_LATE.
 */
export class GrpcHooks {
  readonly table: GrpcHookTable = emptyGrpcHooks();
  private sealedBecause: string | undefined;

  /** @spikardHook onRequest */
  onRequest(hook: GrpcRequestHook, meta?: HookEntry["meta"]): this {
    return this.add("onRequest", hook, meta);
  }

  /** @spikardHook preHandler */
  preHandler(hook: GrpcPreHandlerHook, meta?: HookEntry["meta"]): this {
    return this.add("preHandler", hook, meta);
  }

  /** @spikardHook onResponse */
  onResponse(hook: GrpcResponseHook, meta?: HookEntry["meta"]): this {
    return this.add("onResponse", hook, meta);
  }

  /** @spikardHook onError */
  onError(hook: GrpcErrorHook, meta?: HookEntry["meta"]): this {
    return this.add("onError", hook, meta);
  }

  get size(): number {
    return GRPC_HOOK_PHASES.reduce((n, phase) => n + this.table[phase].length, 0);
  }

  /** Registration is over (the app started serving): what is added later would be missed. */
  seal(because: string): void {
    this.sealedBecause ??= because;
  }

  private add(phase: GrpcHookPhase, hook: unknown, meta: HookEntry["meta"]): this {
    if (this.sealedBecause !== undefined) throw new SpikardError("REGISTERED_TOO_LATE", `a gRPC ${phase} hook`, this.sealedBecause);
    this.table[phase].push(hookEntry(phase, hook, meta));
    return this;
  }
}
