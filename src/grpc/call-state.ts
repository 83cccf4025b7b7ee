import type { OutgoingHeaders, TransportCall } from "../adapter/grpc-call";
import { Request } from "../context";
import { CallRequest } from "./call-request";
import { ACCEPT_ENCODING, compress, decompress, type MessageEncoding } from "./compression";
import type { GrpcCallContext } from "./context";
import { GrpcError } from "./error";
import { grpcErrorFromHttp } from "./http-status";
import { encodeMessage, MessageDecoder, type RawMessage } from "./framing";
import type { GrpcCallStatus } from "./hooks";
import { Metadata, type MetadataValue } from "./metadata";
import type { OutgoingMessage, RegisteredMethod, ResponseSink } from "./service";
import { GrpcStatus, type GrpcStatusCode } from "./status";
import { encodeStatusMessage } from "./status-message";

export interface DispatchOptions {
  /** Largest request message accepted (after decompression); RESOURCE_EXHAUSTED beyond. */
  maxReceiveMessageSize: number;
  /** Largest response message sent; RESOURCE_EXHAUSTED beyond. */
  maxSendMessageSize: number;
  /** Encoding for responses when the client accepts it and did not pick one itself. */
  compression: MessageEncoding | undefined;
  logger: Pick<Console, "error" | "warn">;
}

const STATUS_TEXT = Array.from({ length: 17 }, (_, i) => String(i));

/**
 * One call's state. Allocation-lean on purpose (the unary hot path): the AbortSignal, the request
 * Metadata and the header/trailer Metadata exist only once something asks for them.
 */
export class CallState implements ResponseSink {
  finished = false;
  readonly ctx: CallContext;
  private controller: AbortController | undefined;
  private abortReason: GrpcError | undefined;
  headerMd: Metadata | undefined;
  trailerMd: Metadata | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly decoder: MessageDecoder;
  /** Unary and client-streaming answers: the one frame, written together with the trailers. */
  private single: Buffer | undefined;
  /** The status the call ended with, for onResponse hooks: two fields, not an object, so the plain path allocates nothing for it. */
  private endCode: GrpcStatusCode | undefined;
  private endMessage = "";
  /** Told once when the call ends (finished or cancelled): a call plan's dependency scope. */
  private endListener: { release(): void } | undefined;
  /** The call as dependencies and hooks read an HTTP request, made on first use. */
  private req: Request | undefined;

  constructor(
    readonly call: TransportCall,
    private readonly method: RegisteredMethod,
    readonly options: DispatchOptions,
    private readonly requestEncoding: MessageEncoding,
    private readonly responseEncoding: MessageEncoding,
    timeoutMs: number | undefined,
  ) {
    this.decoder = new MessageDecoder(options.maxReceiveMessageSize);
    let deadline: Date | undefined;
    if (timeoutMs !== undefined) {
      deadline = new Date(Date.now() + timeoutMs);
      // Beyond setTimeout's range (24.8 days) a deadline cannot fire in this process's lifetime anyway.
      if (timeoutMs <= 0x7fffffff) this.timer = setTimeout(() => this.expire(), timeoutMs);
    }
    call.onCancel(this);
    this.ctx = new CallContext(this, method, deadline);
  }

  /** The handler's signal, made on first use (already aborted if the call ended before). */
  signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  private abort(reason: GrpcError): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** The request stream: frames decoded, decompressed and size-checked as the handler pulls them. */
  async *requests(): AsyncGenerator<Buffer> {
    for await (const chunk of this.call.body) {
      if (this.finished) return;
      for (const raw of this.decoder.push(chunk)) {
        yield raw.compressed ? await decompress(this.requestEncoding, raw.data, this.options.maxReceiveMessageSize) : raw.data;
        if (this.finished) return;
      }
    }
    if (this.decoder.partial) throw new GrpcError(GrpcStatus.INTERNAL, "Request stream ended in the middle of a message");
  }

  /** The request message (unary, server streaming) or the request stream a handler of this method takes. */
  input(): Promise<Buffer> | AsyncIterable<Buffer> {
    const kind = this.method.kind;
    return kind === "unary" || kind === "server_streaming" ? this.readSingle() : this.requests();
  }

  /** The call as a `Request` (for dependency factories: `Header<>` reads metadata); shares `ctx.state`. */
  request(): Request {
    if (this.req === undefined) {
      const call = this.call;
      this.req = new Request(new CallRequest(call.path, call.headers, call.peer), [], []);
      this.req.state = this.ctx.state;
    }
    return this.req;
  }

  /** How the call already ended (deadline, cancel, an error status), or undefined while it runs. */
  endedWith(): GrpcCallStatus | undefined {
    return this.endCode === undefined ? undefined : { code: this.endCode, message: this.endMessage };
  }

  /** `listener.release()` runs once the call is over (at once if it already is). */
  onEnd(listener: { release(): void }): void {
    if (this.finished) listener.release();
    else this.endListener = listener;
  }

  private ended(): void {
    const l = this.endListener;
    this.endListener = undefined;
    l?.release();
  }

  /** Unary and server-streaming calls take exactly one request message (read in push mode: the hot path). */
  readSingle(): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      let message: RawMessage | undefined;
      let failed = false;
      this.call.body.consume(
        (chunk) => {
          if (failed) return;
          try {
            for (const raw of this.decoder.push(chunk)) {
              if (message !== undefined) throw new GrpcError(GrpcStatus.UNIMPLEMENTED, `Received a second request message for ${this.method.kind === "unary" ? "unary" : "server streaming"} method ${this.method.path}`);
              message = raw;
            }
          } catch (err) {
            failed = true;
            reject(err);
          }
        },
        () => {
          if (failed) return;
          if (this.decoder.partial) reject(new GrpcError(GrpcStatus.INTERNAL, "Request stream ended in the middle of a message"));
          else if (message === undefined) reject(new GrpcError(GrpcStatus.UNIMPLEMENTED, `Received no request message for method ${this.method.path}`));
          else if (message.compressed) resolve(decompress(this.requestEncoding, message.data, this.options.maxReceiveMessageSize));
          else resolve(message.data);
        },
        (err) => {
          if (failed) return;
          failed = true;
          reject(err);
        },
      );
    });
  }

  send(message: OutgoingMessage): Promise<void> | undefined | false {
    if (this.finished) return false;
    const payload = message.payload;
    if (payload.byteLength > this.options.maxSendMessageSize) {
      this.options.logger.error(`spikard: gRPC ${this.method.path}: response message of ${payload.byteLength} bytes is over maxSendMessageSize (${this.options.maxSendMessageSize})`);
      this.finish(GrpcStatus.RESOURCE_EXHAUSTED, `Sent message larger than max (${payload.byteLength} vs. ${this.options.maxSendMessageSize})`);
      return false;
    }
    if (message.metadata !== undefined && !this.call.headersSent) (this.headerMd ??= new Metadata()).merge(message.metadata);
    const singleAnswer = this.method.kind === "unary" || this.method.kind === "client_streaming";
    if (this.responseEncoding === "identity") {
      const frame = message.frame ?? encodeMessage(payload);
      if (singleAnswer && this.single === undefined) {
        this.single = frame;
        return undefined;
      }
      this.sendHeaders();
      return this.call.write(frame);
    }
    return compress(this.responseEncoding, payload).then((data) => {
      if (this.finished) return;
      this.sendHeaders();
      return this.call.write(encodeMessage(data, true));
    });
  }

  private sendHeaders(): void {
    if (this.call.headersSent) return;
    const h: OutgoingHeaders = this.headerMd?.toHeaders() ?? {};
    h["grpc-accept-encoding"] = ACCEPT_ENCODING;
    if (this.responseEncoding !== "identity") h["grpc-encoding"] = this.responseEncoding;
    this.call.sendHeaders(h);
  }

  /** Ends the call with a status. The first end wins; later ones (a late handler result) are ignored. */
  finish(code: GrpcStatusCode, message: string, extra?: Metadata): void {
    if (this.finished) return;
    this.finished = true;
    this.endCode = code;
    this.endMessage = message;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!this.call.cancelled) {
      const single = code === GrpcStatus.OK ? this.single : undefined;
      if (single !== undefined) this.sendHeaders();
      if (extra !== undefined && extra.size > 0) (this.trailerMd ??= new Metadata()).merge(extra);
      const trailers: OutgoingHeaders = this.trailerMd?.toHeaders() ?? {};
      trailers["grpc-status"] = STATUS_TEXT[code]!;
      if (message !== "") trailers["grpc-message"] = encodeStatusMessage(message);
      if (!this.call.headersSent) {
        // Trailers-only: the header metadata set so far goes with it.
        this.headerMd?.toHeaders(trailers);
        trailers["grpc-accept-encoding"] = ACCEPT_ENCODING;
      }
      this.call.end(trailers, single);
    }
    this.single = undefined;
    if (code !== GrpcStatus.OK) this.abort(new GrpcError(code, message || "call ended"));
    this.ended();
  }

  /** A handler (or request-reading) failure: GrpcErrors keep their status, anything else is INTERNAL and logged. */
  fail(err: unknown): void {
    if (this.finished) return;
    const e = this.asGrpcError(err);
    this.finish(e.code, e.message, e.metadata);
  }

  /**
   * What an exception ends the call with: a GrpcError as it is; an HttpError or framework
   * rejection (code shared with the routes) with its status mapped to gRPC's; anything else
   * INTERNAL with a generic message, logged.
   */
  asGrpcError(err: unknown): GrpcError {
    if (err instanceof GrpcError) return err;
    const mapped = grpcErrorFromHttp(err);
    if (mapped !== undefined) {
      if (mapped.code === GrpcStatus.INTERNAL) this.options.logger.error(`spikard: gRPC ${this.method.path} failed:`, err);
      return mapped;
    }
    this.options.logger.error(`spikard: gRPC ${this.method.path} failed:`, err);
    return new GrpcError(GrpcStatus.INTERNAL, "Internal server error", undefined, { cause: err });
  }

  private expire(): void {
    this.timer = undefined;
    this.finish(GrpcStatus.DEADLINE_EXCEEDED, "Deadline exceeded");
  }

  cancelled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const already = this.finished;
    this.finished = true;
    if (this.endCode === undefined) {
      this.endCode = GrpcStatus.CANCELLED;
      this.endMessage = "Call cancelled by the client";
    }
    this.abort(new GrpcError(GrpcStatus.CANCELLED, "Call cancelled by the client"));
    if (!already) this.ended();
  }
}

/** The `ctx` a handler gets: a view of its CallState with lazily built parts. */
class CallContext implements GrpcCallContext {
  private md: Metadata | undefined;
  private shared: Record<string, unknown> | undefined;

  constructor(
    private readonly owner: CallState,
    private readonly method: RegisteredMethod,
    readonly deadline: Date | undefined,
  ) {}

  get serviceName(): string {
    return this.method.serviceName;
  }

  get methodName(): string {
    return this.method.methodName;
  }

  get metadata(): Metadata {
    return (this.md ??= Metadata.fromHeaders(this.owner.call.headers));
  }

  get signal(): AbortSignal {
    return this.owner.signal();
  }

  get peer(): string | undefined {
    return this.owner.call.peer;
  }

  setHeader(key: string, value: MetadataValue): void {
    if (this.owner.call.headersSent) {
      this.owner.options.logger.warn(`spikard: gRPC ${this.method.path}: setHeader("${key}") after the response headers were sent is ignored`);
      return;
    }
    (this.owner.headerMd ??= new Metadata()).add(key, value);
  }

  setTrailer(key: string, value: MetadataValue): void {
    (this.owner.trailerMd ??= new Metadata()).add(key, value);
  }

  get state(): Record<string, unknown> {
    return (this.shared ??= {});
  }
}

