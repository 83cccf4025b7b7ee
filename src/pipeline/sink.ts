/**
 * What the pipeline writes responses to. The uWebSockets.js adapter and the
 * in-process TestClient both implement it, so both run the same pipeline.
 *
 * Headers travel as a flat array `[name, value, name, value, ...]`: it is
 * what uWS wants (one writeHeader per pair) and avoids a tuple per header.
 */
export interface ResponseSink {
  /** True once the client went away; nothing may be written after that. */
  readonly aborted: boolean;
  /** Called once if the client goes away before the response completed. */
  onAbort(cb: () => void): void;
  /**
   * Writes a whole response. `headOnly` answers a HEAD request: headers and
   * the Content-Length of `body`, but no body bytes.
   */
  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void;
  /** Starts a streamed (chunked) response. */
  startStream(status: number, headers: readonly string[]): void;
  /** Writes one chunk; returns false when the socket is backed up (wait for `onDrain`). */
  write(chunk: string | Uint8Array): boolean;
  /** Calls `cb` once the backed-up socket can take more. */
  onDrain(cb: () => void): void;
  endStream(): void;
  /** Drops the connection (a stream failed after its headers went out). */
  close(): void;
}

/** A sink that runs `cleanup` once the response is finished, failed or aborted. */
export function withCleanup(sink: ResponseSink, cleanup: () => void): ResponseSink {
  let done = false;
  const finish = (): void => {
    if (!done) {
      done = true;
      cleanup();
    }
  };
  sink.onAbort(finish);
  return {
    get aborted() {
      return sink.aborted;
    },
    onAbort: (cb) => sink.onAbort(cb),
    send(status, headers, body, headOnly) {
      sink.send(status, headers, body, headOnly);
      finish();
    },
    startStream: (status, headers) => sink.startStream(status, headers),
    write: (chunk) => sink.write(chunk),
    onDrain: (cb) => sink.onDrain(cb),
    endStream() {
      sink.endStream();
      finish();
    },
    close() {
      sink.close();
      finish();
    },
  };
}

/** The body of the request, read on demand. */
export interface BodySource {
  /** Declared Content-Length, when the client sent one. */
  readonly contentLength: number | undefined;
  /**
   * Buffers the body and calls exactly one of `to.body` or `to.error`: the
   * latter with `PayloadTooLargeError` as soon as more than `limit` bytes
   * arrived (or were announced), without buffering the rest. A callback, not a
   * promise: a body that arrives with its request is handled inside the
   * socket's own data event, with no promise and no microtask hop per request.
   */
  read(limit: number, to: BodyConsumer): void;
  /**
   * Streams the body: `onChunk` for each piece (the source pauses while a
   * returned promise is pending), then `onEnd`. Used by multipart parsing.
   */
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

export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
    this.name = "PayloadTooLargeError";
  }
}

/** Body of a request that has none (GET and friends, or an empty POST). */
export const EMPTY_BODY: BodySource = {
  contentLength: 0,
  read: (_limit, to) => to.body(Buffer.alloc(0)),
  stream: () => Promise.resolve(),
};
