import http2 from "node:http2";
import type { HeaderValues, OutgoingHeaders, TransportCall } from "../../grpc/call";
import { StreamBody } from "./body";

const { HTTP2_HEADER_STATUS, HTTP2_HEADER_CONTENT_TYPE, NGHTTP2_NO_ERROR } = http2.constants;

/** One gRPC call on an HTTP/2 stream. */
export class Http2Call implements TransportCall {
  readonly path: string;
  readonly body: StreamBody;
  cancelled = false;
  headersSent = false;
  private ended = false;
  private cancelListener: (() => void) | undefined;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    readonly headers: HeaderValues,
  ) {
    this.path = headers[":path"] as string;
    this.body = new StreamBody(stream);
    // One 'close' listener does the body's end and the cancel check.
    stream.once("close", () => {
      this.body.closed();
      if (!this.ended || stream.rstCode !== NGHTTP2_NO_ERROR) this.cancel();
    });
  }

  get peer(): string | undefined {
    const socket = this.stream.session?.socket;
    return socket?.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort}`;
  }

  onCancel(listener: () => void): void {
    if (this.cancelled) queueMicrotask(listener);
    else this.cancelListener = listener;
  }

  private cancel(): void {
    this.ended = true;
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelListener?.();
  }

  sendHeaders(metadata: OutgoingHeaders): void {
    if (this.headersSent || this.stream.destroyed) return;
    this.headersSent = true;
    metadata[HTTP2_HEADER_STATUS] = "200";
    metadata[HTTP2_HEADER_CONTENT_TYPE] = "application/grpc";
    this.stream.respond(metadata, { waitForTrailers: true });
  }

  write(frame: Buffer): Promise<void> | undefined {
    const stream = this.stream;
    if (stream.destroyed || this.ended) return undefined;
    if (stream.write(frame)) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off("drain", done);
        stream.off("close", done);
        resolve();
      };
      stream.on("drain", done);
      stream.on("close", done);
    });
  }

  end(trailers: OutgoingHeaders, lastFrame?: Buffer): void {
    if (this.ended) return;
    this.ended = true;
    const stream = this.stream;
    this.body.discard();
    if (stream.destroyed) return;
    if (this.headersSent) {
      stream.once("wantTrailers", () => {
        stream.sendTrailers(trailers);
        this.stopReading();
      });
      if (lastFrame === undefined) stream.end();
      else stream.end(lastFrame);
    } else {
      this.headersSent = true;
      trailers[HTTP2_HEADER_STATUS] = "200";
      trailers[HTTP2_HEADER_CONTENT_TYPE] = "application/grpc";
      stream.respond(trailers, { endStream: true });
      this.stopReading();
    }
  }

  /**
   * The answer is complete but the client is still sending (an early error on a client stream):
   * RST_STREAM(NO_ERROR) tells it to stop (RFC 9113 §8.1) instead of leaving the stream open.
   */
  private stopReading(): void {
    const stream = this.stream;
    if (stream.readableEnded) return;
    setImmediate(() => {
      if (!stream.destroyed && !stream.readableEnded) stream.close(NGHTTP2_NO_ERROR);
    });
  }
}
