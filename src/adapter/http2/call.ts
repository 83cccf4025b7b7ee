import http2 from "node:http2";
import type { HeaderValues, OutgoingHeaders, TransportCall } from "../../grpc/call";
import { StreamBody } from "./body";

const { HTTP2_HEADER_STATUS, HTTP2_HEADER_CONTENT_TYPE, NGHTTP2_NO_ERROR } = http2.constants;

/** One gRPC call on an HTTP/2 stream. */
export class Http2Call implements TransportCall {
  readonly path: string;
  readonly peer: string | undefined;
  readonly body: StreamBody;
  private readonly controller = new AbortController();
  private ended = false;
  headersSent = false;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    readonly headers: HeaderValues,
  ) {
    this.path = headers[":path"] as string;
    const socket = stream.session?.socket;
    this.peer = socket?.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort}`;
    this.body = new StreamBody(stream);
    // Without a listener an 'error' (a reset mid-write) would be thrown; 'close' reports it.
    stream.on("error", () => undefined);
    stream.once("close", () => {
      if (!this.ended || stream.rstCode !== NGHTTP2_NO_ERROR) this.cancel();
    });
    stream.once("aborted", () => this.cancel());
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private cancel(): void {
    this.ended = true;
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  sendHeaders(metadata: OutgoingHeaders): void {
    if (this.headersSent || this.stream.destroyed) return;
    this.headersSent = true;
    this.stream.respond({ ...metadata, [HTTP2_HEADER_STATUS]: 200, [HTTP2_HEADER_CONTENT_TYPE]: "application/grpc" }, { waitForTrailers: true });
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

  end(trailers: OutgoingHeaders): void {
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
      stream.end();
    } else {
      this.headersSent = true;
      stream.respond({ ...trailers, [HTTP2_HEADER_STATUS]: 200, [HTTP2_HEADER_CONTENT_TYPE]: "application/grpc" }, { endStream: true });
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
