import type { HttpRequest, HttpResponse, us_listen_socket, us_socket_context_t, WebSocket as UwsSocket } from "uWebSockets.js";
import { SpikardError } from "../../errors";
import { httpError } from "../../http-errors";
import { byteLength, frameStream, frameUpgrade, frameWhole, streamTooLong, streamTooShort } from "../framing";
import { dispatch, InFlight, runCallbacks } from "../in-flight";
import { requestFramingError } from "../request-framing";
import { PayloadTooLargeError, type Adapter, type BodyConsumer, type Exchange, type ExchangeHandler, type Listener, type ListenOptions, type SinkCapabilities, type SocketSession } from "../types";
import { loadUws } from "./load";
import { statusLine } from "./status-lines";
import { socketBehavior, type SocketData } from "./websocket";

/** uWebSockets.js behind the adapter contract: the default adapter. */
export const uwsAdapter: Adapter = { name: "uws", listen };

/**
 * The only module that talks to uWebSockets.js. Catch-all routes hand every
 * request to the handler, so routing behaves exactly as in TestClient.
 */
export function listen(handler: ExchangeHandler, options: ListenOptions): Promise<Listener> {
  const uws = loadUws({ allowSlowFallback: options.allowSlowFallback });
  const app = uws.App();
  const tracker = new InFlight();

  const serve =
    (method: string | undefined) =>
    (res: HttpResponse, req: HttpRequest): void => {
      // Two lookups for every request; only one that declares a body pays for reading every header field.
      if (req.getHeader("content-length") !== "" || req.getHeader("transfer-encoding") !== "") {
        const bad = framingError(req);
        if (bad !== undefined) return refuse(res, bad);
      }
      const exchange = new UwsExchange(req, res, method ?? upperMethod(req.getMethod()), tracker);
      dispatch(handler, exchange);
      exchange.leaveHandler();
    };
  const sockets = new Set<UwsSocket<SocketData>>();
  const closing = new Set<Promise<void>>();
  if (options.websocket !== undefined) {
    // uWS hands requests with a WebSocket key here (before app.get); they go through the pipeline like any
    // request, and a route that accepts them answers with the exchange's upgrade().
    app.ws<SocketData>(
      "/*",
      socketBehavior(
        uws,
        options.websocket,
        (res, req, context) => {
          const handshake: Handshake = { key: req.getHeader("sec-websocket-key"), extensions: req.getHeader("sec-websocket-extensions"), context };
          const exchange = new UwsExchange(req, res, "GET", tracker, handshake);
          dispatch(handler, exchange);
          exchange.leaveHandler();
        },
        sockets,
        closing,
      ),
    );
  }
  // One catch-all per common method: the method is then a constant, not a string uWS builds for every
  // request. uWS prefers a method's own route to `any`, which takes the rest (CONNECT, TRACE; its parser
  // refuses extension methods such as PROPFIND before any route).
  app.get("/*", serve("GET"));
  app.post("/*", serve("POST"));
  app.put("/*", serve("PUT"));
  app.patch("/*", serve("PATCH"));
  app.del("/*", serve("DELETE"));
  app.head("/*", serve("HEAD"));
  app.options("/*", serve("OPTIONS"));
  app.any("/*", serve(undefined));

  return new Promise((resolve, reject) => {
    const onListen = (socket: us_listen_socket | false): void => {
      if (!socket) return reject(new SpikardError("LISTEN_FAILED", `${options.host}:${options.port}`));
      const port = uws.us_socket_local_port(socket as never);
      resolve({
        host: options.host,
        port,
        get inFlight() {
          return tracker.count;
        },
        async close(timeoutMs: number) {
          const started = Date.now();
          if (!tracker.draining) {
            tracker.draining = true;
            uws.us_listen_socket_close(socket);
            // WebSockets first ("going away"), so their close handlers run before HTTP drains.
            for (const ws of [...sockets]) ws.end(1001, "Server shutting down");
          }
          await Promise.race([Promise.allSettled([...closing]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
          return tracker.idle(Math.max(0, timeoutMs - (Date.now() - started)));
        },
      });
    };
    app.listen(options.host, options.port, onListen);
  });
}

function framingError(req: HttpRequest): string | undefined {
  const lengths: string[] = [];
  const codings: string[] = [];
  req.forEach((k, v) => {
    if (k === "content-length") lengths.push(v);
    else if (k === "transfer-encoding") codings.push(v);
  });
  return requestFramingError(lengths, codings);
}

/**
 * A request whose length cannot be trusted: 400, and the connection closes (its remaining bytes cannot be framed).
 * Answered on the next turn, not in the handler: uWS goes on parsing the bytes after this request in the same
 * read, and would answer a request smuggled there; with this response pending it drops the connection instead.
 * A length uWS's own parser cannot read (negative, not digits) makes it close the connection before any answer.
 */
function refuse(res: HttpResponse, detail: string): void {
  let gone = false;
  res.onAborted(() => (gone = true));
  const p = httpError("BAD_REQUEST", [detail]);
  setImmediate(() => {
    if (gone) return;
    res.cork(() => {
      res.writeStatus(statusLine(p.status));
      for (let i = 0; i < p.headers.length; i += 2) res.writeHeader(p.headers[i]!, p.headers[i + 1]!);
      res.end(p.body, true);
    });
  });
}

const decoder = new TextDecoder();
const PREALLOCATE_MAX = 16 * 1024 * 1024;
// Null prototype: a method named "constructor" must not find Object.prototype's.
const UPPER_METHODS: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string>, { get: "GET", post: "POST", put: "PUT", patch: "PATCH", delete: "DELETE", head: "HEAD", options: "OPTIONS" });
const upperMethod = (lower: string): string => UPPER_METHODS[lower] ?? lower.toUpperCase();

const CAPABILITIES: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: false });
const UPGRADABLE: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: true });

/** What a WebSocket handshake needs from its request, copied while uWS's request is live. */
interface Handshake {
  key: string;
  extensions: string;
  context: us_socket_context_t;
}

// UwsExchange.flags
const ABORTED = 1;
const DONE = 2;
const IN_HANDLER = 4;
const CLOSE_AFTER = 8;
/** A body reader is attached and the body has not all arrived: answering now must close the connection. */
const BODY_OPEN = 16;
/** A body consumer is behind and reading from the socket is paused; an answer resumes it first. */
const PAUSED = 32;

/** What only bodies, streams and completion callbacks need; most requests never create it. */
interface ExchangeExtras {
  abortCallbacks: Array<() => void> | undefined;
  drainCallbacks: Array<() => void> | undefined;
  completeCallbacks: Array<() => void> | undefined;
  /** A stream with a declared Content-Length: framed by uWS's tryEnd instead of chunked encoding. */
  fixed: FixedLengthStream | undefined;
}

/** What `detach()` copies: the request as later steps may still read it. */
interface Snapshot {
  headers: Record<string, string>;
  remoteAddress: string;
}

/**
 * One uWS request: what the pipeline reads of it, the source of its body and
 * the sink of its response, as one object. Every request allocates it, and
 * per-request allocations are what the young generation collects: one object
 * with its flags in one field instead of a request and a sink object halved
 * what a plain GET allocates on top of uWS's own objects.
 *
 * uWS's HttpRequest lives only during the synchronous handler call. Header
 * reads go straight to it while live; `detach()` snapshots what later code may
 * still ask for, and a later read without one throws (the contract's lifetime
 * rule, the same in every adapter). Body registration happens in the handler too, as uWS requires.
 */
class UwsExchange implements Exchange {
  readonly path: string;
  readonly query: string;
  private req: HttpRequest | undefined;
  private snapshot: Snapshot | undefined = undefined;
  private flags: number;
  private extras: ExchangeExtras | undefined = undefined;

  constructor(
    req: HttpRequest,
    private readonly res: HttpResponse,
    readonly method: string,
    private readonly tracker: InFlight,
    private readonly handshake?: Handshake,
  ) {
    this.req = req;
    this.path = req.getUrl();
    this.query = req.getQuery() ?? "";
    this.flags = IN_HANDLER | (tracker.draining ? CLOSE_AFTER : 0);
    tracker.started();
  }

  get capabilities(): SinkCapabilities {
    return this.handshake === undefined ? CAPABILITIES : UPGRADABLE;
  }

  // --- the request

  header(lowerName: string): string | undefined {
    const req = this.req;
    const v = req !== undefined ? req.getHeader(lowerName) : this.released(`header "${lowerName}"`).headers[lowerName];
    return v === "" ? undefined : v;
  }

  headers(): Record<string, string> {
    if (this.req !== undefined) return readAll(this.req);
    return { ...this.released("headers").headers };
  }

  detach(): void {
    if (this.snapshot !== undefined) return;
    if (this.req === undefined) throw new SpikardError("REQUEST_RELEASED", "snapshot (detach() after the adapter's call)");
    this.snapshot = { headers: readAll(this.req), remoteAddress: decoder.decode(this.res.getRemoteAddressAsText()) };
  }

  remoteAddress(): string {
    if (this.snapshot !== undefined) return this.snapshot.remoteAddress;
    if (this.req === undefined) this.released("remote address");
    return decoder.decode(this.res.getRemoteAddressAsText());
  }

  private released(what: string): Snapshot {
    if (this.snapshot === undefined) throw new SpikardError("REQUEST_RELEASED", what);
    return this.snapshot;
  }

  /**
   * Called when the uWS handler returns: uWS's request object dies (later
   * reads see only what `detach()` copied), and an unanswered response now
   * needs an abort handler.
   */
  leaveHandler(): void {
    this.req = undefined;
    this.flags &= ~IN_HANDLER;
    if ((this.flags & DONE) === 0) this.res.onAborted(() => this.abort());
  }

  // --- its body

  /** Read on demand (only body routes ask), while the request is still live; the adapter checked it is digits. */
  get contentLength(): number | undefined {
    const v = this.header("content-length");
    return v === undefined ? undefined : Number(v);
  }

  read(limit: number, to: BodyConsumer): void {
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) return to.error(new PayloadTooLargeError(limit));
    if (declared === 0) return to.body(Buffer.alloc(0));
    // With a Content-Length we copy into one preallocated buffer instead of concatenating chunks; not past
    // PREALLOCATE_MAX, so an unlimited route does not reserve whatever size a client claims before sending it.
    const reader = new BodyReader(limit, declared !== undefined && declared <= PREALLOCATE_MAX ? Buffer.allocUnsafe(declared) : undefined, to);
    this.onAbort(() => reader.fail(new Error("client aborted")));
    this.flags |= BODY_OPEN;
    this.res.onData((ab, isLast) => {
      if (isLast) this.flags &= ~BODY_OPEN;
      reader.data(ab, isLast);
    });
  }

  stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) return Promise.reject(new PayloadTooLargeError(limit));
    this.flags |= BODY_OPEN;
    return new Promise((resolve, reject) => {
      let total = 0;
      let failed = false;
      this.onAbort(() => reject(new Error("client aborted")));
      this.res.onData((ab, isLast) => {
        if (isLast) this.flags &= ~BODY_OPEN;
        if (failed) return;
        total += ab.byteLength;
        if (total > limit) {
          failed = true;
          return reject(new PayloadTooLargeError(limit));
        }
        let pending: void | Promise<void>;
        try {
          pending = onChunk(Buffer.from(ab.slice(0)));
        } catch (err) {
          // A consumer that rejects the bytes (a malformed multipart part) must not throw into uWS: that ends the process.
          failed = true;
          return reject(err);
        }
        if (pending !== undefined) {
          // Backpressure: stop reading the socket until the consumer caught up (uWS forbids it once answered).
          if (!this.ended) {
            this.res.pause();
            this.flags |= PAUSED;
          }
          pending.then(
            () => {
              // Resumed after the last chunk too: a paused socket would never read the connection's next request.
              this.resumeBody();
              if (isLast) resolve();
            },
            (err: unknown) => {
              failed = true;
              reject(err);
            },
          );
        } else if (isLast) resolve();
      });
    });
  }

  /**
   * Undoes a body stream's pause while the response can still be touched: uWS forbids it after the
   * response ended, and a socket left paused neither reads the rest of the body nor sends the answer.
   */
  private resumeBody(): void {
    if ((this.flags & PAUSED) === 0 || this.ended) return;
    this.flags &= ~PAUSED;
    this.res.resume();
  }

  // --- its response

  get aborted(): boolean {
    return (this.flags & ABORTED) !== 0;
  }

  private get ended(): boolean {
    return (this.flags & (ABORTED | DONE)) !== 0;
  }

  /** Begun while the server was closing, asked to, or answered before its body arrived: the answer ends the connection. */
  private get closing(): boolean {
    return (this.flags & (CLOSE_AFTER | BODY_OPEN)) !== 0;
  }

  private extra(): ExchangeExtras {
    return (this.extras ??= { abortCallbacks: undefined, drainCallbacks: undefined, completeCallbacks: undefined, fixed: undefined });
  }

  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else (this.extra().abortCallbacks ??= []).push(cb);
  }

  onComplete(cb: () => void): void {
    if ((this.flags & DONE) !== 0) cb();
    else (this.extra().completeCallbacks ??= []).push(cb);
  }

  closeAfter(): void {
    this.flags |= CLOSE_AFTER;
  }

  private abort(): void {
    this.flags |= ABORTED;
    const e = this.extras;
    if (e !== undefined) {
      runCallbacks(e.abortCallbacks);
      runCallbacks(e.drainCallbacks);
    }
    this.complete();
  }

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    if (this.ended) return;
    this.resumeBody();
    const frame = frameWhole(status, headers, byteLength(body), headOnly);
    // Inside the uWS handler writes are corked already; only a later answer needs cork (and its closure).
    if ((this.flags & IN_HANDLER) !== 0) this.writeResponse(status, frame.headers, frame.body ? body : undefined, frame.contentLength, frame.body);
    else this.res.cork(() => this.writeResponse(status, frame.headers, frame.body ? body : undefined, frame.contentLength, frame.body));
    this.complete();
  }

  private writeResponse(status: number, headers: readonly string[], body: string | Uint8Array | undefined, length: number | undefined, withBody: boolean): void {
    const res = this.res;
    res.writeStatus(statusLine(status));
    for (let i = 0; i < headers.length; i += 2) res.writeHeader(headers[i]!, headers[i + 1]!);
    // uWS computes Content-Length itself for end(); without a body it is written by hand. uWS 20.30 mishandles
    // endWithoutBody's arguments (the process aborts), so it is only ever called bare.
    if (withBody) res.end(body, this.closing);
    else if (length !== undefined) res.writeHeader("content-length", String(length)).endWithoutBody();
    else res.endWithoutBody();
  }

  startStream(status: number, headers: readonly string[]): void {
    if (this.aborted) return;
    this.resumeBody();
    const res = this.res;
    const frame = frameStream(headers);
    res.cork(() => {
      res.writeStatus(statusLine(status));
      // uWS writes the framing itself: the length when tryEnd frames the body, or its own Transfer-Encoding.
      for (let i = 0; i < frame.headers.length; i += 2) res.writeHeader(frame.headers[i]!, frame.headers[i + 1]!);
    });
    const extra = this.extra();
    if (frame.length !== undefined) extra.fixed = { total: frame.length, sent: 0, pending: undefined, pendingAt: 0 };
    res.onWritable((offset) => {
      const f = extra.fixed;
      if (f?.pending !== undefined) {
        // tryEnd keeps no copy of what it could not write: resend the rest of the chunk from where the socket stopped.
        if (!res.tryEnd(f.pending.subarray(offset - f.pendingAt), f.total)[0]) return false;
        f.pending = undefined;
      }
      runCallbacks(extra.drainCallbacks);
      return true;
    });
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.aborted) return true;
    const f = this.extras?.fixed;
    let ok = true;
    if (f === undefined) {
      this.res.cork(() => {
        ok = this.res.write(chunk);
      });
      return ok;
    }
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (f.sent + bytes.byteLength > f.total) throw streamTooLong(f.total);
    f.sent += bytes.byteLength;
    this.res.cork(() => {
      const at = this.res.getWriteOffset();
      if (this.res.tryEnd(bytes, f.total)[0]) return;
      f.pending = bytes;
      f.pendingAt = at;
      ok = false;
    });
    return ok;
  }

  onDrain(cb: () => void): void {
    if (this.aborted) cb();
    else (this.extra().drainCallbacks ??= []).push(cb);
  }

  endStream(): void {
    if (this.ended) return;
    const f = this.extras?.fixed;
    // With a declared length the last tryEnd ended the response (an empty one has none: end it here);
    // a short stream would leave the client waiting for the rest.
    if (f === undefined || f.total === 0) this.res.cork(() => this.res.end(undefined, this.closing));
    else if (f.sent < f.total) throw streamTooShort(f.sent, f.total);
    this.complete();
  }

  close(): void {
    if (this.ended) return;
    this.complete();
    this.res.close();
  }

  /**
   * The switch to the WebSocket protocol (UpgradeAsync's pattern: after async work the upgrade is corked,
   * and only if the client is still there). The exchange stops being in flight now; its completion
   * callbacks wait for the connection's session to finish closing.
   */
  upgrade(session: SocketSession, protocol: string | undefined, headers: readonly string[]): void {
    const hs = this.handshake;
    if (hs === undefined) throw new SpikardError("WEBSOCKET", "this exchange is not a WebSocket handshake");
    if (this.ended) return;
    const extra = frameUpgrade(headers);
    // permessage-deflate only where the route asked for it: otherwise the client's offer is not passed on.
    const extensions = session.compression ? hs.extensions : "";
    const data: SocketData = { session, compress: extensions !== "", finished: (closing) => void closing.then(() => this.finishUpgraded()) };
    const res = this.res;
    const run = (): void => {
      res.writeStatus("101 Switching Protocols");
      for (let i = 0; i < extra.length; i += 2) res.writeHeader(extra[i]!, extra[i + 1]!);
      res.upgrade(data, hs.key, protocol ?? "", extensions, hs.context);
    };
    this.flags |= DONE;
    this.tracker.finished();
    if ((this.flags & IN_HANDLER) !== 0) run();
    else res.cork(run);
  }

  private finishUpgraded(): void {
    const e = this.extras;
    if (e !== undefined) runCallbacks(e.completeCallbacks);
  }

  private complete(): void {
    if ((this.flags & DONE) !== 0) return;
    this.flags |= DONE;
    this.tracker.finished();
    const e = this.extras;
    if (e !== undefined) runCallbacks(e.completeCallbacks);
  }
}

function readAll(req: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  req.forEach((k, v) => {
    const prev = out[k];
    out[k] = prev === undefined ? v : `${prev}, ${v}`;
  });
  return out;
}

interface FixedLengthStream {
  total: number;
  sent: number;
  /** The chunk tryEnd could not finish, and the body offset it started at. */
  pending: Uint8Array | undefined;
  pendingAt: number;
}

/**
 * One buffered body on its way in: the state uWS's onData advances, as one
 * object (a request waiting for its body keeps it alive, so fewer objects
 * here means fewer survivors per young-generation collection under load).
 */
class BodyReader {
  private total = 0;
  private settled = false;
  /** Only without a usable Content-Length. */
  private chunks: Buffer[] | undefined;

  constructor(
    private readonly limit: number,
    private readonly buf: Buffer | undefined,
    private readonly to: BodyConsumer,
  ) {}

  data(ab: ArrayBuffer, isLast: boolean): void {
    if (this.settled) return;
    const n = ab.byteLength;
    const total = this.total + n;
    const buf = this.buf;
    if (total > this.limit || (buf !== undefined && total > buf.length)) return this.fail(new PayloadTooLargeError(this.limit));
    // uWS reuses the chunk's memory after this callback: it is copied.
    if (buf !== undefined) buf.set(new Uint8Array(ab), this.total);
    else (this.chunks ??= []).push(Buffer.from(ab.slice(0)));
    this.total = total;
    if (!isLast) return;
    this.settled = true;
    // The pipeline answers its own errors; this guards uWS's callback (a throw here ends the process).
    try {
      this.to.body(buf !== undefined ? (total === buf.length ? buf : buf.subarray(0, total)) : Buffer.concat(this.chunks ?? [], total));
    } catch (err) {
      this.to.error(err);
    }
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.to.error(err);
  }
}
