import { SpikardError } from "../../errors";
import { httpError, type ErrorPayload } from "../../http-errors";
import { byteLength, frameStream, frameWhole, streamTooLong, streamTooShort } from "../framing";
import { dispatch, runCallbacks } from "../in-flight";
import { requestFramingError } from "../request-framing";
import { DEFAULT_LIMITS, headerFieldSize, requestLimitError, type RequestLimits } from "../request-limits";
import { PayloadTooLargeError, type BodyConsumer, type Exchange, type ExchangeHandler, type SinkCapabilities } from "../types";

/** A request as TestClient builds it. */
export interface MemoryRequest {
  method: string;
  path: string;
  query: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  remoteAddress: string;
}

/** What the server would have written: status, headers as sent, the body bytes. */
export interface MemoryResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

const CAPABILITIES: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: false });

/** Bodies are handed to readers in pieces this big, as a socket would split them. */
const CHUNK = 64 * 1024;

/**
 * Serves one request in memory through the same contract as a socket adapter,
 * with the same rules: the request framing check first, the request readable
 * only during the handler's synchronous call unless it was snapshotted, the
 * body claimable only then, and the response framed by the same functions.
 * Resolves with what would have been written; rejects when the server drops
 * the connection (a stream failed after its headers went out).
 */
export function exchangeInMemory(handler: ExchangeHandler, request: MemoryRequest, limits: RequestLimits = DEFAULT_LIMITS): Promise<MemoryResponse> {
  return new Promise((resolve, reject) => {
    const ex = new MemoryExchange(request, resolve, reject);
    const bad = refusal(request, limits);
    if (bad !== undefined) {
      ex.closeAfter();
      return ex.send(bad.status, bad.headers, bad.body, request.method === "HEAD");
    }
    dispatch(handler, ex);
    ex.release();
  });
}

/** What a socket adapter refuses before dispatch: a request over its limits, or one whose framing cannot be trusted. */
function refusal(request: MemoryRequest, limits: RequestLimits): ErrorPayload | undefined {
  let count = 0;
  let bytes = 0;
  for (const name in request.headers) {
    count++;
    bytes += headerFieldSize(name, request.headers[name]!);
  }
  const over = requestLimitError(limits, request.query.length === 0 ? request.path.length : request.path.length + 1 + request.query.length, count, bytes);
  if (over !== undefined) return over;
  const te = request.headers["transfer-encoding"];
  const cl = request.headers["content-length"];
  const bad = requestFramingError(cl === undefined ? [] : [cl], te === undefined ? [] : [te]);
  return bad === undefined ? undefined : httpError("BAD_REQUEST", [bad]);
}

class MemoryExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentLength: number | undefined;
  readonly capabilities = CAPABILITIES;
  aborted = false;
  private live = true;
  private snapshot: Record<string, string> | undefined;
  private status = 0;
  private sent: Array<[string, string]> = [];
  private chunks: Buffer[] = [];
  private done = false;
  private closing = false;
  private declaredTotal: number | undefined;
  private streamed = 0;
  private readonly completeCallbacks: Array<() => void> = [];

  constructor(
    private readonly request: MemoryRequest,
    private readonly resolve: (r: MemoryResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.method = request.method;
    this.path = request.path;
    this.query = request.query;
    const declared = request.headers["content-length"];
    this.contentLength = declared === undefined ? undefined : Number(declared);
  }

  /** The handler's synchronous call returned: from now on only a snapshot can be read. */
  release(): void {
    this.live = false;
  }

  private readable(what: string): Record<string, string> {
    if (this.live) return this.request.headers;
    if (this.snapshot === undefined) throw new SpikardError("REQUEST_RELEASED", what);
    return this.snapshot;
  }

  header(lowerName: string): string | undefined {
    const v = this.readable(`header "${lowerName}"`)[lowerName];
    return v === "" ? undefined : v;
  }

  headers(): Record<string, string> {
    return { ...this.readable("headers") };
  }

  remoteAddress(): string {
    this.readable("remote address");
    return this.request.remoteAddress;
  }

  detach(): void {
    if (this.snapshot !== undefined) return;
    if (!this.live) throw new SpikardError("REQUEST_RELEASED", "snapshot (detach() after the adapter's call)");
    this.snapshot = { ...this.request.headers };
  }

  read(limit: number, to: BodyConsumer): void {
    if (!this.live) throw new SpikardError("REQUEST_RELEASED", "body (claimed after the adapter's call: a socket adapter would have lost it)");
    const body = this.request.body;
    if (body.length > limit) to.error(new PayloadTooLargeError(limit));
    else to.body(body);
  }

  stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    if (!this.live) throw new SpikardError("REQUEST_RELEASED", "body (claimed after the adapter's call: a socket adapter would have lost it)");
    const body = this.request.body;
    return (async () => {
      for (let i = 0; i < body.length; i += CHUNK) {
        const end = Math.min(i + CHUNK, body.length);
        if (end > limit) throw new PayloadTooLargeError(limit);
        await onChunk(body.subarray(i, end));
      }
    })();
  }

  onAbort(): void {}

  onComplete(cb: () => void): void {
    if (this.done) cb();
    else this.completeCallbacks.push(cb);
  }

  closeAfter(): void {
    this.closing = true;
  }

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    if (this.done) return;
    const frame = frameWhole(status, headers, body, headOnly);
    if (frame.close) this.closing = true;
    this.status = status;
    this.setHeaders(frame.headers);
    if (frame.body) {
      const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body as Uint8Array | string);
      this.sent.push(["content-length", String(bytes.length)]);
      this.chunks.push(bytes);
    } else if (frame.contentLength !== undefined) this.sent.push(["content-length", String(frame.contentLength)]);
    this.finish();
  }

  startStream(status: number, headers: readonly string[]): void {
    const frame = frameStream(headers);
    if (frame.close) this.closing = true;
    this.status = status;
    this.declaredTotal = frame.length;
    this.setHeaders(frame.headers);
    this.sent.push(frame.length === undefined ? ["transfer-encoding", "chunked"] : ["content-length", String(frame.length)]);
  }

  write(chunk: string | Uint8Array): boolean {
    const buf = Buffer.from(chunk as Uint8Array | string);
    if (this.declaredTotal !== undefined && this.streamed + buf.length > this.declaredTotal) throw streamTooLong(this.declaredTotal);
    this.streamed += buf.length;
    this.chunks.push(buf);
    return true;
  }

  onDrain(cb: () => void): void {
    cb();
  }

  endStream(): void {
    if (this.declaredTotal !== undefined && this.streamed < this.declaredTotal) throw streamTooShort(this.streamed, this.declaredTotal);
    this.finish();
  }

  /** The server dropped the connection: the request fails, as on a socket. */
  close(): void {
    this.aborted = true;
    if (this.done) return;
    this.done = true;
    runCallbacks(this.completeCallbacks);
    this.reject(new Error(`the server dropped the connection after a ${this.status} response started`));
  }

  private setHeaders(flat: readonly string[]): void {
    for (let i = 0; i < flat.length; i += 2) this.sent.push([flat[i]!.toLowerCase(), flat[i + 1]!]);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    // As uWS writes it when it ends the connection after the response.
    if (this.closing) this.sent.push(["connection", "close"]);
    runCallbacks(this.completeCallbacks);
    this.resolve({ status: this.status, headers: this.sent, body: Buffer.concat(this.chunks) });
  }
}
