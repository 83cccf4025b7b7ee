/**
 * The contract between a transport (the HTTP/2 adapter; later gRPC-Web on HTTP/1.1) and the
 * protocol core (`dispatch.ts`). The transport knows streams and headers; the core knows framing,
 * compression, deadlines, statuses and handlers.
 */
export type HeaderValues = Record<string, string | string[] | undefined>;
export type OutgoingHeaders = Record<string, string | string[]>;

export interface RequestBody extends AsyncIterable<Buffer> {
  /**
   * Push mode, for calls that take one message: every chunk goes to `onChunk` as it arrives,
   * then `onEnd` once (also when the stream closes early). No promise per chunk.
   */
  consume(onChunk: (chunk: Buffer) => void, onEnd: () => void): void;
}

export interface TransportCall {
  /** `/package.Service/Method` */
  readonly path: string;
  /** The request headers (lower-case names, pseudo-headers included). */
  readonly headers: HeaderValues;
  /** The client's address, when known. */
  readonly peer: string | undefined;
  /** True once the client cancelled (RST_STREAM) or the connection went away. */
  readonly cancelled: boolean;
  /** Told once when the client cancels (not when the call ends normally). A plain listener: an AbortSignal per call costs. */
  onCancel(listener: { cancelled(): void }): void;
  /** The request body's raw chunks; the transport stops reading from the client while the consumer lags. */
  readonly body: RequestBody;
  /** Sends the response headers (`:status` 200 and content-type are the transport's). Only once. */
  sendHeaders(metadata: OutgoingHeaders): void;
  /**
   * Writes one framed message. Returns a promise when the client is not reading fast enough
   * (the caller awaits it before producing more), undefined when it can write on.
   */
  write(frame: Buffer): Promise<void> | undefined;
  /**
   * Ends the call with trailers (status, message, trailing metadata); trailers-only when no headers
   * were sent. `lastFrame` is written with the end (one write for a unary answer instead of two).
   */
  end(trailers: OutgoingHeaders, lastFrame?: Buffer): void;
  /** True once headers went out. */
  readonly headersSent: boolean;
}
