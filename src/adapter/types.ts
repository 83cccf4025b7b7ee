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
  /**
   * Answers `101 Switching Protocols` (with `headers` and the chosen subprotocol) and
   * hands the connection to `session` (only where `capabilities.upgrade`). The exchange's
   * completion callbacks then wait for the WebSocket to close: what the handshake opened
   * (its dependencies) lives as long as the connection.
   */
  upgrade(session: SocketSession, protocol: string | undefined, headers: readonly string[]): void;
}

/**
 * One WebSocket connection as the server drives it (src/websocket/session.ts).
 * The adapter calls it; every call happens on the connection's own thread, in order.
 */
export interface SocketSession {
  /** The route wants permessage-deflate when the client offers it. */
  readonly compression: boolean;
  /** The connection is open: `socket` writes to it until `closed` is called. */
  open(socket: ServerSocket): void;
  /** A whole message; `data` is only valid during the call (uWS reuses its memory). */
  message(data: ArrayBuffer | Uint8Array, binary: boolean): void;
  /** Buffered bytes went out (`socket.bufferedAmount` fell). */
  drain(): void;
  /** A pong arrived (the peer is alive). */
  pong(): void;
  /**
   * The connection is over: the close frame's code and reason, 1006 for a dropped connection. Called exactly
   * once; resolves when the session finished closing (its close handler done), when what the handshake opened
   * may be released.
   */
  closed(code: number, reason: string): Promise<void>;
}

/** How a send went: written, queued behind a slow client, or refused (the adapter's own buffer limit). */
export type SocketSendStatus = "sent" | "buffered" | "dropped";

/** The writing side of an open WebSocket, as an adapter provides it. */
export interface ServerSocket {
  send(data: string | Uint8Array, binary: boolean): SocketSendStatus;
  /** Bytes written but not yet taken by the network (the client). */
  readonly bufferedAmount: number;
  /** Sends a close frame; `closed` follows. */
  end(code: number, reason: string): void;
  /** Drops the connection without a close frame; `closed(1006)` follows. */
  terminate(): void;
  ping(): void;
  /** Runs `fn` with writes batched into as few syscalls as possible. */
  cork(fn: () => void): void;
  readonly remoteAddress: string;
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
  /** Limits for WebSocket connections, the largest any route allows (routes check their own below them). */
  websocket?: SocketLimits;
}

export interface SocketLimits {
  /** Largest incoming message in bytes; beyond it the connection closes with 1009. */
  maxPayloadLength: number;
  /** Most bytes buffered for one slow client before sends are refused. */
  maxBackpressure: number;
  /** permessage-deflate, when a client offers it. */
  compression: boolean;
}

/** A listening server. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  /** Requests currently being answered. */
  readonly inFlight: number;
  /** Stops accepting, closes open WebSockets (1001), lets in-flight requests finish (up to `timeoutMs`), then resolves. */
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
