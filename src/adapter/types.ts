import type { RequestLimits } from "./request-limits";

/**
 * The contract between a server library and everything above it. An adapter
 * (uWebSockets.js, node:http, in-memory for TestClient) turns each request
 * into an `Exchange` and hands it to the app's `ExchangeHandler`; nothing
 * above the adapter touches the server library.
 *
 * Request lifetime: an exchange is *live* during the adapter's synchronous
 * call into the handler. After that call returns, its request side may only
 * be read if `detach()` was called while it was live (the pipeline does so
 * whenever a later step reads the request); a read without that snapshot
 * throws `SpikardError("REQUEST_RELEASED")` in every adapter alike. The body
 * must be claimed (`read` or `stream`) while live too: uWS delivers body bytes
 * only to a reader attached inside its callback.
 *
 * Headers travel as a flat `[name, value, name, value, ...]` array: it is
 * what uWS wants (one writeHeader per pair) and avoids a tuple per header.
 */

/** The request side: what routing and extraction read. */
export interface AdapterRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Raw (percent-encoded) path, without the query string. */
  readonly path: string;
  /** Raw query string without the leading `?` ("" when absent). */
  readonly query: string;
  /** A header by lower-case name; absent and empty headers both read as `undefined`. */
  header(lowerName: string): string | undefined;
  /** Every header, lower-case names; repeated headers joined with ", ". */
  headers(): Record<string, string>;
  /** Client address as text. */
  remoteAddress(): string;
  /** Copies what later (asynchronous) steps may read; a no-op once copied. Only while live. */
  detach(): void;
}

/** The body of the request, read on demand (only body routes ask). */
export interface BodySource {
  /** Declared Content-Length, when the client sent one (already checked to be digits). */
  readonly contentLength: number | undefined;
  /**
   * Buffers the body and calls exactly one of `to.body` or `to.error`: the
   * latter with `PayloadTooLargeError` as soon as more than `limit` bytes
   * arrived (or were announced), without buffering the rest. A callback, not a
   * promise: a body that arrives with its request is handled inside the
   * socket's own data event, with no promise and no microtask hop per request.
   */
  read(limit: number, to: BodyConsumer): void;
  /** Streams the body: `onChunk` per piece (reading pauses while a returned promise is pending). */
  stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void>;
}

/**
 * Where a buffered body goes. An object rather than two callbacks: a request
 * waiting for its body then keeps one object alive instead of two closures
 * and their shared context (survivors are what grows the young generation).
 */
export interface BodyConsumer {
  body(buf: Buffer): void;
  error(err: unknown): void;
}

/** What a sink can do beyond whole responses. */
export interface SinkCapabilities {
  /** Chunked or length-framed streaming with backpressure. */
  readonly streaming: boolean;
  /** HTTP trailers after a streamed body (HTTP/2). */
  readonly trailers: boolean;
  /** Switching the connection to the WebSocket protocol. */
  readonly upgrade: boolean;
}

/** The response side. Framing (Content-Length, HEAD, chunked, Date) follows `frame*` in ./framing, in every adapter. */
export interface ResponseSink {
  readonly capabilities: SinkCapabilities;
  /** True once the client went away; nothing may be written after that. */
  readonly aborted: boolean;
  /** Called once if the client goes away before the response completed. */
  onAbort(cb: () => void): void;
  /** Called once when the exchange is over: response complete, connection dropped, or client gone. */
  onComplete(cb: () => void): void;
  /** The connection closes after this response (its request body was not read to the end, say). */
  closeAfter(): void;
  /**
   * Writes a whole response. `headOnly` answers a HEAD request: headers and
   * the Content-Length of `body`, but no body bytes.
   */
  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void;
  /** Starts a streamed response (chunked, or framed by a declared Content-Length). */
  startStream(status: number, headers: readonly string[]): void;
  /** Writes one chunk; returns false when the socket is backed up (wait for `onDrain`). */
  write(chunk: string | Uint8Array): boolean;
  /** Calls `cb` once the backed-up socket can take more. */
  onDrain(cb: () => void): void;
  endStream(): void;
  /** Drops the connection (a stream failed after its headers went out). */
  close(): void;
}

/** One request and its response. uWS's exchange is one object implementing all three (one allocation per request). */
export interface Exchange extends AdapterRequest, BodySource, ResponseSink {}

/** What the app hands an adapter: called once per request, synchronously, while the exchange is live. */
export type ExchangeHandler = (exchange: Exchange) => void;

export interface ListenOptions {
  host: string;
  port: number;
  /** uWS only: accept its slow pure-JS fallback. */
  allowSlowFallback?: boolean;
  /** What a request may be (target and header sizes, timeouts); DEFAULT_LIMITS when absent. */
  limits?: RequestLimits;
  /**
   * The port is shared on purpose with the app's own worker threads: no check that it is free (the first
   * thread made it), and SO_REUSEPORT where the adapter needs to ask for it.
   */
  sharedPort?: boolean;
}

/** A listening server. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  /** Requests currently being answered. */
  readonly inFlight: number;
  /** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then resolves. */
  close(timeoutMs: number): Promise<void>;
}

/** A server library behind the contract. */
export interface Adapter {
  readonly name: string;
  /** Several threads can listen on one port (SO_REUSEPORT), as `workers` needs. */
  readonly portSharing: boolean;
  listen(handler: ExchangeHandler, options: ListenOptions): Promise<Listener>;
}

export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
    this.name = "PayloadTooLargeError";
  }
}
