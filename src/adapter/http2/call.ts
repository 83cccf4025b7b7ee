import http2 from "node:http2";
import type { HeaderValues, OutgoingHeaders, TransportCall } from "../../grpc/call";
import { StreamBody } from "./body";

const { HTTP2_HEADER_STATUS, HTTP2_HEADER_CONTENT_TYPE, NGHTTP2_NO_ERROR } = http2.constants;

// The call rides on its stream; the listeners are shared functions (`this` is the stream), so a
// call costs no closures for them.
const CALL = Symbol("spikard.grpcCall");
type CallStream = http2.ServerHttp2Stream & { [CALL]: Http2Call };
function onData(this: CallStream, chunk: Buffer): void {
  this[CALL].body.data(chunk);
}
function onEnd(this: CallStream): void {
  this[CALL].body.finish();
}
function onClose(this: CallStream): void {
  this[CALL].closed();
}
function onWantTrailers(this: CallStream): void {
  this[CALL].sendPendingTrailers();
}

// No Date header: gRPC clients do not read it, and it is one more field to validate and encode per call.
const HEADERS_OPTIONS = { waitForTrailers: true, sendDate: false } as http2.ServerStreamResponseOptions;
const TRAILERS_ONLY_OPTIONS = { endStream: true, sendDate: false } as http2.ServerStreamResponseOptions;

/** One gRPC call on an HTTP/2 stream. */
export class Http2Call implements TransportCall {
  readonly path: string;
  readonly body: StreamBody;
  cancelled = false;
  headersSent = false;
  private ended = false;
  private cancelListener: { cancelled(): void } | undefined;
  private pendingTrailers: OutgoingHeaders | undefined;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    readonly headers: HeaderValues,
  ) {
    this.path = headers[":path"] as string;
    this.body = new StreamBody(stream);
    (stream as CallStream)[CALL] = this;
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("close", onClose);
  }

  /** The stream closed: the body ends, and unless we had ended the call cleanly, the client cancelled. */
  closed(): void {
    this.body.finish();
    if (!this.ended || this.stream.rstCode !== NGHTTP2_NO_ERROR) this.cancel();
  }

  sendPendingTrailers(): void {
    const t = this.pendingTrailers;
    if (t === undefined) return;
    this.pendingTrailers = undefined;
    this.stream.sendTrailers(t);
    this.stopReading();
  }

  get peer(): string | undefined {
    const socket = this.stream.session?.socket;
    return socket?.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort}`;
  }

  onCancel(listener: { cancelled(): void }): void {
    if (this.cancelled) queueMicrotask(() => listener.cancelled());
    else this.cancelListener = listener;
  }

  private cancel(): void {
    this.ended = true;
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelListener?.cancelled();
  }

  sendHeaders(metadata: OutgoingHeaders): void {
    if (this.headersSent || this.stream.destroyed) return;
    this.headersSent = true;
    metadata[HTTP2_HEADER_STATUS] = "200";
    metadata[HTTP2_HEADER_CONTENT_TYPE] = "application/grpc";
    this.stream.respond(metadata, HEADERS_OPTIONS);
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
      this.pendingTrailers = trailers;
      stream.once("wantTrailers", onWantTrailers);
      if (lastFrame === undefined) stream.end();
      else stream.end(lastFrame);
    } else {
      this.headersSent = true;
      trailers[HTTP2_HEADER_STATUS] = "200";
      trailers[HTTP2_HEADER_CONTENT_TYPE] = "application/grpc";
      stream.respond(trailers, TRAILERS_ONLY_OPTIONS);
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
