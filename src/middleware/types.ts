import type { RawRequest } from "../request";
import type { ResponseSink } from "../pipeline/sink";

/**
 * A server-level middleware from ServerConfig. It runs before routing, in the
 * adapter's synchronous call: it may answer (`send` on the sink) or continue
 * with `next`, possibly with a wrapped sink that adjusts the response.
 * One that decides asynchronously returns a promise settled once it answered
 * or called `next`; the pipeline then holds the request's headers and body.
 */
export interface Middleware {
  readonly name: string;
  handle(raw: RawRequest, sink: ResponseSink, next: (sink: ResponseSink) => void): void | Promise<void>;
}

/** Answers a whole response from a middleware. */
export function answer(sink: ResponseSink, raw: RawRequest, status: number, headers: readonly string[], body?: string | Uint8Array): void {
  sink.send(status, headers, body, raw.method === "HEAD");
}

/**
 * A sink that passes everything to `inner` but lets `before` rewrite the status
 * and headers of whatever is sent (whole or streamed).
 */
export function mapHeaders(inner: ResponseSink, before: (status: number, headers: readonly string[]) => readonly string[]): ResponseSink {
  return {
    get aborted() {
      return inner.aborted;
    },
    onAbort: (cb) => inner.onAbort(cb),
    send: (status, headers, body, headOnly) => inner.send(status, before(status, headers), body, headOnly),
    startStream: (status, headers) => inner.startStream(status, before(status, headers)),
    write: (chunk) => inner.write(chunk),
    onDrain: (cb) => inner.onDrain(cb),
    endStream: () => inner.endStream(),
    close: () => inner.close(),
  };
}
