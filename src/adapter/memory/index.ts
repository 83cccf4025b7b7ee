import { createHash } from "node:crypto";
import { SpikardError } from "../../errors";
import { httpError, type ErrorPayload } from "../../http-errors";
import { byteLength, frameStream, frameUpgrade, frameWhole, streamTooLong, streamTooShort } from "../framing";
import { dispatch, runCallbacks } from "../in-flight";
import { requestFramingError } from "../request-framing";
import { DEFAULT_LIMITS, headerFieldSize, requestLimitError, type RequestLimits } from "../request-limits";
import { PayloadTooLargeError, type BodyConsumer, type Exchange, type ExchangeHandler, type SinkCapabilities, type SocketSession } from "../types";
import { MemorySocketPair, type MemoryClientEnd } from "./socket";

export type { MemoryClientEnd } from "./socket";

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

/**
 * Where an in-memory exchange reports to. `done` gets the whole response (a
 * stream's too, once it ended, unless `chunk` took its bytes); `dropped` a
 * connection the server dropped.
 */
export interface MemoryEvents {
  done(r: MemoryResponse): void;
  dropped(err: Error): void;
  /** A streamed response started; its chunks go to `chunk` as they are written (when given). */
  started?(status: number, headers: Array<[string, string]>): void;
  /** One chunk of a stream; false when the reader is behind: the server then waits for the exchange's `resume()`. */
  chunk?(buf: Buffer): boolean;
  /** The connection switched to the WebSocket protocol (101). */
  upgraded?(r: MemoryResponse, socket: MemoryClientEnd): void;
}

export interface MemoryOptions {
  /** WebSocket connections: the adapter's send limit and whether the client answers pings. */
  maxBackpressure?: number;
  autoPong?: boolean;
}

const PLAIN: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: false });
const UPGRADABLE: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: true });

/** Bodies are handed to readers in pieces this big, as a socket would split them. */
const CHUNK = 64 * 1024;
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Serves one request in memory through the same contract as a socket adapter,
 * with the same rules: the request framing check first, the request readable
 * only during the handler's synchronous call unless it was snapshotted, the
 * body claimable only then, and the response framed by the same functions.
 * Resolves with what would have been written; rejects when the server drops
 * the connection (a stream failed after its headers went out).
 */
export function exchangeInMemory(handler: ExchangeHandler, request: MemoryRequest, limits: RequestLimits = DEFAULT_LIMITS): Promise<MemoryResponse> {
  return new Promise((resolve, reject) => void serveInMemory(handler, request, { done: resolve, dropped: reject }, {}, limits));
}

/**
 * One exchange with a caller that follows it as it happens (a stream read as
 * it is written, a WebSocket): returns the exchange, whose `abort()` plays a
 * client that went away and `resume()` one that caught up with a stream.
 */
export function serveInMemory(handler: ExchangeHandler, request: MemoryRequest, events: MemoryEvents, options: MemoryOptions = {}, limits: RequestLimits = DEFAULT_LIMITS): MemoryExchange {
  const ex = new MemoryExchange(request, events, options);
  const bad = refusal(request, limits);
  if (bad !== undefined) {
    ex.closeAfter();
    ex.send(bad.status, bad.headers, bad.body, request.method === "HEAD");
    return ex;
  }
  dispatch(handler, ex);
  ex.release();
  return ex;
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

export class MemoryExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentLength: number | undefined;
  readonly capabilities: SinkCapabilities;
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
  private readonly abortCallbacks: Array<() => void> = [];
  private drainCallbacks: Array<() => void> = [];
  private behind = false;

  constructor(
    private readonly request: MemoryRequest,
    private readonly events: MemoryEvents,
    private readonly options: MemoryOptions,
  ) {
    this.method = request.method;
    this.path = request.path;
    this.query = request.query;
    const declared = request.headers["content-length"];
    this.contentLength = declared === undefined ? undefined : Number(declared);
    // As uWS: only a request carrying a WebSocket key reaches the upgrade handler.
    this.capabilities = request.method === "GET" && request.headers["sec-websocket-key"]?.length === 24 ? UPGRADABLE : PLAIN;
  }

  /** The handler's synchronous call returned: from now on only a snapshot can be read. */
  release(): void {
    this.live = false;
  }

  /** The client goes away: what a socket adapter does when the connection closes mid-exchange. */
  abort(): void {
    if (this.done) return;
    this.aborted = true;
    runCallbacks(this.abortCallbacks);
    this.resume();
    this.complete();
  }

  /** The reader of a stream caught up: the server may write again. */
  resume(): void {
    if (!this.behind && this.drainCallbacks.length === 0) return;
    this.behind = false;
    const waiting = this.drainCallbacks;
    this.drainCallbacks = [];
    runCallbacks(waiting);
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

  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else if (!this.done) this.abortCallbacks.push(cb);
  }

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
    if (this.done) return;
    const frame = frameStream(headers);
    if (frame.close) this.closing = true;
    this.status = status;
    this.declaredTotal = frame.length;
    this.setHeaders(frame.headers);
    this.sent.push(frame.length === undefined ? ["transfer-encoding", "chunked"] : ["content-length", String(frame.length)]);
    this.events.started?.(status, this.sent);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.done) return true;
    const buf = Buffer.from(chunk as Uint8Array | string);
    if (this.declaredTotal !== undefined && this.streamed + buf.length > this.declaredTotal) throw streamTooLong(this.declaredTotal);
    this.streamed += buf.length;
    if (this.events.chunk === undefined) {
      this.chunks.push(buf);
      return true;
    }
    if (this.events.chunk(buf)) return true;
    this.behind = true;
    return false;
  }

  onDrain(cb: () => void): void {
    if (this.aborted || !this.behind) cb();
    else this.drainCallbacks.push(cb);
  }

  endStream(): void {
    if (this.done) return;
    if (this.declaredTotal !== undefined && this.streamed < this.declaredTotal) throw streamTooShort(this.streamed, this.declaredTotal);
    this.finish();
  }

  /** The server dropped the connection: the request fails, as on a socket. */
  close(): void {
    if (this.done) return;
    this.aborted = true;
    this.complete();
    this.events.dropped(new Error(`the server dropped the connection after a ${this.status} response started`));
  }

  upgrade(session: SocketSession, protocol: string | undefined, headers: readonly string[]): void {
    if (this.done || this.events.upgraded === undefined) throw new SpikardError("WEBSOCKET", "this in-memory exchange cannot switch protocols");
    this.status = 101;
    const key = this.request.headers["sec-websocket-key"]!;
    this.setHeaders(frameUpgrade(headers));
    this.sent.push(["upgrade", "websocket"], ["connection", "Upgrade"], ["sec-websocket-accept", createHash("sha1").update(key + WS_GUID).digest("base64")]);
    if (protocol !== undefined) this.sent.push(["sec-websocket-protocol", protocol]);
    this.done = true;
    const pair = new MemorySocketPair(
      session,
      { remoteAddress: this.request.remoteAddress, maxBackpressure: this.options.maxBackpressure ?? 16 * 1024 * 1024, autoPong: this.options.autoPong ?? true },
      // What the handshake opened (its dependencies) is released once the connection's close handler is done.
      (closing) => void closing.then(() => runCallbacks(this.completeCallbacks)),
    );
    this.events.upgraded({ status: 101, headers: this.sent, body: Buffer.alloc(0) }, pair.client);
    session.open(pair.server);
  }

  private setHeaders(flat: readonly string[]): void {
    for (let i = 0; i < flat.length; i += 2) this.sent.push([flat[i]!.toLowerCase(), flat[i + 1]!]);
  }

  private complete(): void {
    if (this.done) return;
    this.done = true;
    runCallbacks(this.completeCallbacks);
  }

  private finish(): void {
    if (this.done) return;
    // As uWS writes it when it ends the connection after the response.
    if (this.closing) this.sent.push(["connection", "close"]);
    this.complete();
    this.events.done({ status: this.status, headers: this.sent, body: Buffer.concat(this.chunks) });
  }
}
