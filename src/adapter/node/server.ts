import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { SpikardError } from "../../errors";
import { httpError, Rejection, type ErrorPayload } from "../../http-errors";
import { byteLength, frameStream, frameWhole, streamTooLong, streamTooShort, type WholeFrame } from "../framing";
import { BodyBuffer } from "../body-buffer";
import { ExchangeState, OWN_FLAGS } from "../exchange-state";
import { dispatch, InFlight } from "../in-flight";
import { assertPortFree, listenFailed } from "../port-probe";
import { requestFramingError } from "../request-framing";
import { DEFAULT_LIMITS, headerFieldSize, requestLimitError, type RequestLimits } from "../request-limits";
import { PayloadTooLargeError, type Adapter, type BodyConsumer, type Exchange, type ExchangeHandler, type Listener, type ListenOptions } from "../types";
import { clientErrorAnswer, writeRaw } from "./client-error";
import { reason } from "./reasons";
import { splitTarget, type Target } from "./target";

/**
 * node:http (llhttp) behind the adapter contract. Slower than uWebSockets.js
 * but a complete HTTP/1.1 parser: it answers HTTP/1.0 (with its keep-alive
 * rules), refuses malformed requests with 400/431/414 and closes, and takes
 * pipelined requests in order behind asynchronous handlers. Threads can share
 * a port only where node:net has `reusePort` (Node 22.12+).
 */
export const nodeAdapter: Adapter = { name: "node", portSharing: supportsReusePort(), listen };

/** The request object node creates per request, carrying its exchange so shared listeners find it through `this`. */
class ExchangeRequest extends http.IncomingMessage {
  exchange: NodeExchange | undefined = undefined;
}

export function listen(handler: ExchangeHandler, options: ListenOptions): Promise<Listener> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const tracker = new InFlight();
  const server = http.createServer({
    IncomingMessage: ExchangeRequest,
    // llhttp's own cap covers the request line and the fields together (it counts the target, names and
    // values): past it the connection is answered 414/431 from clientError. The configured limits are
    // checked exactly, per request, below it.
    maxHeaderSize: limits.maxHeaderSize + limits.maxUriLength + 256,
    requireHostHeader: false,
    headersTimeout: limits.headersTimeout,
    requestTimeout: Math.max(300_000, limits.headersTimeout),
    // node checks the header timeout on this interval (30 s by default, which would stretch 10 s to 40).
    connectionsCheckingInterval: Math.max(250, Math.min(5_000, limits.headersTimeout / 4)),
    noDelay: true,
  });
  server.keepAliveTimeout = limits.keepAliveTimeout;
  // Node keeps at most this many fields (and drops the rest silently): one more than allowed shows a request over it.
  server.maxHeadersCount = limits.maxHeaderCount + 1;
  const serve = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void => {
    const target = splitTarget(req.url!, req.method!);
    const bad = refusal(req, target, limits);
    if (bad !== undefined) return refuse(res, bad, req.method === "HEAD");
    const ex = new NodeExchange(req as ExchangeRequest, res, target!.path, target!.query, tracker, expectContinue);
    (req as ExchangeRequest).exchange = ex;
    dispatch(handler, ex);
    ex.leaveHandler();
  };
  server.on("request", (req: IncomingMessage, res: ServerResponse) => serve(req, res, false));
  // 100 Continue only once a route claims the body: a request refused on its headers never makes the client send it.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => serve(req, res, true));
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => onClientError(err, socket, limits));
  // CONNECT turns the connection into a tunnel; a web framework serves none.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => writeRaw(socket, httpError("BAD_REQUEST", ["CONNECT is not supported by this server"]), false));

  return (async () => {
    if (options.port !== 0 && options.sharedPort !== true) await assertPortFree(options.host, options.port);
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) => reject(listenFailed(options.host, options.port, err)));
      server.listen({ host: options.host, port: options.port, ...(options.sharedPort === true && nodeAdapter.portSharing ? { reusePort: true } : {}) }, () => resolve());
    });
    server.on("error", (err) => console.error("spikard: server error", err));
    const port = (server.address() as { port: number }).port;
    let closed: Promise<void> | undefined;
    return {
      host: options.host,
      port,
      get inFlight() {
        return tracker.count;
      },
      close(timeoutMs: number) {
        return (closed ??= drain(server, tracker, timeoutMs));
      },
    };
  })();
}

/**
 * Graceful close: stop accepting and close idle keep-alive connections (node's close() does both), let
 * in-flight requests finish (their answers carry Connection: close), then end whatever connection is left.
 */
async function drain(server: http.Server, tracker: InFlight, timeoutMs: number): Promise<void> {
  const started = Date.now();
  tracker.draining = true;
  const gone = new Promise<void>((resolve) => server.close(() => resolve()));
  await tracker.idle(timeoutMs);
  server.closeIdleConnections();
  // Answers just written still flush before their sockets end; a client that holds a connection open gets the rest of the timeout.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, Math.min(1_000, timeoutMs - (Date.now() - started))))))]);
  clearTimeout(timer);
  server.closeAllConnections();
}

/** What refuses a request before any handler sees it: its limits, its target's form, a missing Host, its framing. */
function refusal(req: IncomingMessage, target: Target | undefined, limits: RequestLimits): ErrorPayload | undefined {
  const raw = req.rawHeaders;
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) bytes += headerFieldSize(raw[i]!, raw[i + 1]!);
  const over = requestLimitError(limits, req.url!.length, raw.length >> 1, bytes);
  if (over !== undefined) return over;
  if (target === undefined) return httpError("BAD_REQUEST", ["Invalid request target"]);
  const headers = req.headers;
  if (req.httpVersionMajor !== 1) return httpError("VERSION_NOT_SUPPORTED", [req.httpVersion]);
  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host.
  if (headers.host === undefined && req.httpVersionMinor === 1) return httpError("BAD_REQUEST", ["Missing Host header"]);
  const te = headers["transfer-encoding"];
  // llhttp refuses duplicate and malformed lengths itself; it accepts codings before `chunked` ("gzip, chunked"), which we do not decode.
  if (te !== undefined) {
    const bad = requestFramingError(headers["content-length"] === undefined ? [] : [headers["content-length"]], [te]);
    if (bad !== undefined) return httpError("BAD_REQUEST", [bad]);
  }
  return undefined;
}

/** The frame's headers with the Content-Length node should send (the body's own, or HEAD's declared one): a copy, the frame is shared. */
export function withLength(frame: WholeFrame, body: string | Uint8Array | undefined): string[] {
  const out = frame.headers.slice();
  const length = frame.body ? byteLength(body) : frame.contentLength;
  if (length !== undefined) out.push("content-length", String(length));
  return out;
}

/** A refused request: answered and the connection closed (what follows it cannot be trusted). */
function refuse(res: ServerResponse, p: ErrorPayload, headOnly: boolean): void {
  const frame = frameWhole(p.status, p.headers, p.body, headOnly);
  const out = withLength(frame, p.body);
  res.shouldKeepAlive = false;
  res.writeHead(p.status, reason(p.status), out);
  res.end(frame.body ? p.body : undefined);
}

function onClientError(err: NodeJS.ErrnoException, socket: Socket, limits: RequestLimits): void {
  const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  const answer = clientErrorAnswer(err, limits);
  if (pending) {
    // The bad bytes are the body of the request being answered: its reader fails, and the route answers 400.
    const ex = (pending.req as ExchangeRequest).exchange;
    if (answer?.malformed !== undefined && !pending.req.complete) ex?.malformedBody(answer.malformed);
    // A response is still being written on this connection (the bad bytes came after its request): it
    // finishes, in order, and the connection closes after it.
    if (!pending.headersSent) pending.shouldKeepAlive = false;
    if (pending.writableFinished) socket.destroy();
    else pending.once("finish", () => socket.destroy());
    return;
  }
  if (answer === undefined || !socket.writable) return void socket.destroy();
  writeRaw(socket, answer.payload, answer.headOnly);
}

const EMPTY = Buffer.alloc(0);
/** An unclaimed body up to this size is read and dropped by node so the connection stays open; a larger one closes it. */
const DISCARD_MAX = 64 * 1024;

// NodeExchange's own flags (ExchangeState keeps aborted, done and close-after).
const LIVE = OWN_FLAGS;
/** A body reader is attached and the body has not all arrived. */
const BODY_OPEN = OWN_FLAGS << 1;
/** A route claimed the body (read or stream). */
const CLAIMED = OWN_FLAGS << 2;
/** The client waits for 100 Continue before it sends the body. */
const EXPECT = OWN_FLAGS << 3;
/** The stream consumer is behind: the request is paused. */
const PAUSED = OWN_FLAGS << 4;

/** A streamed response with a declared Content-Length: its total and what was written. */
interface FixedLength {
  total: number;
  sent: number;
}

interface Snapshot {
  headers: Record<string, string>;
  remoteAddress: string;
}

/**
 * One node:http request as the contract's exchange: request, body source
 * and response sink in one object with its state in one flags field (as
 * UwsExchange), on top of node's own two objects. Listeners on node's
 * objects are shared functions that find the exchange through `this`, so a
 * request allocates no closures for them.
 *
 * node keeps its request object alive, but the contract's lifetime rule is
 * the same in every adapter: after the synchronous call, reads need the
 * `detach()` snapshot.
 */
class NodeExchange extends ExchangeState implements Exchange {
  readonly method: string;
  private snapshot: Snapshot | undefined = undefined;
  private body: BodyBuffer | StreamedBody | undefined = undefined;
  private fixed: FixedLength | undefined = undefined;
  /** Declared Content-Length (digits: llhttp refuses anything else). */
  readonly contentLength: number | undefined;
  /** The request has a body: a Content-Length above 0 or a chunked one. */
  private readonly hasBody: boolean;

  constructor(
    private readonly req: ExchangeRequest,
    private readonly res: ServerResponse,
    readonly path: string,
    readonly query: string,
    tracker: InFlight,
    expectContinue: boolean,
  ) {
    super(tracker, LIVE | (expectContinue ? EXPECT : 0));
    this.method = req.method!;
    const cl = req.headers["content-length"];
    this.contentLength = cl === undefined ? undefined : Number(cl);
    this.hasBody = this.contentLength === undefined ? req.headers["transfer-encoding"] !== undefined : this.contentLength > 0;
  }

  // --- the request

  header(lowerName: string): string | undefined {
    let v: string | string[] | undefined;
    if ((this.flags & LIVE) !== 0) v = this.req.headers[lowerName];
    else v = this.released(`header "${lowerName}"`).headers[lowerName];
    if (v === undefined || v === "") return undefined;
    return typeof v === "string" ? v : v.join(", ");
  }

  headers(): Record<string, string> {
    if ((this.flags & LIVE) === 0) return { ...this.released("headers").headers };
    const out: Record<string, string> = {};
    const h = this.req.headers;
    for (const k in h) {
      const v = h[k]!;
      out[k] = typeof v === "string" ? v : v.join(", ");
    }
    return out;
  }

  remoteAddress(): string {
    if ((this.flags & LIVE) === 0) return this.released("remote address").remoteAddress;
    return this.req.socket.remoteAddress ?? "";
  }

  detach(): void {
    if (this.snapshot !== undefined) return;
    if ((this.flags & LIVE) === 0) throw new SpikardError("REQUEST_RELEASED", "snapshot (detach() after the adapter's call)");
    this.snapshot = { headers: this.headers(), remoteAddress: this.remoteAddress() };
  }

  private released(what: string): Snapshot {
    if (this.snapshot === undefined) throw new SpikardError("REQUEST_RELEASED", what);
    return this.snapshot;
  }

  /** The adapter's call returned: from now on only the snapshot is readable; an unanswered request watches for the client leaving. */
  leaveHandler(): void {
    this.flags &= ~LIVE;
    // `on`, not `once` (which wraps the listener in a closure per call): node emits close once.
    if (!this.done) this.res.on("close", onResponseClose);
  }

  // --- its body

  read(limit: number, to: BodyConsumer): void {
    this.claim();
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) return to.error(new PayloadTooLargeError(limit));
    if (!this.hasBody) return to.body(EMPTY);
    this.sendContinue();
    this.intake(new BodyBuffer(limit, declared, to));
  }

  stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    this.claim();
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) return Promise.reject(new PayloadTooLargeError(limit));
    if (!this.hasBody) return Promise.resolve();
    this.sendContinue();
    return new Promise((resolve, reject) => this.intake(new StreamedBody(limit, onChunk, resolve, reject)));
  }

  private claim(): void {
    if ((this.flags & LIVE) === 0) throw new SpikardError("REQUEST_RELEASED", "body (claimed after the adapter's call)");
    this.flags |= CLAIMED;
  }

  /** The body is wanted: a client waiting for 100 Continue may send it now (one refused on its length never is). */
  private sendContinue(): void {
    if ((this.flags & EXPECT) === 0) return;
    this.flags &= ~EXPECT;
    this.res.writeContinue();
  }

  private intake(body: BodyBuffer | StreamedBody): void {
    this.body = body;
    this.flags |= BODY_OPEN;
    const req = this.req;
    req.on("data", onRequestData);
    req.on("end", onRequestEnd);
    req.on("error", onRequestError);
  }

  /** A chunk for the body reader; a streamed consumer that returns a promise pauses the request until it settles. */
  bodyData(chunk: Buffer): void {
    const body = this.body!;
    if (body instanceof BodyBuffer) return body.add(chunk, false);
    const pending = body.add(chunk);
    if (pending === undefined) return;
    this.flags |= PAUSED;
    this.req.pause();
    pending.then(
      () => this.resumeBody(),
      (err: unknown) => body.fail(err),
    );
  }

  bodyEnd(): void {
    this.flags &= ~BODY_OPEN;
    const body = this.body!;
    if ((this.flags & PAUSED) === 0 || body instanceof BodyBuffer) body.end();
    else body.endAfterPending = true;
  }

  bodyError(err: unknown): void {
    this.body?.fail(err);
  }

  /** The parser refused the rest of this request's body (a malformed chunk): the reader fails with that 400. */
  malformedBody(detail: string): void {
    this.body?.fail(new Rejection("BAD_REQUEST", detail));
  }

  /** The consumer caught up, or the answer is going out (the rest of the body is then read and dropped until the connection closes). */
  private resumeBody(): void {
    if ((this.flags & PAUSED) === 0) return;
    this.flags &= ~PAUSED;
    const body = this.body as StreamedBody;
    if (body.endAfterPending) body.end();
    else this.req.resume();
  }

  // --- its response

  /**
   * The answer ends the connection: asked to, the server is closing (also for requests begun before), a claimed body is still arriving, or an
   * unclaimed one too large (or unbounded) to read and drop before the next request.
   */
  private get closing(): boolean {
    const f = this.flags;
    if ((f & BODY_OPEN) !== 0 || this.closeRequested) return true;
    if (!this.hasBody || this.req.complete) return false;
    return (f & CLAIMED) !== 0 || this.contentLength === undefined || this.contentLength > DISCARD_MAX;
  }

  /** node closed the response before it completed: the client went away. */
  abort(): void {
    if (this.done) return;
    this.body?.fail(new Error("client aborted"));
    this.markAborted();
  }

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    if (this.ended) return;
    const frame = frameWhole(status, headers, body, headOnly);
    if (frame.close) this.closeAfter();
    const out = withLength(frame, body);
    const res = this.res;
    if (this.closing) res.shouldKeepAlive = false;
    this.resumeBody();
    res.writeHead(status, reason(status), out);
    if (frame.body && body !== undefined) res.end(body);
    else res.end();
    this.complete();
  }

  startStream(status: number, headers: readonly string[]): void {
    if (this.aborted) return;
    const frame = frameStream(headers);
    if (frame.close) this.closeAfter();
    const res = this.res;
    if (frame.length !== undefined) {
      frame.headers.push("content-length", String(frame.length));
      this.fixed = { total: frame.length, sent: 0 };
    }
    if (this.closing) res.shouldKeepAlive = false;
    this.resumeBody();
    // Without a length node frames the body chunked (HTTP/1.1) or by closing the connection (HTTP/1.0), as uWS does.
    res.writeHead(status, reason(status), frame.headers);
    res.on("drain", onResponseDrain);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.aborted) return true;
    const f = this.fixed;
    if (f !== undefined) {
      const n = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (f.sent + n > f.total) throw streamTooLong(f.total);
      f.sent += n;
    }
    return this.res.write(chunk);
  }

  /** node's response drained (a shared listener calls this). */
  responseDrained(): void {
    this.drained();
  }

  endStream(): void {
    if (this.ended) return;
    const f = this.fixed;
    if (f !== undefined && f.sent < f.total) throw streamTooShort(f.sent, f.total);
    this.res.end();
    this.complete();
  }

  close(): void {
    if (this.ended) return;
    this.complete();
    this.res.destroy();
  }
}

// Shared listeners: `this` is node's request or response object, which leads to the exchange.
function onRequestData(this: ExchangeRequest, chunk: Buffer): void {
  this.exchange!.bodyData(chunk);
}
function onRequestEnd(this: ExchangeRequest): void {
  this.exchange!.bodyEnd();
}
function onRequestError(this: ExchangeRequest, err: unknown): void {
  this.exchange!.bodyError(err);
}
function onResponseClose(this: ServerResponse): void {
  (this.req as ExchangeRequest).exchange?.abort();
}
function onResponseDrain(this: ServerResponse): void {
  (this.req as ExchangeRequest).exchange?.responseDrained();
}

/**
 * A streamed body on its way in: each chunk handed on as it arrives (a
 * consumer that returns a promise pauses the request until it settles), the
 * limit enforced as bytes arrive.
 */
class StreamedBody {
  private total = 0;
  private settled = false;
  /** The body ended while the consumer was still busy with the last chunk. */
  endAfterPending = false;

  constructor(
    private readonly limit: number,
    private readonly onChunk: (chunk: Buffer) => void | Promise<void>,
    private readonly resolve: () => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  add(chunk: Buffer): Promise<void> | undefined {
    if (this.settled) return undefined;
    this.total += chunk.length;
    if (this.total > this.limit) {
      this.fail(new PayloadTooLargeError(this.limit));
      return undefined;
    }
    try {
      const pending = this.onChunk(chunk);
      return pending === undefined ? undefined : pending;
    } catch (err) {
      // A consumer that rejects the bytes (a malformed multipart part) fails the body, not the server.
      this.fail(err);
      return undefined;
    }
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve();
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }
}

/** node:net's `reusePort` (SO_REUSEPORT), which lets worker threads share a port: Node 22.12+ and 23.1+. */
function supportsReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}
