import type { BodyConsumer, BodySource, Exchange, ResponseSink } from "../adapter/types";
import { Request } from "../context";
import { httpError, type ErrorPayload } from "../http-errors";
import type { ValidationErrorDetail } from "../problem";
import type { AnyResponse } from "../response";
import type { RouteDefinition } from "../route-definition";
import { RouteTable, type Match } from "../routing/route-table";
import { planBody, type BodyPlan, type ReceivedBody } from "./body";
import { compileRoute, type RoutePlan } from "./plan";
import type { ErrorFormat } from "../validation/error-mapper";
import { JSON_HEADERS, TEXT_HEADERS, BYTES_HEADERS, sendDynamic, sendPlain } from "./respond";
import { parseBufferedMultipart } from "../multipart/buffered";
import type { MultipartCollector, UploadOptions } from "../multipart/collector";
import { errorResponse } from "./error-response";
import { runLifecycle, type LifecycleContext } from "./lifecycle";
import { withDependencyErrors } from "./dependency-check";
import type { Container } from "../di/container";
import type { HookTable } from "../hooks";
import { runChain, type Middleware, type Next } from "./middleware";
import { readsLate, routeChain } from "./chain";
import { ResponseCapture } from "./capture";
import { HeldBody } from "./held-body";
import { extractArgs } from "./extract";
import { payloadResponse } from "./payload-response";
import { abortSignal } from "./abort-signal";

export interface PipelineOptions {
  /** Largest accepted non-multipart body, in bytes. */
  maxBodySize: number;
  maxUploadSize: number;
  uploads: UploadOptions;
  maxJsonDepth: number;
  errorFormat: ErrorFormat;
  logger: Pick<Console, "error" | "warn">;
  container: Container;
  /** The app's own hooks (apply to every route). */
  hooks: HookTable;
  /** ServerConfig's middleware and `app.use()`'s, outermost first: around every request, unknown routes included. */
  middleware?: readonly Middleware[];
  /** Builds the timeout middleware for a route's own `timeout` option. */
  timeout?: (seconds: number) => Middleware;
}

const EMPTY = Buffer.alloc(0);
const NO_ARGS: unknown[] = [];
const NO_VALUES: readonly string[] = [];

/**
 * Routes each request and runs its route's plan: extract → hooks and
 * dependencies where the route has them → handler → one writer. A route with
 * no middleware writes straight to the adapter's sink and stays synchronous
 * until its handler returns a promise; with middleware, the route's answer is
 * collected as a Response, passed out through the chain and written once.
 * Every adapter (uWebSockets.js, node:http, the in-memory one TestClient uses)
 * calls `handle`.
 */
export class Pipeline {
  private readonly table = new RouteTable<RoutePlan>();
  private readonly scratch: ValidationErrorDetail[] = [];
  /** Below this, a multipart body is buffered and parsed in one pass: it cannot spool, and busboy would not truncate a field (1 MiB). */
  private readonly bufferedMultipartLimit: number;
  readonly routes: RoutePlan[];
  private readonly appChain: readonly Middleware[];
  private readonly appChainReadsLate: boolean;
  private readonly chainReadsLate = new WeakMap<RoutePlan, boolean>();

  private readonly lifecycle: LifecycleContext;
  /** Background work in flight, awaited by `drain()`. */
  private readonly running = new Set<Promise<void>>();

  constructor(definitions: readonly RouteDefinition[], private readonly options: PipelineOptions) {
    this.bufferedMultipartLimit = Math.min(options.uploads.spoolThreshold, 1024 * 1024);
    this.appChain = options.middleware ?? [];
    this.appChainReadsLate = readsLate(this.appChain);
    const source = { app: this.appChain, timeout: options.timeout };
    this.routes = withDependencyErrors(
      definitions.map((d) => compileRoute(d, { errorFormat: options.errorFormat, hooks: options.hooks, chain: (def) => routeChain(source, def) })),
      options.container,
      options.logger,
    );
    for (const r of this.routes) {
      this.table.add(r.method, r.path, r.segments, r);
      if (r.chain.length > 0) this.chainReadsLate.set(r, readsLate(r.chain));
    }
    this.lifecycle = {
      container: options.container,
      logger: options.logger,
      limits: options,
      track: (work) => {
        this.running.add(work);
        void work.finally(() => this.running.delete(work));
      },
    };
  }

  /** Waits for running background tasks, up to `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** The adapters' entry: one call per request, while the exchange is live. */
  handle(ex: Exchange): void {
    const method = ex.method;
    const match = this.table.find(ex.path);
    // HEAD never carries a body, whichever handler answers it.
    const headOnly = method === "HEAD";
    let route = match?.methods[method];
    if (route === undefined && headOnly) route = match?.methods.GET;
    if (route === undefined) {
      if (this.appChain.length === 0) return this.sendPayload(ex, this.unrouted(ex, match), headOnly);
      return this.throughChain(this.appChain, this.appChainReadsLate, undefined, match, ex, headOnly);
    }
    if (route.chain.length > 0) return this.throughChain(route.chain, this.chainReadsLate.get(route)!, route, match!, ex, headOnly);
    if (route.readsHeadersLate) ex.detach();
    // A route with no arguments, checks, body or hooks (a health check) reads no Request: none is built.
    const req = route.usesRequest ? new Request(ex, match!.params, route.paramNames) : undefined;
    if (route.body !== undefined) return this.receive(route, req!, ex, ex, headOnly);
    this.run(route, req, undefined, ex, headOnly);
  }

  /** 404 or 405 (with Allow) for a request no route takes. */
  private unrouted(ex: Exchange, match: Match<RoutePlan> | undefined): ErrorPayload {
    if (match === undefined) return httpError("NOT_FOUND", [`No route matches ${ex.method} ${ex.path}`]);
    return httpError("METHOD_NOT_ALLOWED", [`Method ${ex.method} is not allowed for ${ex.path}`], ["allow", allowList(match.methods)]);
  }

  /**
   * Runs a request through middleware. The chain starts inside the adapter's
   * call; when it goes on after that call returned, what it reads of the
   * request is snapshotted first, and a body the route has not claimed yet is
   * claimed now (adapters deliver body bytes only to a reader attached in
   * their call) and held until the route takes it.
   */
  private throughChain(chain: readonly Middleware[], late: boolean, route: RoutePlan | undefined, match: Match<RoutePlan> | undefined, ex: Exchange, headOnly: boolean): void {
    const req = new Request(ex, match?.params ?? NO_VALUES, route?.paramNames ?? NO_VALUES);
    let entered = false;
    let held: HeldBody | undefined;
    const terminal: Next = () => {
      entered = true;
      return route === undefined ? payloadResponse(this.unrouted(ex, match)) : this.answer(route, req, ex, held, headOnly);
    };
    const result = runChain(chain, req, terminal, (err) => payloadResponse(errorResponse(err, this.options.logger)));
    if (!(result instanceof Promise)) return this.writeResponse(ex, result, headOnly);
    // The route runs after this call (a middleware awaited first), or a middleware may read after an await.
    if (late || !entered) ex.detach();
    if (!entered && route?.body !== undefined) held = this.hold(route, ex);
    result.then((r) => this.writeResponse(ex, r, headOnly));
  }

  /** The route as the innermost step of a chain: its answer as a Response. */
  private answer(route: RoutePlan, req: Request, ex: Exchange, held: HeldBody | undefined, headOnly: boolean): AnyResponse | Promise<AnyResponse> {
    const capture = new ResponseCapture(ex);
    if (route.readsHeadersLate) ex.detach();
    if (route.body !== undefined) this.receive(route, req, held ?? ex, capture, headOnly);
    else this.run(route, req, undefined, capture, headOnly);
    return capture.result();
  }

  /** Claims a body for a route whose middleware awaited first (see HeldBody). */
  private hold(route: RoutePlan, ex: Exchange): HeldBody {
    let multipart = false;
    try {
      multipart = planBody(route.body!, ex.header("content-type")).kind === "multipart";
    } catch {
      // The route answers its own Content-Type errors when it runs.
    }
    return new HeldBody(ex, this.limitFor(route, multipart));
  }

  private limitFor(route: RoutePlan, multipart: boolean): number {
    return route.bodyLimit ?? (multipart ? this.options.maxUploadSize : this.options.maxBodySize);
  }

  private writeResponse(ex: Exchange, r: AnyResponse, headOnly: boolean): void {
    if (ex.aborted) return;
    try {
      const streaming = sendDynamic(ex, r, r.statusCode, headOnly, undefined);
      if (streaming !== undefined) streaming.catch((err: unknown) => this.streamFailed(err, ex));
    } catch (err) {
      // A response that cannot be written (a header with CR/LF, say) is the handler's bug: 500, logged.
      this.fail(err, ex, headOnly);
    }
  }

  /** Reads the route's body (inside the adapter's call: uWS requires it), then runs the route. */
  private receive(route: RoutePlan, req: Request, body: BodySource, sink: ResponseSink, headOnly: boolean): void {
    let plan: BodyPlan;
    try {
      plan = planBody(route.body!, req.header("content-type"));
    } catch (err) {
      return this.fail(err, sink, headOnly);
    }
    if (plan.kind === "multipart") return this.receiveMultipart(route, req, plan, body, sink, headOnly);
    body.read(this.limitFor(route, false), new PendingBody(this, route, req, plan, sink, headOnly));
  }

  /** Receives a multipart body as fields and UploadFiles. */
  private receiveMultipart(route: RoutePlan, req: Request, plan: BodyPlan, body: BodySource, sink: ResponseSink, headOnly: boolean): void {
    const contentType = req.header("content-type")!;
    const declared = body.contentLength;
    const limit = this.limitFor(route, true);
    // A body that cannot hold a spooled file is buffered whole and parsed in one pass; busboy takes the rest.
    if (declared !== undefined && declared <= this.bufferedMultipartLimit) {
      body.read(limit, {
        body: (buf) => {
          const fields = parseBufferedMultipart(buf, plan.boundary!, this.options.uploads.limits);
          if (fields !== undefined) this.run(route, req, { plan, buf: EMPTY, fields }, sink, headOnly);
          else this.collectMultipart(route, req, plan, contentType, (c) => c.write(buf), sink, headOnly);
        },
        error: (err) => this.fail(err, sink, headOnly),
      });
      return;
    }
    this.collectMultipart(route, req, plan, contentType, (c) => body.stream((chunk) => c.write(chunk), limit), sink, headOnly);
  }

  /** Streams a multipart body through busboy into fields and (possibly spooled) files; they are removed once the exchange is over. */
  private collectMultipart(
    route: RoutePlan,
    req: Request,
    plan: BodyPlan,
    contentType: string,
    feed: (c: MultipartCollector) => unknown,
    sink: ResponseSink,
    headOnly: boolean,
  ): void {
    const collector = new (multipartCollector())(contentType, this.options.uploads);
    // Whatever ends the exchange (the response, a timeout's 408, an abort) removes the spooled files.
    sink.onComplete(() => collector.dispose());
    let fed: Promise<unknown>;
    try {
      // Synchronously: uWS only hands the body to handlers attached inside its own call.
      fed = Promise.resolve(feed(collector));
    } catch (err) {
      fed = Promise.reject(err);
    }
    fed
      .then(() => collector.end())
      .then(
        (fields) => this.run(route, req, { plan, buf: EMPTY, fields }, sink, headOnly),
        (err: unknown) => {
          collector.dispose();
          this.fail(err, sink, headOnly);
        },
      );
  }

  /** Extracts, validates, calls the handler and writes its result (public for PendingBody, which resumes here). */
  run(route: RoutePlan, req: Request | undefined, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): void {
    // Undefined only for routes that read no Request (route.usesRequest): none of the steps below that take it run for them.
    if (route.slow) return this.runSlow(route, req!, body, sink, headOnly);
    const n = route.argCount;
    // A handler without parameters shares one empty list (nothing below writes to it when n is 0).
    const args = n === 0 ? NO_ARGS : new Array<unknown>(n);
    let invalid: ValidationErrorDetail[] | undefined;
    try {
      invalid = extractArgs(route, req, body, args, this.scratch, this.options);
    } catch (err) {
      return this.fail(err, sink, headOnly);
    }
    if (invalid !== undefined) return this.sendPayload(sink, httpError("VALIDATION", [invalid]), headOnly);
    for (const i of route.signalIndices) args[i] = abortSignal(sink);
    let result: unknown;
    try {
      result = route.handler(...args);
    } catch (err) {
      return this.fail(err, sink, headOnly);
    }
    if (result !== null && typeof result === "object" && typeof (result as Promise<unknown>).then === "function") {
      return this.writeWhenSettled(route, result as Promise<unknown>, sink, headOnly);
    }
    this.write(route, result, sink, headOnly);
  }

  private runSlow(route: RoutePlan, req: Request, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): void {
    runLifecycle(this.lifecycle, route, req, body, sink, headOnly).catch((err: unknown) => this.fail(err, sink, headOnly));
  }

  private writeWhenSettled(route: RoutePlan, result: Promise<unknown>, sink: ResponseSink, headOnly: boolean): void {
    result.then(
      (value) => this.write(route, value, sink, headOnly),
      (err: unknown) => this.fail(err, sink, headOnly),
    );
  }

  private write(route: RoutePlan, value: unknown, sink: ResponseSink, headOnly: boolean): void {
    if (sink.aborted) return;
    try {
      switch (route.responseKind) {
        case "json":
          return sink.send(route.status, JSON_HEADERS, route.stringify!(value), headOnly);
        case "text":
          return sink.send(route.status, TEXT_HEADERS, value as string, headOnly);
        case "bytes":
          return sink.send(route.status, BYTES_HEADERS, value as Uint8Array, headOnly);
        case "empty":
          if (value === undefined) return sink.send(route.status, [], undefined, headOnly);
          return sendPlain(sink, value, route.status, headOnly, undefined, []);
        default: {
          const done = sendDynamic(sink, value, route.status, headOnly, route.stringify);
          if (done !== undefined) done.catch((err: unknown) => this.streamFailed(err, sink));
        }
      }
    } catch (err) {
      this.fail(err, sink, headOnly);
    }
  }

  private streamFailed(err: unknown, sink: ResponseSink): void {
    this.options.logger.error("spikard: stream failed after the response started", err);
    if (!sink.aborted) sink.close();
  }

  /** Turns an exception into its response; unexpected ones are logged and answer 500. */
  fail(err: unknown, sink: ResponseSink, headOnly: boolean): void {
    if (sink.aborted) return;
    this.sendPayload(sink, errorResponse(err, this.options.logger), headOnly);
  }

  private sendPayload(sink: ResponseSink, p: ErrorPayload, headOnly: boolean): void {
    sink.send(p.status, p.headers, p.body, headOnly);
  }
}


/** Bytes of the header block as sent: `name: value\r\n` per header. */
function allowList(methods: Record<string, unknown>): string {
  const list = Object.keys(methods);
  if (list.includes("GET") && !list.includes("HEAD")) list.push("HEAD");
  return list.sort().join(",");
}

/** A route waiting for its buffered body: everything `run` needs once it arrives, in one object. */
class PendingBody implements BodyConsumer {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly route: RoutePlan,
    private readonly req: Request,
    private readonly plan: BodyPlan,
    private readonly sink: ResponseSink,
    private readonly headOnly: boolean,
  ) {}

  body(buf: Buffer): void {
    this.pipeline.run(this.route, this.req, { plan: this.plan, buf }, this.sink, this.headOnly);
  }

  error(err: unknown): void {
    this.pipeline.fail(err, this.sink, this.headOnly);
  }
}

let collectorClass: typeof MultipartCollector | undefined;

/**
 * Loaded on the first streamed multipart body: busboy, its search and node:crypto
 * cost a start-up ~10 ms that apps without uploads (or whose uploads all fit the
 * one-pass parser) never need back.
 */
function multipartCollector(): typeof MultipartCollector {
  return (collectorClass ??= (require("../multipart/collector") as typeof import("../multipart/collector")).MultipartCollector);
}
