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
 * One registered method, normalised over both handler forms. `invoke` gets the single request
 * (unary, server streaming) or the request stream (client, bidi), and a sink for each response;
 * its promise settles when the handler is done.
 */
/**
 * Writes one response. Returns undefined to go on, a promise to wait for (the client is behind),
 * or false when the call is over (deadline, cancel, an error): the producer should stop.
 */
export interface ResponseSink {
  send(message: OutgoingMessage): Promise<void> | undefined | false;
}

export interface RegisteredMethod {
  readonly path: string;
  readonly serviceName: string;
  readonly methodName: string;
  readonly kind: MethodKind;
  /** Returns undefined when the handler finished synchronously (no promise to wait for). */
  invoke(input: Buffer | AsyncIterable<Buffer>, ctx: GrpcCallContext, sink: ResponseSink): Promise<void> | undefined;
}
