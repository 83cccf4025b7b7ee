import { resolveAdapter } from "./adapter";
import { assertPortFree } from "./adapter/port-probe";
import type { ExchangeHandler } from "./adapter/types";
import { resolveConfig, type ResolvedConfig, type ServerConfig } from "./config";
import { Pipeline } from "./pipeline/pipeline";
import { buildOpenApiDocument } from "./openapi/document";
import { openApiRoutes } from "./openapi/routes";
import { writeOpenApiFile } from "./openapi/write";
import { Router, type DependencyKey, type RouteDefinition } from "./router";
import { Container } from "./di/container";
import { tokenFor, type Token } from "./di/token";
import { spawnWorkers, workerRole } from "./workers";
import type { Middleware } from "./hooks";
import type { Provider } from "./di/provide";
import { SpikardError } from "./errors";
import type { SocketRuntime } from "./websocket/plan";
import type { PublishMeta } from "./runtime/meta";
import { generatedPublishMeta } from "./runtime/generated";
import type { SocketLimits } from "./adapter/types";
import type { TopicHub } from "./websocket/topics";
import { sharedMemory } from "./shared-memory";
import type { GrpcRegistry, GrpcServiceOptions } from "./grpc/registry";
import type { GrpcHandler } from "./grpc/handler";
import type { GrpcHooks } from "./grpc/hooks";
import type { GrpcServing } from "./grpc/serve";
import type { ServiceDefinition, ServiceImplementation } from "./grpc/typed";
import type { GrpcServiceMeta } from "./runtime/meta";
import type { Service as ProtobufService } from "protobufjs";


/** `app.dependencyOverrides.set(DatabasePool, Provide(fakePool))`: replaces providers (for tests). */
export class DependencyOverrides {
  constructor(
    private readonly container: Container,
    private readonly changed: () => void,
  ) {}
  set(key: DependencyKey, provider: Provider): this {
    this.container.overrides.set(key, provider);
    this.changed();
    return this;
  }
  delete(key: DependencyKey): boolean {
    const had = this.container.overrides.delete(key);
    this.changed();
    return had;
  }
  clear(): void {
    this.container.overrides.clear();
    this.changed();
  }
}

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Port of the gRPC (HTTP/2) listener; 0 picks a free one. Default `grpc.port` of the config. */
  grpcPort?: number;
}

/** A running server. */
export interface Server {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  /** The gRPC listener's port, when the app has gRPC services or `grpc` config. */
  readonly grpcPort?: number;
  /** Stops accepting connections and waits for in-flight requests (graceful). */
  close(): Promise<void>;
}

/**
 * The application: a router plus configuration and a server.
 * @spikardApp
 */
export class Spikard extends Router {
  readonly config: ResolvedConfig;
  private pipelineCache: Pipeline | undefined;
  private handlerCache: ExchangeHandler | undefined;
  private readonly container = new Container();
  /** Replace providers without touching the app's registrations. */
  readonly dependencyOverrides = new DependencyOverrides(this.container, () => (this.pipelineCache = undefined));

  /** Tells this app's instances apart on a broker; shared by its worker threads. */
  private readonly origin: string;
  private runtimeCache: SocketRuntime | undefined;
  private hub: TopicHub | undefined;

  constructor(config: ServerConfig = {}) {
    super();
    this.config = resolveConfig(config);
    this.origin = instanceOrigin(this.config.workers);
  }

  /**
   * Registers how to build a dependency: `app.provide(DatabasePool, Provide(createPool, { singleton: true }))`
   * or `app.provide("settings", Provide.value(settings))`. The transformer fills `token` for classes.
   * @spikardProvideMethod
   */
  override provide(key: DependencyKey, provider: Provider, token?: Token): this {
    this.assertOpen("a provider");
    this.container.provide(tokenFor(key, token), provider);
    return this;
  }

  private grpcServices: GrpcRegistry | undefined;
  private grpcHookSet: GrpcHooks | undefined;
  /** Why registrations are over, once the app started (gRPC hooks made after that are sealed at once). */
  private startedBecause: string | undefined;

  /**
   * Registers a gRPC service, served on the HTTP/2 listener (`grpc` config) and as gRPC-Web on the
   * HTTP port: `app.grpc(root.lookupService("x.v1.S"), new SHandler())` with a low-level
   * `GrpcHandler`, or `app.grpc(S, { method(req, ctx) {...} })` with a definition from
   * `spikard generate proto`. Methods may take injected dependencies after `(request, ctx)`;
   * `options.hooks` (a `GrpcHooks`) run around this service's calls, after `app.grpcHooks`.
   * The transformer fills `meta`.
   * @spikardGrpc
   */
  grpc<S extends ServiceDefinition>(service: S, implementation: ServiceImplementation<S>, options?: GrpcServiceOptions, meta?: GrpcServiceMeta): this;
  /** @spikardGrpc */
  grpc(service: ProtobufService | ServiceDefinition, handler: GrpcHandler, options?: GrpcServiceOptions, meta?: GrpcServiceMeta): this;
  grpc(service: ProtobufService | ServiceDefinition, handler: GrpcHandler | Record<string, unknown>, options?: GrpcServiceOptions, meta?: GrpcServiceMeta): this {
    this.assertOpen("a gRPC service");
    // Loaded on first use: protobufjs and the gRPC modules cost start-up time an HTTP-only app should not pay.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.grpcServices ??= new (require("./grpc/registry") as typeof import("./grpc/registry")).GrpcRegistry();
    this.grpcServices.add(service, handler, options, meta);
    return this;
  }

  /**
   * Hooks around every call of the app's gRPC services, on HTTP/2 and gRPC-Web alike (HTTP hooks
   * do not run on calls): `app.grpcHooks.onRequest((call) => ...)`, `.preHandler`, `.onResponse`, `.onError`.
   */
  get grpcHooks(): GrpcHooks {
    if (this.grpcHookSet === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.grpcHookSet = new (require("./grpc/hooks") as typeof import("./grpc/hooks")).GrpcHooks();
      if (this.startedBecause !== undefined) this.grpcHookSet.seal(this.startedBecause);
    }
    return this.grpcHookSet;
  }

  /** The HTTP/2 listener beside the HTTP/1.1 one, when the app has gRPC services or `grpc` config. */
  private startGrpc(host: string, port: number | undefined): Promise<GrpcServing> | undefined {
    if (this.grpcServices === undefined && this.config.grpc === undefined) return undefined;
    // Worker threads cannot share an HTTP/2 port: with `workers` > 1 the main thread alone serves gRPC.
    if (workerRole() !== undefined) return undefined;
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { serveGrpc } = require("./grpc/serve") as typeof import("./grpc/serve");
    const { GrpcRegistry } = require("./grpc/registry") as typeof import("./grpc/registry");
    /* eslint-enable @typescript-eslint/no-require-imports */
    return serveGrpc(this.grpcServices ?? new GrpcRegistry(), this.config.grpc ?? {}, { host, port, logger: this.config.logger });
  }

  /** Every registered route, prefixes applied. */
  get routes(): RouteDefinition[] {
    return this.routeDefinitions();
  }

  /** The OpenAPI 3.1 document for the registered routes (from the fragments the transformer computed); WebSocket routes are in `asyncapi()`. */
  openapi(): Record<string, unknown> {
    return buildOpenApiDocument(
      this.routeDefinitions().filter((d) => d.channel?.kind !== "websocket"),
      this.config,
    );
  }

  /** The AsyncAPI 3.0 document for the WebSocket and SSE routes (from the fragments the transformer computed). */
  asyncapi(): Record<string, unknown> {
    const { buildAsyncApiDocument } = require("./asyncapi/document") as typeof import("./asyncapi/document");
    return buildAsyncApiDocument(this.routeDefinitions(), this.config.asyncapi ?? {});
  }

  /**
   * Sends `message` to every WebSocket subscribed to `topic`: on this thread,
   * the app's other worker threads and, with a `broker`, its other instances.
   * The message is checked against its static type and serialized by
   * generated code, as a WebSocket send is; false (and logged) when it does not match.
   * @spikardPublish
   */
  publish<T>(topic: string, message: T, meta?: PublishMeta): boolean {
    if (meta !== undefined && meta.v !== 1) throw new SpikardError("NOT_TRANSFORMED", `publish to "${topic}"`);
    if (typeof topic !== "string" || topic.length === 0) throw new SpikardError("WEBSOCKET", `a topic is a non-empty string, got ${JSON.stringify(topic)}`);
    const compiled = meta ?? generatedPublishMeta(topic);
    const { encodeOutgoing } = require("./pipeline/outgoing") as typeof import("./pipeline/outgoing");
    const encoded = encodeOutgoing(compiled.message, message);
    if (typeof encoded === "string") {
      this.config.logger.error(`spikard: a publish to "${topic}" does not match its declared type (${encoded}); not sent`);
      return false;
    }
    this.channelRuntime().hub.publish(topic, encoded, undefined);
    return true;
  }

  /** What WebSocket and SSE routes need of the app; the topic hub is made on first use. */
  private channelRuntime(): SocketRuntime {
    if (this.runtimeCache !== undefined) return this.runtimeCache;
    const app = this;
    return (this.runtimeCache = {
      get hub(): TopicHub {
        const { TopicHub } = require("./websocket/topics") as typeof import("./websocket/topics");
        return (app.hub ??= new TopicHub({ origin: app.origin, threads: app.config.workers > 1, broker: app.config.broker, logger: app.config.logger }));
      },
      logger: this.config.logger,
      errorFormat: this.config.validationErrorFormat,
      maxJsonDepth: this.config.maxJsonDepth,
    });
  }

  /**
   * Middleware around every request, unknown routes included, after
   * ServerConfig's (`cors`, `jwtAuth`, ...): `mw(request, next)` may await
   * before and after `next()` and returns its response or a replacement.
   */
  override use(...middleware: Middleware[]): this {
    return super.use(...middleware);
  }

  /**
   * The compiled request pipeline, built on first use: the first request or
   * `serve()`. From then on registrations throw REGISTERED_TOO_LATE.
   */
  pipeline(): Pipeline {
    if (this.pipelineCache !== undefined) return this.pipelineCache;
    const because = "the app already started serving (serve(), run() or a TestClient request)";
    this.seal(because);
    this.startedBecause = because;
    this.grpcHookSet?.seal(because);
    const runtime = this.channelRuntime();
    // WebSocket and SSE routes get their handlers now: they need the app's topics and logger.
    const routes = this.routeDefinitions().map((d) => (d.channel === undefined ? d : { ...d, handler: d.channel.bind(runtime, d.path) }));
    const openapi = this.config.openapi;
    if (openapi !== undefined && openapi.enabled !== false) routes.push(...openApiRoutes(() => this.openapi(), openapi));
    /* eslint-disable @typescript-eslint/no-require-imports */
    const asyncapi = this.config.asyncapi;
    if (asyncapi !== undefined && asyncapi.enabled !== false) {
      const { asyncApiRoutes } = require("./asyncapi/routes") as typeof import("./asyncapi/routes");
      routes.push(...asyncApiRoutes(() => this.asyncapi(), asyncapi));
    }
    const grpc = this.grpcServices;
    const web = this.config.grpc?.web ?? true;
    if (grpc !== undefined && web !== false) {
      const { grpcWebRoutes } = require("./grpc/web-routes") as typeof import("./grpc/web-routes");
      const { dispatchOptions } = require("./grpc/serve") as typeof import("./grpc/serve");
      routes.push(...grpcWebRoutes(grpc, dispatchOptions(this.config.grpc ?? {}, this.config.logger), web === true ? [] : web.skip));
    }
    const built = configuredMiddleware(this.config, grpc !== undefined && web !== false ? (path) => grpc.lookup(path) !== undefined : undefined);
    const pipeline = new Pipeline(routes, {
      maxBodySize: this.config.maxBodySize,
      maxUploadSize: this.config.maxUploadSize,
      uploads: { spoolThreshold: this.config.uploadSpoolThreshold, dir: this.config.uploadDir, limits: this.config.multipartLimits },
      maxJsonDepth: this.config.maxJsonDepth,
      errorFormat: this.config.validationErrorFormat,
      logger: this.config.logger,
      container: this.container,
      hooks: this.hooks,
      middleware: [...built.chain, ...this.middlewares],
      timeout: built.timeout,
    });
    // Calls share the routes' lifecycle: one container (singletons), one drain for cleanups and tasks.
    if (grpc !== undefined) {
      const { CALL_MIDDLEWARE } = require("./grpc/call-guard") as typeof import("./grpc/call-guard");
      const guards = built.chain.filter((m) => CALL_MIDDLEWARE.includes(m.name));
      grpc.compile(this.grpcHooks, { ctx: pipeline.lifecycle, format: this.config.validationErrorFormat, guards }, because);
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
    return (this.pipelineCache = pipeline);
  }

  /** What adapters call per request (the in-memory one included); always the current pipeline. */
  handler(): ExchangeHandler {
    return (this.handlerCache ??= (ex) => (this.pipelineCache ?? this.pipeline()).handle(ex));
  }

  /** Starts serving; resolves once listening. Port 0 picks a free port. */
  serve(options: ServeOptions = {}): Promise<Server> {
    return this.listen(options, false);
  }

  /** `sharedPort`: the port is this app's own, shared with its worker threads (run() checked it is free). */
  private async listen(options: ServeOptions, sharedPort: boolean): Promise<Server> {
    const exportTo = process.env.SPIKARD_OPENAPI_OUT;
    const asyncApiTo = process.env.SPIKARD_ASYNCAPI_OUT;
    if (exportTo || asyncApiTo) {
      // `spikard openapi` / `spikard asyncapi` / `spikard client`: write the documents asked for instead of listening.
      if (exportTo) writeOpenApiFile(exportTo, this.openapi());
      if (asyncApiTo) writeOpenApiFile(asyncApiTo, this.asyncapi());
      process.exit(0);
    }
    const host = options.host ?? this.config.host;
    const pipeline = this.pipeline();
    const server = await resolveAdapter(this.config.adapter).listen(this.handler(), {
      host,
      port: options.port ?? this.config.port,
      allowSlowFallback: this.config.allowSlowFallback,
      websocket: socketLimits(pipeline),
      limits: this.config.limits,
      sharedPort,
    });
    const timeout = this.config.gracefulShutdownTimeout * 1000;
    const grpc = await this.startGrpc(host, options.grpcPort)?.catch(async (err: unknown) => {
      await server.close(0);
      throw err;
    });
    return {
      host,
      port: server.port,
      url: `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`,
      grpcPort: grpc?.port,
      close: async () => {
        const started = Date.now();
        await Promise.all([server.close(timeout), grpc?.close(timeout)]);
        await pipeline.drain(Math.max(0, timeout - (Date.now() - started)));
        await this.container.close((msg, err) => this.config.logger.error(msg, err));
        // Sockets closed with the listener; what carries publishes between threads and instances goes last.
        const hub = this.hub;
        this.hub = undefined;
        await hub?.close();
      },
    };
  }

  /**
   * Serves until SIGTERM/SIGINT, then drains in-flight requests and exits.
   * With `workers` > 1 the app module runs in that many threads on the same
   * port. Failures to start are logged and exit with status 1.
   */
  run(options: ServeOptions = {}): void {
    const worker = workerRole();
    const port = options.port ?? this.config.port;
    let workers = worker === undefined ? this.config.workers : 1;
    if (workers > 1 && port === 0) this.config.logger.warn("spikard: workers need a fixed port; serving on one thread");
    const adapter = resolveAdapter(this.config.adapter);
    if (workers > 1 && port !== 0 && !adapter.portSharing) {
      this.config.logger.warn(`spikard: the ${adapter.name} adapter cannot share a port between threads on Node ${process.versions.node} (no SO_REUSEPORT); serving on one thread`);
      workers = 1;
    }
    const exporting = process.env.SPIKARD_OPENAPI_OUT !== undefined || process.env.SPIKARD_ASYNCAPI_OUT !== undefined;
    const threaded = workers > 1 && port !== 0 && !exporting;
    let extra: ReturnType<typeof spawnWorkers> | undefined;
    const start = async (): Promise<Server> => {
      // Threads share the port on purpose; anything else already on it must stop the start, so the main thread
      // checks once before any thread listens.
      if (threaded) await assertPortFree(options.host ?? this.config.host, port);
      extra = threaded ? spawnWorkers(workers - 1, this.config.logger) : undefined;
      return this.listen({ ...options, port }, worker !== undefined || threaded);
    };
    start().then(
      async (server) => {
        if (worker !== undefined) {
          worker.onClose(() => server.close());
          worker.ready(server.url);
          return;
        }
        // "listening" means every thread is.
        try {
          await extra?.ready;
        } catch (err) {
          this.config.logger.error(err instanceof Error ? err.message : err);
          process.exit(1);
        }
        this.config.logger.info(`spikard: listening on ${server.url}${extra ? ` (${workers} threads)` : ""}`);
        const stop = (): void => {
          void Promise.all([server.close(), extra?.close()]).then(() => process.exit(0));
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      },
      (err: unknown) => {
        this.config.logger.error(err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
  }
}

/** The largest limits any WebSocket route sets (each route checks its own below them); undefined without WebSocket routes. */
function socketLimits(pipeline: Pipeline): SocketLimits | undefined {
  let out: SocketLimits | undefined;
  for (const r of pipeline.routes) {
    const l = r.definition.channel?.limits;
    if (l === undefined) continue;
    out ??= { maxPayloadLength: 0, maxBackpressure: 0, compression: false };
    out.maxPayloadLength = Math.max(out.maxPayloadLength, l.maxPayloadLength);
    out.maxBackpressure = Math.max(out.maxBackpressure, l.backpressureLimit);
    out.compression ||= l.compression;
  }
  return out;
}

/**
 * 16 random bytes as hex: with `workers` > 1 in memory the main thread makes at module load and every worker
 * inherits (shared-memory.ts), so all threads of one instance share it. Not secret, only unique.
 */
function instanceOrigin(workers: number): string {
  const segment = workers > 1 ? sharedMemory("spikard:origin", 16) : undefined;
  const bytes = new Uint8Array(segment?.buffer ?? new ArrayBuffer(16));
  if (segment === undefined || !segment.inherited) for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Buffer.from(bytes).toString("hex");
}

/**
 * ServerConfig's middleware, outermost first (BUILTIN_ORDER): request ids see
 * every request, CORS preflights and static files need no credentials, then
 * the timeout, rate limiting (before authentication, so guessing credentials
 * is limited too), authentication and compression wrap the routes.
 */
function configuredMiddleware(c: ResolvedConfig, grpcWebPath?: (path: string) => boolean): { chain: Middleware[]; timeout: (seconds: number) => Middleware } {
  const m: Middleware[] = [];
  // Each module is loaded only when configured: together they (and node:zlib, node:crypto) cost
  // ~10 ms of start-up that an app without them would pay for nothing.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const timeoutModule = (): typeof import("./middleware/timeout") => require("./middleware/timeout") as typeof import("./middleware/timeout");
  if (c.enableRequestId) m.push((require("./middleware/request-id") as typeof import("./middleware/request-id")).requestId());
  if (c.cors) {
    // With gRPC-Web served, a gRPC method's path allows its protocol headers on top of the configured ones.
    if (grpcWebPath !== undefined) m.push((require("./grpc/web-cors") as typeof import("./grpc/web-cors")).grpcWebCors(c.cors, grpcWebPath));
    else m.push((require("./middleware/cors") as typeof import("./middleware/cors")).cors(c.cors));
  }
  if (c.staticFiles?.length) m.push((require("./middleware/static") as typeof import("./middleware/static")).staticFiles(c.staticFiles));
  if (c.requestTimeout !== undefined) m.push(timeoutModule().timeout({ seconds: c.requestTimeout }));
  if (c.rateLimit) m.push((require("./middleware/rate-limit") as typeof import("./middleware/rate-limit")).rateLimit(c.rateLimit, { clientAddress: c.clientAddress, logger: c.logger }));
  if (c.apiKeyAuth) m.push((require("./middleware/api-key") as typeof import("./middleware/api-key")).apiKeyAuth(c.apiKeyAuth));
  if (c.jwtAuth) m.push((require("./middleware/jwt") as typeof import("./middleware/jwt")).jwtAuth(c.jwtAuth));
  if (c.compression) m.push((require("./middleware/compression") as typeof import("./middleware/compression")).compression(c.compression));
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { chain: m, timeout: (seconds) => timeoutModule().timeout({ seconds }) };
}
