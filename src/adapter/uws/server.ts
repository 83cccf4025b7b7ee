import type { HttpRequest, HttpResponse, us_listen_socket, us_socket_context_t, WebSocket as UwsSocket } from "uWebSockets.js";
import { SpikardError } from "../../errors";
import { httpError, type ErrorPayload } from "../../http-errors";
import { frameStream, frameUpgrade, frameWhole, streamTooLong, streamTooShort } from "../framing";
import { BodyBuffer } from "../body-buffer";
import { ExchangeState, OWN_FLAGS } from "../exchange-state";
import { dispatch, InFlight } from "../in-flight";
import { assertPortFree, listenFailed } from "../port-probe";
import { requestFramingError } from "../request-framing";
import { DEFAULT_LIMITS, headerFieldSize, requestLimitError } from "../request-limits";
import { PayloadTooLargeError, type Adapter, type BodyConsumer, type Exchange, type ExchangeHandler, type Listener, type ListenOptions, type SinkCapabilities, type SocketSession } from "../types";
import { loadUws, type LoadOptions, type Uws } from "./load";
import { statusLine } from "./status-lines";
import { socketBehavior, type SocketData } from "./websocket";

/** uWebSockets.js behind the adapter contract, loading its binary as `load` says (tests point it at a missing one). */
export function uwsAdapterWith(load: Omit<LoadOptions, "allowSlowFallback">): Adapter {
  return {
    name: "uws",
    // SO_REUSEPORT is the native server's; without it (the node adapter or the JS fallback serve instead) threads cannot share.
    get portSharing() {
      return nativeLoads(load);
    },
    listen: (handler, options) => listen(handler, options, load),
  };
}

function nativeLoads(load: Omit<LoadOptions, "allowSlowFallback">): boolean {
  try {
    loadUws({ ...load, allowSlowFallback: false });
    return true;
  } catch {
    return false;
  }
}

/** The default adapter. */
export const uwsAdapter: Adapter = uwsAdapterWith({});

/**
 * The only module that talks to uWebSockets.js. Catch-all routes hand every
 * request to the handler, so routing behaves exactly as in TestClient.
 * Without a native binary for this platform it serves on the node adapter
 * instead (with a warning), unless the slow JS fallback is explicitly allowed.
 */
export async function listen(handler: ExchangeHandler, options: ListenOptions, load: Omit<LoadOptions, "allowSlowFallback"> = {}): Promise<Listener> {
  let uws: Uws;
  try {
    uws = loadUws({ ...load, allowSlowFallback: options.allowSlowFallback });
  } catch (err) {
    if (!(err instanceof SpikardError) || err.code !== "UWS_FALLBACK") throw err;
    console.warn(`spikard: ${err.message.split(". ")[0]}; serving on the node adapter (node:http) instead.`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("../node/server") as typeof import("../node/server")).nodeAdapter.listen(handler, options);
  }
  // Checked before listening: with SO_REUSEPORT uWS would share a served port silently.
  if (options.port !== 0 && options.sharedPort !== true) await assertPortFree(options.host, options.port);
  const app = uws.App();
  const tracker = new InFlight();
  const limits = options.limits ?? DEFAULT_LIMITS;

  const serve =
    (method: string | undefined) =>
    (res: HttpResponse, req: HttpRequest, context?: us_socket_context_t): void => {
      const path = req.getUrl();
      const query = req.getQuery() ?? "";
      // One pass over the fields for the limits and the framing headers: uWS itself bounds neither the
      // size of a header block that arrives in one read nor the target's length.
      scanHeaders(req);
      const bad =
        requestLimitError(limits, query.length === 0 ? path.length : path.length + 1 + query.length, scanned.count, scanned.bytes) ??
        (scanned.lengths !== undefined || scanned.codings !== undefined ? framingError() : undefined);
      if (bad !== undefined) return refuse(res, bad, method === "HEAD");
      // A WebSocket handshake (uWS's upgrade handler passes its context) keeps what the upgrade needs while the request is live.
      const handshake: Handshake | undefined = context === undefined ? undefined : { key: req.getHeader("sec-websocket-key"), extensions: req.getHeader("sec-websocket-extensions"), context };
      const exchange = new UwsExchange(req, res, method ?? upperMethod(req.getMethod()), path, query, tracker, handshake);
      dispatch(handler, exchange);
      exchange.leaveHandler();
    };
  const sockets = new Set<UwsSocket<SocketData>>();
  const closing = new Set<Promise<void>>();
  if (options.websocket !== undefined) {
    // uWS hands requests with a WebSocket key here (before app.get); they go through the pipeline like any
    // request (the same limits and framing checks), and a route that accepts them answers with the exchange's upgrade().
    app.ws<SocketData>("/*", socketBehavior(uws, options.websocket, serve("GET"), sockets, closing));
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
      if (!socket) return reject(listenFailed(options.host, options.port));
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

/**
 * What one pass of `req.forEach` found: the field count and bytes (as the limits count them) and every
 * Content-Length and Transfer-Encoding value. Module state rather than a closure per request: uWS calls
 * handlers one at a time, and the pass must not allocate more than the header strings themselves.
 */
const scanned = { count: 0, bytes: 0, lengths: undefined as string[] | undefined, codings: undefined as string[] | undefined };
function scanField(k: string, v: string): void {
  scanned.count++;
  scanned.bytes += headerFieldSize(k, v);
  if (k.length === 14 && k === "content-length") (scanned.lengths ??= []).push(v);
  else if (k.length === 17 && k === "transfer-encoding") (scanned.codings ??= []).push(v);
}
function scanHeaders(req: HttpRequest): void {
  scanned.count = 0;
  scanned.bytes = 0;
  scanned.lengths = undefined;
  scanned.codings = undefined;
  req.forEach(scanField);
}

function framingError(): ErrorPayload | undefined {
  const bad = requestFramingError(scanned.lengths ?? [], scanned.codings ?? []);
  return bad === undefined ? undefined : httpError("BAD_REQUEST", [bad]);
}

/**
 * A request refused on its head (its length cannot be trusted, or it is over a limit): answered, and the
 * connection closes (its remaining bytes cannot be framed).
 * Answered on the next turn, not in the handler: uWS goes on parsing the bytes after this request in the same
 * read, and would answer a request smuggled there; with this response pending it drops the connection instead.
 * A length uWS's own parser cannot read (negative, not digits) makes it close the connection before any answer.
 */
function refuse(res: HttpResponse, p: ErrorPayload, headOnly: boolean): void {
  let gone = false;
  res.onAborted(() => (gone = true));
  // Copied out: the frame is shared, and this answer goes out on a later turn.
  const { headers, body: withBody } = frameWhole(p.status, p.headers, p.body, headOnly);
  setImmediate(() => {
    if (gone) return;
    try {
      res.cork(() => {
        res.writeStatus(statusLine(p.status));
        for (let i = 0; i < headers.length; i += 2) res.writeHeader(headers[i]!, headers[i + 1]!);
        // A HEAD gets no body (RFC 9110 §9.3.2). Ended, not endWithoutBody()'d: only end() can close the
        // connection here (uWS 20.30 aborts on endWithoutBody's arguments, and the response may not be
        // touched once ended), so a HEAD is told Content-Length: 0 rather than the body's length.
        res.end(withBody ? p.body : undefined, true);
      });
    } catch (err) {
      // This runs outside any uWS handler: a throw here would end the process.
      console.error("spikard: could not answer a refused request", err);
    }
  });
}

const decoder = new TextDecoder();
// Null prototype: a method named "constructor" must not find Object.prototype's.
const UPPER_METHODS: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string>, { get: "GET", post: "POST", put: "PUT", patch: "PATCH", delete: "DELETE", head: "HEAD", options: "OPTIONS" });
const upperMethod = (lower: string): string => UPPER_METHODS[lower] ?? lower.toUpperCase();

// UwsExchange's own flags (ExchangeState keeps aborted, done and close-after).
const IN_HANDLER = OWN_FLAGS;
/** A body reader is attached and the body has not all arrived: answering now must close the connection. */
const BODY_OPEN = OWN_FLAGS << 1;
/** A body consumer is behind and reading from the socket is paused; an answer resumes it first. */
const PAUSED = OWN_FLAGS << 2;

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
const UPGRADABLE: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: true });

/** What a WebSocket handshake needs from its request, copied while uWS's request is live. */
interface Handshake {
  key: string;
  extensions: string;
  context: us_socket_context_t;
}

class UwsExchange extends ExchangeState implements Exchange {
  readonly path: string;
  readonly query: string;
  private req: HttpRequest | undefined;
  private snapshot: Snapshot | undefined = undefined;
  /** A stream with a declared Content-Length: framed by uWS's tryEnd instead of chunked encoding. */
  private fixed: FixedLengthStream | undefined = undefined;

  constructor(
    req: HttpRequest,
    private readonly res: HttpResponse,
    readonly method: string,
    path: string,
    query: string,
    tracker: InFlight,
    private readonly handshake?: Handshake,
  ) {
    super(tracker, IN_HANDLER);
    this.req = req;
    this.path = path;
    this.query = query;
  }

  override get capabilities(): SinkCapabilities {
    return this.handshake === undefined ? super.capabilities : UPGRADABLE;
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
    if (!this.done) this.res.onAborted(() => this.markAborted());
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
    const reader = new BodyBuffer(limit, declared, to);
    this.onAbort(() => reader.fail(new Error("client aborted")));
    this.flags |= BODY_OPEN;
    this.res.onData((ab, isLast) => {
      // uWS reuses the chunk's memory after this callback.
      reader.add(new Uint8Array(ab), true);
      if (isLast) {
        this.flags &= ~BODY_OPEN;
        reader.end();
      }
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

  /** Answered while the server is closing, asked to, or answered before its body arrived: the answer ends the connection. */
  private get closing(): boolean {
    return (this.flags & BODY_OPEN) !== 0 || this.closeRequested;
  }

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    if (this.ended) return;
    this.resumeBody();
    const frame = frameWhole(status, headers, body, headOnly);
    if (frame.close) this.closeAfter();
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
    if (frame.close) this.closeAfter();
    res.cork(() => {
      res.writeStatus(statusLine(status));
      // uWS writes the framing itself: the length when tryEnd frames the body, or its own Transfer-Encoding.
      for (let i = 0; i < frame.headers.length; i += 2) res.writeHeader(frame.headers[i]!, frame.headers[i + 1]!);
    });
    if (frame.length !== undefined) this.fixed = { total: frame.length, sent: 0, pending: undefined, pendingAt: 0 };
    res.onWritable((offset) => {
      const f = this.fixed;
      if (f?.pending !== undefined) {
        // tryEnd keeps no copy of what it could not write: resend the rest of the chunk from where the socket stopped.
        if (!res.tryEnd(f.pending.subarray(offset - f.pendingAt), f.total)[0]) return false;
        f.pending = undefined;
      }
      this.drained();
      return true;
    });
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.aborted) return true;
    const f = this.fixed;
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

  endStream(): void {
    if (this.ended) return;
    const f = this.fixed;
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
  override upgrade(session: SocketSession, protocol: string | undefined, headers: readonly string[]): void {
    const hs = this.handshake;
    if (hs === undefined) throw new SpikardError("WEBSOCKET", "this exchange is not a WebSocket handshake");
    if (this.ended) return;
    const extra = frameUpgrade(headers);
    // permessage-deflate only where the route asked for it: otherwise the client's offer is not passed on.
    const extensions = session.compression ? hs.extensions : "";
    const data: SocketData = { session, compress: extensions !== "", finished: (closing) => void closing.then(() => this.runCompleteCallbacks()) };
    const res = this.res;
    const run = (): void => {
      res.writeStatus("101 Switching Protocols");
      for (let i = 0; i < extra.length; i += 2) res.writeHeader(extra[i]!, extra[i + 1]!);
      res.upgrade(data, hs.key, protocol ?? "", extensions, hs.context);
    };
    this.handOver();
    if ((this.flags & IN_HANDLER) !== 0) run();
    else res.cork(run);
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
