import { StreamBody, type FlowControl } from "../adapter/call-body";
import type { HeaderValues, OutgoingHeaders, TransportCall } from "../adapter/grpc-call";
import type { BodySource, ResponseSink } from "../adapter/types";
import type { Request } from "../context";
import { Response, StreamingResponse, type AnyResponse } from "../response";
import { GrpcError } from "./error";
import { FrameQueue } from "./frame-queue";
import { GrpcStatus } from "./status";
import { Base64BodyDecoder, encodeTextChunk, encodeTrailerFrame, webResponseHeaders, type WebContentType } from "./web";

/**
 * One gRPC-Web call (grpc/doc/PROTOCOL-WEB.md) over an HTTP/1.1 exchange: the same protocol core
 * and handlers as HTTP/2, with HTTP/1.1's means. The body arrives through the exchange's
 * `stream()` (base64-decoded for `-text`), paused while the call lags; the answer is always HTTP
 * 200 and carries the status in a trailer frame at the end of the body (HTTP/1.1 has no trailers),
 * also for an immediate error. A unary answer is one whole Response (message and trailer frame,
 * Content-Length framed); a stream is a StreamingResponse the pipeline writes with backpressure.
 * Either goes out through the route's middleware (CORS adds its headers).
 */
export class WebCall implements TransportCall {
  readonly path: string;
  readonly headers: HeaderValues;
  readonly body: StreamBody;
  cancelled = false;
  headersSent = false;
  /** Resolves with the answer once the call knows whether it streams (its first write, or its end). */
  readonly answer: Promise<AnyResponse>;
  private settle!: (r: AnyResponse) => void;
  private ended = false;
  private cancelListener: { cancelled(): void } | undefined;
  private headerMd: OutgoingHeaders | undefined;
  private queue: FrameQueue | undefined;
  private readonly flow = new PausableRead();

  constructor(
    private readonly req: Request,
    source: BodySource,
    client: Pick<ResponseSink, "aborted" | "onAbort">,
    private readonly type: WebContentType,
  ) {
    this.path = req.path;
    this.headers = req.headers;
    this.answer = new Promise<AnyResponse>((resolve) => (this.settle = resolve));
    this.body = new StreamBody(this.flow);
    client.onAbort(() => this.cancel());
    // Claimed now: adapters deliver body bytes only to a reader attached in their call.
    this.read(source);
  }

  get peer(): string | undefined {
    return this.req.remoteAddress || undefined;
  }

  private read(source: BodySource): void {
    if (source.contentLength === 0) return this.body.finish();
    const text = this.type.text ? new Base64BodyDecoder() : undefined;
    let failed = false;
    source
      .stream((chunk) => {
        if (failed) return undefined;
        let bytes = chunk;
        if (text !== undefined) {
          try {
            bytes = text.push(chunk);
          } catch (err) {
            failed = true;
            this.body.fail(new GrpcError(GrpcStatus.INTERNAL, (err as Error).message));
            return undefined;
          }
        }
        if (bytes.length > 0) this.body.data(bytes);
        return this.flow.pending;
      }, Infinity)
      .then(
        () => {
          if (failed) return;
          if (text?.partial) this.body.fail(new GrpcError(GrpcStatus.INTERNAL, "gRPC-Web text body ends in the middle of a base64 group"));
          else this.body.finish();
        },
        // The client went away mid-body: its abort cancels the call; the body just ends.
        () => this.body.finish(),
      );
  }

  onCancel(listener: { cancelled(): void }): void {
    if (this.cancelled) queueMicrotask(() => listener.cancelled());
    else this.cancelListener = listener;
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.body.discard();
    this.queue?.abort();
    // Nothing will be written: the pipeline sees the exchange aborted and drops this.
    this.settle(new Response({ statusCode: 200 }));
    this.cancelListener?.cancelled();
  }

  sendHeaders(metadata: OutgoingHeaders): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.headerMd = metadata;
  }

  write(frame: Buffer): Promise<void> | undefined {
    if (this.ended || this.cancelled) return undefined;
    if (this.queue === undefined) {
      this.headersSent = true;
      this.queue = new FrameQueue();
      this.settle(new StreamingResponse(this.queue, { statusCode: 200, headers: webResponseHeaders(this.type, this.headerMd ?? {}), mediaType: this.type.responseType }));
    }
    return this.queue.push(this.encode(frame));
  }

  end(trailers: OutgoingHeaders, lastFrame?: Buffer): void {
    if (this.ended) return;
    this.ended = true;
    this.body.discard();
    const trailer = encodeTrailerFrame(trailers);
    const queue = this.queue;
    if (queue !== undefined) {
      if (lastFrame !== undefined) queue.push(this.encode(lastFrame));
      queue.push(this.encode(trailer));
      queue.close();
      return;
    }
    // Whole: the message (if any) and the trailer frame in one body. A trailers-only end has its header metadata in `trailers`.
    this.headersSent = true;
    const body = this.encode(lastFrame === undefined ? trailer : Buffer.concat([lastFrame, trailer]));
    this.settle(new Response({ statusCode: 200, headers: webResponseHeaders(this.type, this.headerMd ?? {}), content: body, mediaType: this.type.responseType }));
  }

  private encode(bytes: Buffer): Buffer {
    return this.type.text ? encodeTextChunk(bytes) : bytes;
  }
}

/** Reading the body pauses while `pending` is a promise: the exchange's `stream()` waits for the chunk callback's promise. */
class PausableRead implements FlowControl {
  pending: Promise<void> | undefined;
  private release: (() => void) | undefined;

  pause(): void {
    this.pending ??= new Promise<void>((resolve) => (this.release = resolve));
  }

  resume(): void {
    const release = this.release;
    this.pending = undefined;
    this.release = undefined;
    release?.();
  }
}
