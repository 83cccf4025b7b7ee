import type { HeaderValues, OutgoingHeaders, TransportCall } from "./call";
import { ACCEPT_ENCODING, chooseResponseEncoding, compress, decompress, isSupportedEncoding, type MessageEncoding } from "./compression";
import type { GrpcCallContext } from "./context";
import { GrpcError } from "./error";
import { encodeMessage, MessageDecoder, type RawMessage } from "./framing";
import { Metadata, type MetadataValue } from "./metadata";
import type { GrpcRegistry } from "./registry";
import type { OutgoingMessage, RegisteredMethod, ResponseSink } from "./service";
import { GrpcStatus, type GrpcStatusCode } from "./status";
import { encodeStatusMessage } from "./status-message";
import { parseGrpcTimeout } from "./timeout";

export interface DispatchOptions {
  /** Largest request message accepted (after decompression); RESOURCE_EXHAUSTED beyond. */
  maxReceiveMessageSize: number;
  /** Largest response message sent; RESOURCE_EXHAUSTED beyond. */
  maxSendMessageSize: number;
  /** Encoding for responses when the client accepts it and did not pick one itself. */
  compression: MessageEncoding | undefined;
  logger: Pick<Console, "error" | "warn">;
}

/**
 * Runs one call: finds its method, reads its deadline and encoding, then hands it to `runCall`.
 * Problems found before the handler runs answer trailers-only.
 */
export function dispatch(registry: GrpcRegistry, call: TransportCall, options: DispatchOptions): Promise<void> {
  const method = registry.lookup(call.path);
  if (method === undefined) {
    endImmediately(call, GrpcStatus.UNIMPLEMENTED, unimplementedMessage(registry, call.path));
    return Promise.resolve();
  }
  const h = call.headers;
  let timeoutMs: number | undefined;
  const timeout = single(h["grpc-timeout"]);
  if (timeout !== undefined) {
    timeoutMs = parseGrpcTimeout(timeout);
    if (timeoutMs === undefined) {
      endImmediately(call, GrpcStatus.INTERNAL, `Invalid grpc-timeout value "${timeout.slice(0, 32)}"`);
      return Promise.resolve();
    }
  }
  const requestEncoding = single(h["grpc-encoding"]) ?? "identity";
  if (!isSupportedEncoding(requestEncoding)) {
    endImmediately(call, GrpcStatus.UNIMPLEMENTED, `Unsupported grpc-encoding "${requestEncoding.slice(0, 32)}"`, { "grpc-accept-encoding": ACCEPT_ENCODING });
    return Promise.resolve();
  }
  // Answer in the client's own encoding when it compresses, else in the configured one if accepted.
  const responseEncoding = chooseResponseEncoding(single(h["grpc-accept-encoding"]), requestEncoding !== "identity" ? requestEncoding : options.compression);
  return runCall(method, new CallState(call, method, options, requestEncoding, responseEncoding, timeoutMs));
}

/**
 * The one place a handler is invoked. Everything the handler sees is on `state.ctx`; the steps
 * around it (read → [hooks/DI, once the request-path redesign lands] → handler → write) are
 * kept apart so interceptors can slot in between reading and invoking.
 */
export async function runCall(method: RegisteredMethod, state: CallState): Promise<void> {
  try {
    const input = method.kind === "unary" || method.kind === "server_streaming" ? await state.readSingle() : state.requests();
    if (state.finished) return;
    const pending = method.invoke(input, state.ctx, state);
    if (pending !== undefined) await pending;
    state.finish(GrpcStatus.OK, "");
  } catch (err) {
    state.fail(err);
  }
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
  }

  /** A handler (or request-reading) failure: GrpcErrors keep their status, anything else is INTERNAL and logged. */
  fail(err: unknown): void {
    if (this.finished) return;
    if (err instanceof GrpcError) {
      this.finish(err.code, err.message, err.metadata);
      return;
    }
    this.options.logger.error(`spikard: gRPC ${this.method.path} failed:`, err);
    this.finish(GrpcStatus.INTERNAL, "Internal server error");
  }

  private expire(): void {
    this.timer = undefined;
    this.finish(GrpcStatus.DEADLINE_EXCEEDED, "Deadline exceeded");
  }

  cancelled(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.finished = true;
    this.abort(new GrpcError(GrpcStatus.CANCELLED, "Call cancelled by the client"));
  }
}

/** The `ctx` a handler gets: a view of its CallState with lazily built parts. */
class CallContext implements GrpcCallContext {
  private md: Metadata | undefined;

  constructor(
    private readonly state: CallState,
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
    return (this.md ??= Metadata.fromHeaders(this.state.call.headers));
  }

  get signal(): AbortSignal {
    return this.state.signal();
  }

  get peer(): string | undefined {
    return this.state.call.peer;
  }

  setHeader(key: string, value: MetadataValue): void {
    if (this.state.call.headersSent) {
      this.state.options.logger.warn(`spikard: gRPC ${this.method.path}: setHeader("${key}") after the response headers were sent is ignored`);
      return;
    }
    (this.state.headerMd ??= new Metadata()).add(key, value);
  }

  setTrailer(key: string, value: MetadataValue): void {
    (this.state.trailerMd ??= new Metadata()).add(key, value);
  }
}

function endImmediately(call: TransportCall, code: GrpcStatusCode, message: string, extra: OutgoingHeaders = {}): void {
  call.end({ ...extra, "grpc-status": String(code), "grpc-message": encodeStatusMessage(message) });
}

function unimplementedMessage(registry: GrpcRegistry, path: string): string {
  const m = /^\/([^/]+)\/([^/]+)$/.exec(path);
  if (m === null) return `Malformed method path "${path.slice(0, 100)}"`;
  return registry.hasService(m[1]!) ? `Method ${m[2]} is not implemented by ${m[1]}` : `Service ${m[1]} is not implemented`;
}

function single(v: HeaderValues[string]): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
