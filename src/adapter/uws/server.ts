import type { HttpRequest, HttpResponse, us_listen_socket } from "uWebSockets.js";
import { SpikardError } from "../../errors";
import type { RawRequest } from "../../request";
import type { Pipeline } from "../../pipeline/pipeline";
import { PayloadTooLargeError, type BodyConsumer, type BodySource, type ResponseSink } from "../../pipeline/sink";
import { declaredStreamLength, streamTooLong, streamTooShort } from "../../pipeline/stream-length";
import { statusLine } from "./status-lines";
import { loadUws } from "./load";
import { requestFramingError } from "../request-framing";
import { badRequestProblem, internalProblem, PROBLEM_CONTENT_TYPE } from "../../problem";

export interface ListenOptions {
  host: string;
  port: number;
  allowSlowFallback?: boolean;
}

export interface UwsServer {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then resolves. */
  close(timeoutMs?: number): Promise<void>;
  /** Requests currently being answered. */
  readonly inFlight: number;
}

/**
 * The only module that talks to uWebSockets.js. Catch-all routes hand every
 * request to the Pipeline, so routing behaves exactly as in TestClient.
 */
export function listen(pipeline: Pipeline, options: ListenOptions): Promise<UwsServer> {
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
      try {
        pipeline.handle(exchange, exchange, exchange);
      } catch (err) {
        // A throw out of a uWS callback ends the process: whatever escaped is answered here instead.
        console.error("spikard: unhandled error in the request path", err);
        exchange.send(500, PROBLEM_HEADERS, JSON.stringify(internalProblem()), false);
      }
      exchange.leaveHandler();
    };
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
        close(timeoutMs = 10_000) {
          if (!tracker.draining) {
            tracker.draining = true;
            uws.us_listen_socket_close(socket);
          }
          return tracker.idle(timeoutMs);
        },
      });
    };
    app.listen(options.host, options.port, onListen);
  });
}

/** Requests being answered, and whether the server is closing (its answers then close their connections). */
class InFlight {
  count = 0;
  draining = false;
  private readonly waiters: Array<() => void> = [];

  finished(): void {
    // Guarded: splice(0) allocates an array, and most requests end with nobody waiting.
    if (--this.count === 0 && this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once no request is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise<void>((done) => {
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        done();
      });
    });
  }
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

const PROBLEM_HEADERS = ["content-type", PROBLEM_CONTENT_TYPE];

/**
 * A request whose length cannot be trusted: 400, and the connection closes (its remaining bytes cannot be framed).
 * Answered on the next turn, not in the handler: uWS goes on parsing the bytes after this request in the same
 * read, and would answer a request smuggled there; with this response pending it drops the connection instead.
 * A length uWS's own parser cannot read (negative, not digits) makes it close the connection before any answer.
 */
function refuse(res: HttpResponse, detail: string): void {
  let gone = false;
  res.onAborted(() => (gone = true));
  const body = JSON.stringify(badRequestProblem(detail));
  setImmediate(() => {
    if (!gone) res.cork(() => res.writeStatus(statusLine(400)).writeHeader("content-type", PROBLEM_CONTENT_TYPE).end(body, true));
  });
}

const decoder = new TextDecoder();
const PREALLOCATE_MAX = 16 * 1024 * 1024;
// Null prototype: a method named "constructor" must not find Object.prototype's.
const UPPER_METHODS: Record<string, string | undefined> = Object.assign(Object.create(null) as Record<string, string>, { get: "GET", post: "POST", put: "PUT", patch: "PATCH", delete: "DELETE", head: "HEAD", options: "OPTIONS" });
const upperMethod = (lower: string): string => UPPER_METHODS[lower] ?? lower.toUpperCase();

/** What a released request that was never detached answers for its headers; shared, never written. */
const NO_HEADERS: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

// UwsExchange.flags
const ABORTED = 1;
const DONE = 2;
const IN_HANDLER = 4;
const CLOSE_AFTER = 8;

/** What only bodies and streams need; most requests never create it. */
interface ExchangeExtras {
  abortCallbacks: Array<() => void> | undefined;
  drainCallbacks: Array<() => void> | undefined;
  /** A stream with a declared Content-Length: framed by uWS's tryEnd instead of chunked encoding. */
  fixed: FixedLengthStream | undefined;
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
 * still ask for. Body registration happens in the handler too, as uWS requires.
 */
class UwsExchange implements RawRequest, ResponseSink, BodySource {
  locals: Record<string, unknown> | undefined = undefined;
  readonly path: string;
  readonly query: string;
  private req: HttpRequest | undefined;
  private snapshot: Record<string, string> | undefined = undefined;
  private flags: number;
  private extras: ExchangeExtras | undefined = undefined;

  constructor(
    req: HttpRequest,
    private readonly res: HttpResponse,
    readonly method: string,
    private readonly tracker: InFlight,
  ) {
    this.req = req;
    this.path = req.getUrl();
    this.query = req.getQuery() ?? "";
    this.flags = IN_HANDLER | (tracker.draining ? CLOSE_AFTER : 0);
    tracker.count++;
  }

  // --- the request

  header(lowerName: string): string | undefined {
    const v = this.req !== undefined ? this.req.getHeader(lowerName) : this.snapshot![lowerName];
    return v === "" ? undefined : v;
  }

  headers(): Record<string, string> {
    if (this.snapshot !== undefined) return { ...this.snapshot };
    return readAll(this.req!);
  }

  detach(): void {
    if (this.req === undefined) return;
    this.snapshot = readAll(this.req);
    this.req = undefined;
  }

  remoteAddress(): string {
    return decoder.decode(this.res.getRemoteAddressAsText());
  }

  /**
   * Called when the uWS handler returns: uWS's request object dies (later
   * reads see only what `detach()` copied), and an unanswered response now
   * needs an abort handler.
   */
  leaveHandler(): void {
    if (this.req !== undefined) {
      this.req = undefined;
      this.snapshot ??= NO_HEADERS;
    }
    this.flags &= ~IN_HANDLER;
    if ((this.flags & DONE) === 0) this.res.onAborted(() => this.abort());
  }

  // --- its body

  /** Read on demand (only body routes ask), while the request is still live. */
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
    this.res.onData((ab, isLast) => reader.data(ab, isLast));
  }

  stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) return Promise.reject(new PayloadTooLargeError(limit));
    return new Promise((resolve, reject) => {
      let total = 0;
      let failed = false;
      this.onAbort(() => reject(new Error("client aborted")));
      this.res.onData((ab, isLast) => {
        // After the response ended (a 408 while the body still streamed in) uWS's response may not be touched again.
        if (failed || this.ended) return;
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
          // Backpressure: stop reading the socket until the consumer caught up.
          this.res.pause();
          pending.then(
            () => {
              if (isLast) resolve();
              // Not once the response ended: uWS throws from resume() then, in a promise callback, and the process exits.
              else if (!this.ended) this.res.resume();
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

  // --- its response

  get aborted(): boolean {
    return (this.flags & ABORTED) !== 0;
  }

  private get ended(): boolean {
    return (this.flags & (ABORTED | DONE)) !== 0;
  }

  /** Begun while the server was closing: the answer ends the connection. */
  private get closeAfter(): boolean {
    return (this.flags & CLOSE_AFTER) !== 0;
  }

  private extra(): ExchangeExtras {
    return (this.extras ??= { abortCallbacks: undefined, drainCallbacks: undefined, fixed: undefined });
  }

  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else (this.extra().abortCallbacks ??= []).push(cb);
  }

  private abort(): void {
    this.flags |= ABORTED;
    this.complete();
    const e = this.extras;
    if (e === undefined) return;
    for (const cb of e.abortCallbacks?.splice(0) ?? []) cb();
    for (const cb of e.drainCallbacks?.splice(0) ?? []) cb();
  }

  send(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    if (this.ended) return;
    // Inside the uWS handler writes are corked already; only a later answer needs cork (and its closure).
    if ((this.flags & IN_HANDLER) !== 0) this.writeResponse(status, headers, body, headOnly);
    else this.res.cork(() => this.writeResponse(status, headers, body, headOnly));
    this.complete();
  }

  private writeResponse(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): void {
    const res = this.res;
    res.writeStatus(statusLine(status));
    let declaredLength: string | undefined;
    let chunked = false;
    let close = this.closeAfter;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      // `Connection: close` from the pipeline (a 408 for a body still arriving) ends the connection after the answer;
      // uWS writes the header itself when it does, so it is not written twice.
      if (name.length === 10 && name.toLowerCase() === "connection" && headers[i + 1]!.toLowerCase() === "close" && !headOnly && status !== 204 && status !== 304) {
        close = true;
        continue;
      }
      // uWS computes Content-Length itself; a handler-declared one only survives on HEAD.
      if (name.length === 14 && name.toLowerCase() === "content-length") {
        declaredLength = headers[i + 1];
        continue;
      }
      // uWS frames bodies itself; only a HEAD for a stream keeps it (its GET would be chunked).
      if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
        if (!headOnly) continue;
        chunked = true;
      }
      // uWS writes its own Date on every response (the prebuilt binary cannot turn that off) and Date is a
      // singleton field (RFC 9110 §6.6.1): a handler's would be a second one, so the server's is sent.
      if (name.length === 4 && name.toLowerCase() === "date") continue;
      res.writeHeader(name, headers[i + 1]!);
    }
    // uWS 20.30 mishandles endWithoutBody's arguments (the process aborts), so it is only
    // ever called bare, with the length written by hand.
    if (headOnly && chunked && declaredLength === undefined) res.endWithoutBody();
    else if (headOnly) res.writeHeader("content-length", declaredLength ?? String(body === undefined ? 0 : byteLength(body))).endWithoutBody();
    else if (status === 204 || status === 304) res.endWithoutBody();
    else if (body === undefined) res.end(undefined, close);
    else res.end(body, close);
  }

  startStream(status: number, headers: readonly string[]): void {
    if (this.aborted) return;
    const res = this.res;
    const total = declaredStreamLength(headers);
    res.cork(() => {
      res.writeStatus(statusLine(status));
      for (let i = 0; i < headers.length; i += 2) {
        // uWS writes the framing headers itself: the length when tryEnd frames the body (it would add chunked
        // encoding beside a hand-written one), or its own Transfer-Encoding; and its own Date (see writeResponse).
        const name = headers[i]!.toLowerCase();
        if (name === "content-length" || name === "transfer-encoding" || name === "date") continue;
        res.writeHeader(headers[i]!, headers[i + 1]!);
      }
    });
    const extra = this.extra();
    if (total !== undefined) extra.fixed = { total, sent: 0, pending: undefined, pendingAt: 0 };
    res.onWritable((offset) => {
      const f = extra.fixed;
      if (f?.pending !== undefined) {
        // tryEnd keeps no copy of what it could not write: resend the rest of the chunk from where the socket stopped.
        if (!res.tryEnd(f.pending.subarray(offset - f.pendingAt), f.total)[0]) return false;
        f.pending = undefined;
      }
      for (const cb of extra.drainCallbacks?.splice(0) ?? []) cb();
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
    if (f === undefined || f.total === 0) this.res.cork(() => this.res.end(undefined, this.closeAfter));
    else if (f.sent < f.total) throw streamTooShort(f.sent, f.total);
    this.complete();
  }

  close(): void {
    if (this.ended) return;
    this.complete();
    this.res.close();
  }

  private complete(): void {
    if ((this.flags & DONE) !== 0) return;
    this.flags |= DONE;
    this.tracker.finished();
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

function byteLength(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
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


