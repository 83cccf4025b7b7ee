import type { ArgMeta } from "../runtime/meta";
import type { CallPlan } from "./call-plan";
import type { Metadata } from "./metadata";
import type { GrpcCallContext } from "./context";

/** How a method streams, from its descriptor's `stream` keywords. */
export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

export function methodKind(requestStream: boolean | undefined, responseStream: boolean | undefined): MethodKind {
  if (requestStream) return responseStream ? "bidi_streaming" : "client_streaming";
  return responseStream ? "server_streaming" : "unary";
}

/** A response the core writes: bytes, and optionally metadata for the response headers. */
export interface OutgoingMessage {
  payload: Uint8Array;
  metadata?: Metadata;
  /** The payload already behind an uncompressed 5-byte prefix (`payload` is a view into it): saves a copy. */
  frame?: Buffer;
}

/**
 * Writes one response. Returns undefined to go on, a promise to wait for (the client is behind),
 * or false when the call is over (deadline, cancel, an error): the producer should stop.
 */
export interface ResponseSink {
  send(message: OutgoingMessage): Promise<void> | undefined | false;
}

/**
 * One registered method, normalised over both handler forms. `invoke` gets the single request
 * (unary, server streaming) or the request stream (client, bidi), a sink for each response and
 * the handler's injected arguments; its promise settles when the handler is done.
 */
export interface RegisteredMethod {
  readonly path: string;
  readonly serviceName: string;
  readonly methodName: string;
  readonly kind: MethodKind;
  /** The handler's parameters after `(request, ctx)`, as the transformer described them. */
  readonly args?: readonly ArgMeta[];
  /** Hooks and injection around the handler, set when the app starts serving; absent: the plain path. */
  readonly plan?: CallPlan;
  /** Returns undefined when the handler finished synchronously (no promise to wait for). */
  invoke(input: Buffer | AsyncIterable<Buffer>, ctx: GrpcCallContext, sink: ResponseSink, deps?: readonly unknown[]): Promise<void> | undefined;
}
