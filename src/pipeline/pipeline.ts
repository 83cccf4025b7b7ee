import { Request } from "../context";
import { HttpError } from "../errors";
import {
  internalProblem,
  methodNotAllowedProblem,
  notFoundProblem,
  PROBLEM_CONTENT_TYPE,
  validationProblem,
  type Problem,
  type ValidationErrorDetail,
} from "../problem";
import type { RawRequest } from "../request";
import type { RouteDefinition } from "../router";
import { RouteTable } from "../routing/route-table";
import { decodeBody, planBody, type BodyPlan, type ReceivedBody } from "./body";
import { BodyError } from "./body-error";
import { compileRoute, type CompiledRoute } from "./compile-route";
import type { ErrorFormat } from "../validation/error-mapper";
import { JSON_HEADERS, TEXT_HEADERS, BYTES_HEADERS, sendDynamic, sendPlain } from "./respond";
import { PayloadTooLargeError, withCleanup, type BodyConsumer, type BodySource, type ResponseSink } from "./sink";
import { parseBufferedMultipart } from "../multipart/buffered";
import type { MultipartCollector, UploadOptions } from "../multipart/collector";
import { errorResponse } from "./error-response";
import { runLifecycle, type LifecycleContext } from "./lifecycle";
import { withDependencyErrors } from "./dependency-check";
import type { Container } from "../di/container";
import type { HookTable } from "../hooks";
import type { Middleware } from "../middleware/types";
import { parameterErrors } from "./param-errors";

export interface PipelineOptions {
  /** Largest accepted non-multipart body, in bytes. */
  maxBodySize: number;
  maxUploadSize: number;
  uploads: UploadOptions;
  maxJsonDepth: number;
  /** When set, requests whose header block is larger answer 431. */
  maxHeaderSize?: number | undefined;
  errorFormat: ErrorFormat;
  logger: Pick<Console, "error" | "warn">;
  container: Container;
  /** The app's own hooks (apply to every route). */
  hooks: HookTable;
  /** Server-level middleware, outermost first. */
  middleware?: Middleware[];
}

const EMPTY = Buffer.alloc(0);
const NO_ARGS: unknown[] = [];

const PROBLEM_HEADERS: readonly string[] = Object.freeze(["content-type", PROBLEM_CONTENT_TYPE]);
/** Spikard sends 422 bodies as application/json. */
const VALIDATION_HEADERS: readonly string[] = Object.freeze(["content-type", "application/json"]);

/**
 * Routes a request, extracts and validates arguments, calls the handler and
 * writes the result. Shared by the uWebSockets.js adapter and TestClient.
 */
export class Pipeline {
  private readonly table = new RouteTable<CompiledRoute>();
  private readonly scratch: ValidationErrorDetail[] = [];
  /** Below this, a multipart body is buffered and parsed in one pass: it cannot spool, and busboy would not truncate a field (1 MiB). */
  private readonly bufferedMultipartLimit: number;
  readonly routes: CompiledRoute[];

  private readonly lifecycle: LifecycleContext;
  /** Background work in flight, awaited by `drain()`. */
  private readonly running = new Set<Promise<void>>();

  constructor(definitions: readonly RouteDefinition[], private readonly options: PipelineOptions) {
    this.bufferedMultipartLimit = Math.min(options.uploads.spoolThreshold, 1024 * 1024);
    this.routes = withDependencyErrors(
      definitions.map((d) => compileRoute(d, { errorFormat: options.errorFormat, hooks: options.hooks })),
      options.container,
      options.logger,
    );
    for (const r of this.routes) this.table.add(r.method, r.path, r.segments, r);
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

  handle(raw: RawRequest, body: BodySource, sink: ResponseSink): void {
    const middleware = this.options.middleware;
    if (middleware === undefined || middleware.length === 0) return this.route(raw, body, sink);
    this.throughMiddleware(middleware, raw, body, sink);
  }

  // Closures live in their own methods: V8 allocates a function's closure context on entry,
  // so a closure anywhere in handle/route/run would cost every request an allocation.
  private throughMiddleware(middleware: readonly Middleware[], raw: RawRequest, body: BodySource, sink: ResponseSink): void {
    const step = (i: number, s: ResponseSink): void => {
      if (i === middleware.length) return this.route(raw, body, s);
      middleware[i]!.handle(raw, s, (next) => step(i + 1, next));
    };
    step(0, sink);
  }

  private route(raw: RawRequest, body: BodySource, sink: ResponseSink): void {
    const method = raw.method;
    const maxHeaderSize = this.options.maxHeaderSize;
    if (maxHeaderSize !== undefined && headerBlockSize(raw) > maxHeaderSize) {
      const error = { error: "Request Header Fields Too Large", message: `Request headers exceed maximum allowed size of ${maxHeaderSize} bytes` };
      return this.sendRaw(sink, 431, error, method === "HEAD", "application/json");
    }
    const match = this.table.find(raw.path);
    if (match === undefined) {
      return this.sendProblem(sink, notFoundProblem(`No route matches ${method} ${raw.path}`), method === "HEAD");
    }
    let route = match.methods[method];
    // HEAD never carries a body, whichever handler answers it.
    let headOnly = method === "HEAD";
    if (route === undefined && method === "HEAD") {
      route = match.methods.GET;
      headOnly = true;
    }
    if (route === undefined) {
      const allowed = allowList(match.methods);
      return this.sendProblem(sink, methodNotAllowedProblem(`Method ${method} is not allowed for ${raw.path}`), method === "HEAD", ["allow", allowed]);
    }
    if (route.readsHeadersLate) raw.detach();
    // A route with no arguments, checks, body or hooks (a health check) reads no Request: none is built.
    const req = route.usesRequest ? new Request(raw, match.params, route.paramNames) : undefined;
    if (route.body !== undefined) {
      const r = route;
      let plan: BodyPlan;
      try {
        plan = planBody(route.body, raw.header("content-type"));
      } catch (err) {
        return this.fail(err, sink, headOnly);
      }
      if (plan.kind === "multipart") return this.receiveMultipart(r, req!, plan, body, sink, headOnly);
      return this.receiveBody(r, req!, plan, body, sink, headOnly);
    }
    this.run(route, req, undefined, sink, headOnly);
  }

  private receiveBody(route: CompiledRoute, req: Request, plan: BodyPlan, body: BodySource, sink: ResponseSink, headOnly: boolean): void {
    // Reading starts now, inside the adapter's synchronous call (uWS requires it).
    body.read(this.options.maxBodySize, new PendingBody(this, route, req, plan, sink, headOnly));
  }

  /** Receives a multipart body as fields and UploadFiles. */
  private receiveMultipart(route: CompiledRoute, req: Request, plan: BodyPlan, body: BodySource, sink: ResponseSink, headOnly: boolean): void {
    // Read now: the adapter's request is only valid during its synchronous call.
    const contentType = req.header("content-type")!;
    const declared = body.contentLength;
    // A body that cannot hold a spooled file is buffered whole and parsed in one pass; busboy takes the rest.
    if (declared !== undefined && declared <= this.bufferedMultipartLimit) {
      body.read(this.options.maxUploadSize, {
        body: (buf) => {
          const fields = parseBufferedMultipart(buf, plan.boundary!, this.options.uploads.limits);
          if (fields !== undefined) this.run(route, req, { plan, buf: EMPTY, fields }, sink, headOnly);
          else this.collectMultipart(route, req, plan, contentType, (c) => c.write(buf), sink, headOnly);
        },
        error: (err) => this.fail(err, sink, headOnly),
      });
      return;
    }
    this.collectMultipart(route, req, plan, contentType, (c) => body.stream((chunk) => c.write(chunk), this.options.maxUploadSize), sink, headOnly);
  }

  /** Streams a multipart body through busboy into fields and (possibly spooled) files; they are removed after the response. */
  private collectMultipart(
    route: CompiledRoute,
    req: Request,
    plan: BodyPlan,
    contentType: string,
    feed: (c: MultipartCollector) => unknown,
    sink: ResponseSink,
    headOnly: boolean,
  ): void {
    const collector = new (multipartCollector())(contentType, this.options.uploads);
    const tracked = withCleanup(sink, () => collector.dispose());
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
        (fields) => this.run(route, req, { plan, buf: EMPTY, fields }, tracked, headOnly),
        (err: unknown) => {
          collector.dispose();
          this.fail(err, tracked, headOnly);
        },
      );
  }

  /** Extracts, validates, calls the handler and writes its result (public for PendingBody, which resumes here). */
  run(route: CompiledRoute, req: Request | undefined, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): void {
    // Undefined only for routes that read no Request (route.usesRequest): none of the steps below that take it run for them.
    if (route.slow) return this.runSlow(route, req!, body, sink, headOnly);
    const n = route.argCount;
    // A handler without parameters shares one empty list (nothing below writes to it when n is 0).
    const args = n === 0 ? NO_ARGS : new Array<unknown>(n);
    // Extraction is synchronous, so one scratch array serves every request; errors are copied out.
    const errors = this.scratch;
    errors.length = 0;
    const extractors = route.extractors;
    for (let i = 0; i < n; i++) {
      const ex = extractors[i];
      if (ex !== undefined) args[i] = ex(req!, errors);
    }
    for (const check of route.segmentChecks) check(req!, errors);
    for (const i of route.requestIndices) args[i] = req;
    if (route.body !== undefined) {
      const bodyErrors: ValidationErrorDetail[] = [];
      try {
        args[route.bodyIndex] = decodeBody(route.body, body!, bodyErrors, route.errorFormat, this.options);
      } catch (err) {
        return this.fail(err, sink, headOnly);
      }
      // Spikard validates the body first and answers its errors alone.
      if (bodyErrors.length > 0) return this.sendValidation(sink, bodyErrors, headOnly);
    }
    if (errors.length > 0) return this.sendValidation(sink, parameterErrors(errors), headOnly);
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

  private runSlow(route: CompiledRoute, req: Request, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): void {
    runLifecycle(this.lifecycle, route, req, body, sink, headOnly).catch((err: unknown) => this.fail(err, sink, headOnly));
  }

  private writeWhenSettled(route: CompiledRoute, result: Promise<unknown>, sink: ResponseSink, headOnly: boolean): void {
    result.then(
      (value) => this.write(route, value, sink, headOnly),
      (err: unknown) => this.fail(err, sink, headOnly),
    );
  }

  private write(route: CompiledRoute, value: unknown, sink: ResponseSink, headOnly: boolean): void {
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
    const r = errorResponse(err, this.options.logger);
    sink.send(r.status, r.headers, r.body, headOnly);
  }

  private sendValidation(sink: ResponseSink, errors: ValidationErrorDetail[], headOnly: boolean): void {
    sink.send(422, VALIDATION_HEADERS, JSON.stringify(validationProblem(errors)), headOnly);
  }

  private sendProblem(sink: ResponseSink, problem: Problem, headOnly: boolean, extraHeaders: string[] = []): void {
    const headers = extraHeaders.length === 0 ? PROBLEM_HEADERS : [...PROBLEM_HEADERS, ...extraHeaders];
    sink.send(problem.status, headers, JSON.stringify(problem), headOnly);
  }

  private sendRaw(sink: ResponseSink, status: number, body: unknown, headOnly: boolean, contentType: string): void {
    sink.send(status, ["content-type", contentType], JSON.stringify(body), headOnly);
  }
}

/** Bytes of the header block as sent: `name: value\r\n` per header. */
function headerBlockSize(raw: RawRequest): number {
  let n = 0;
  for (const [k, v] of Object.entries(raw.headers())) n += k.length + v.length + 4;
  return n;
}

function allowList(methods: Record<string, unknown>): string {
  const list = Object.keys(methods);
  if (list.includes("GET") && !list.includes("HEAD")) list.push("HEAD");
  return list.sort().join(",");
}

/** A route waiting for its buffered body: everything `run` needs once it arrives, in one object. */
class PendingBody implements BodyConsumer {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly route: CompiledRoute,
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
