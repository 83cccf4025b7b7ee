import { SpikardError } from "./errors";
import { HTTP_METHODS, type Handler, type HttpMethod, type RouteDefaults, type RouteDefinition, type RouteOptions } from "./route-definition";
import { joinPaths } from "./routing/path-pattern";
import type { RouteMeta } from "./runtime/meta";
import { generatedChannelMeta, generatedRouteMeta } from "./runtime/generated";
import type { ErrorFormat } from "./validation/error-mapper";
import { tokenFor, type Token } from "./di/token";
import type { Provider } from "./di/provide";
import { emptyHooks, hookEntry, mergeHooks, type ErrorHook, type HookEntry, type HookTable, type Middleware, type RequestHook, type ResponseHook } from "./hooks";
import type { SseMeta, WebSocketMeta } from "./runtime/meta";
import type { SseRouteOptions } from "./sse/route";
import type { WebSocketRouteOptions } from "./websocket/options";
import type { WebSocketRoute } from "./websocket/types";

export { HTTP_METHODS, unbound, type ChannelLimits, type ChannelRoute, type ChannelRuntime, type Handler, type HttpMethod, type RouteDefaults, type RouteDefinition, type RouteOptions, type RawHandler } from "./route-definition";

/** What `provide` keys a dependency by: a class, or a name for `Inject<T, "name">`. */
export type DependencyKey = string | (abstract new (...args: any[]) => unknown);

export interface RouterOptions extends RouteDefaults {
  prefix?: string;
}

/**
 * Groups routes under a prefix. Registration methods are matched by the
 * transformer through the `@spikardRoute` tag on their declarations; the last
 * parameter is filled in at compile time.
 * @spikardRouter
 */
export class Router {
  readonly prefix: string;
  readonly tags: string[];
  /** Options every route of this router starts from. */
  protected readonly defaults: RouteDefaults;
  protected readonly definitions: RouteDefinition[] = [];
  /** Lifecycle hooks, scoped to this router's routes (the app's apply to every route). */
  readonly hooks: HookTable = emptyHooks();
  /** Dependencies provided for this router's routes only. */
  protected readonly scopedProviders = new Map<Token, Provider>();
  /** `use()` middleware, for this router's routes only (the app's apply to every request). */
  protected readonly middlewares: Middleware[] = [];
  /** Why registrations are over (included into another router, or the app started serving). */
  private sealedBecause: string | undefined;

  constructor(options: RouterOptions = {}) {
    const { prefix, ...defaults } = options;
    this.prefix = prefix ?? "";
    this.tags = options.tags ?? [];
    this.defaults = defaults;
  }

  /**
   * Provides a dependency to this router's routes only (overriding the app's
   * for them), like `app.provide` does for every route.
   * @spikardProvideMethod
   */
  provide(key: DependencyKey, provider: Provider, token?: Token): this {
    this.assertOpen("a provider");
    this.scopedProviders.set(tokenFor(key, token), provider);
    return this;
  }

  /**
   * Adds middleware around this router's routes: `mw(request, next)` may
   * await before and after `next()` and returns its response or a new one.
   */
  use(...middleware: Middleware[]): this {
    this.assertOpen("middleware");
    for (const mw of middleware) {
      if (typeof mw !== "function") throw new SpikardError("INVALID_CONFIG", `use() takes middleware functions (request, next) => response, got ${typeof mw}`);
      this.middlewares.push(mw);
    }
    return this;
  }

  /** Ends registration: what is registered later would be silently missed, so it throws instead. */
  protected seal(because: string): void {
    this.sealedBecause ??= because;
  }

  protected assertOpen(what: string): void {
    if (this.sealedBecause !== undefined) throw new SpikardError("REGISTERED_TOO_LATE", what, this.sealedBecause);
  }

  /** @spikardRoute GET */
  get<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("GET", path, handler, options, meta);
  }
  /** @spikardRoute POST */
  post<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("POST", path, handler, options, meta);
  }
  /** @spikardRoute PUT */
  put<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("PUT", path, handler, options, meta);
  }
  /** @spikardRoute PATCH */
  patch<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("PATCH", path, handler, options, meta);
  }
  /** @spikardRoute DELETE */
  delete<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("DELETE", path, handler, options, meta);
  }
  /** @spikardRoute HEAD */
  head<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("HEAD", path, handler, options, meta);
  }
  /** @spikardRoute OPTIONS */
  options<H extends Handler>(path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute("OPTIONS", path, handler, options, meta);
  }
  /** @spikardRoute */
  route<H extends Handler>(method: HttpMethod, path: string, handler: H, options?: RouteOptions, meta?: RouteMeta): this {
    return this.addRoute(method, path, handler, options, meta);
  }

  /**
   * A WebSocket route: the seed's form `(message: In): Out | undefined` (the
   * return value is sent), or `{ open, message, close, drain }` with the
   * socket first. Handshake parameters (`Path`, `Query`, `Header`, `Cookie`,
   * dependencies) are validated before the upgrade; each message is parsed,
   * validated against the message parameter's type and handed over; sends
   * are checked against `WebSocket<Out>` and serialized by generated code.
   * @spikardWebSocket
   */
  websocket<Out = unknown, State extends object = Record<string, any>>(path: string, handler: WebSocketRoute<Out, State>, options?: WebSocketRouteOptions, meta?: WebSocketMeta): this {
    this.assertOpen(`websocket ${path}`);
    if (meta !== undefined && meta.v !== 1) throw new SpikardError("NOT_TRANSFORMED", `websocket ${path}`);
    const compiled = meta ?? generatedChannelMeta("websocket", joinPaths(this.prefix, path), options?.operationId);
    const { websocketDefinition } = require("./websocket/route") as typeof import("./websocket/route");
    this.definitions.push(websocketDefinition(path, handler, withDefaults(this.defaults, options ?? {}) as WebSocketRouteOptions, compiled));
    return this;
  }

  /**
   * A Server-Sent Events route: the handler returns an (async) generator and
   * each yielded value is one event (`new SseEvent({ data, event, id, retry })`
   * for more than data), its data checked and serialized by generated code.
   * @spikardSse
   */
  sse<H extends Handler>(path: string, handler: H, options?: SseRouteOptions, meta?: SseMeta): this {
    this.assertOpen(`sse ${path}`);
    if (meta !== undefined && meta.v !== 1) throw new SpikardError("NOT_TRANSFORMED", `sse ${path}`);
    const compiled = meta ?? generatedChannelMeta("sse", joinPaths(this.prefix, path), options?.operationId);
    const { sseDefinition } = require("./sse/route") as typeof import("./sse/route");
    this.definitions.push(sseDefinition(path, handler, withDefaults(this.defaults, options ?? {}) as SseRouteOptions, compiled));
    return this;
  }

  /** @spikardHook onRequest */
  onRequest(hook: RequestHook, meta?: HookEntry["meta"]): this {
    this.assertOpen("an onRequest hook");
    this.hooks.onRequest.push(hookEntry("onRequest", hook, meta));
    return this;
  }
  /** @spikardHook preValidation */
  preValidation(hook: RequestHook, meta?: HookEntry["meta"]): this {
    this.assertOpen("an preValidation hook");
    this.hooks.preValidation.push(hookEntry("preValidation", hook, meta));
    return this;
  }
  /** @spikardHook preHandler */
  preHandler(hook: RequestHook, meta?: HookEntry["meta"]): this {
    this.assertOpen("an preHandler hook");
    this.hooks.preHandler.push(hookEntry("preHandler", hook, meta));
    return this;
  }
  /** @spikardHook onResponse */
  onResponse(hook: ResponseHook, meta?: HookEntry["meta"]): this {
    this.assertOpen("an onResponse hook");
    this.hooks.onResponse.push(hookEntry("onResponse", hook, meta));
    return this;
  }
  /** @spikardHook onError */
  onError(hook: ErrorHook, meta?: HookEntry["meta"]): this {
    this.assertOpen("an onError hook");
    this.hooks.onError.push(hookEntry("onError", hook, meta));
    return this;
  }

  /**
   * Mounts another router's routes (with its prefix, hooks, providers and
   * middleware) under this one. The included router is copied now: anything
   * registered on it later throws REGISTERED_TOO_LATE rather than being missed.
   */
  includeRouter(router: Router, options: { prefix?: string } = {}): this {
    this.assertOpen("a router");
    const prefix = options.prefix ?? "";
    router.seal(`its router was included with includeRouter() (register a router's routes, hooks, providers and middleware before including it)`);
    for (const def of router.routeDefinitions()) {
      this.definitions.push({
        ...def,
        path: joinPaths(prefix, def.path),
        hooks: mergeHooks(router.hooks, def.hooks ?? emptyHooks()),
        providers: router.scopedProviders.size === 0 && def.providers === undefined ? undefined : new Map([...router.scopedProviders, ...(def.providers ?? [])]),
        middleware: router.middlewares.length === 0 ? def.middleware : [...router.middlewares, ...(def.middleware ?? [])],
      });
    }
    return this;
  }

  /** Routes with this router's prefix applied. */
  routeDefinitions(): RouteDefinition[] {
    return this.definitions.map((d) => ({ ...d, path: joinPaths(this.prefix, d.path) }));
  }

  protected addRoute(method: HttpMethod, path: string, handler: Handler, options: RouteOptions | undefined, meta: RouteMeta | undefined): this {
    this.assertOpen(`route ${method} ${path}`);
    if (typeof handler !== "function") throw new SpikardError("INVALID_CONFIG", `Handler for ${method} ${path} must be a function`);
    // Without inline metadata (no transformer), from the modules `spikard gen` wrote, by method, path and operationId.
    const compiled = meta ?? generatedRouteMeta(method, joinPaths(this.prefix, path), options?.operationId);
    if (compiled.v !== 1) throw new SpikardError("NOT_TRANSFORMED", `${method} ${path}`);
    this.definitions.push({ method, path, handler, options: withDefaults(this.defaults, options ?? {}), meta: compiled });
    return this;
  }
}

/** A route's options over its router's defaults: its own values win, tags and skip lists add up, middleware nest (router's outside). */
export function withDefaults(defaults: RouteDefaults, own: RouteOptions): RouteOptions {
  const out: RouteOptions = { ...defaults, ...own };
  if (defaults.tags?.length) out.tags = [...defaults.tags, ...(own.tags ?? [])];
  if (defaults.skip?.length) out.skip = [...new Set([...defaults.skip, ...(own.skip ?? [])])];
  if (defaults.middleware?.length) out.middleware = [...defaults.middleware, ...(own.middleware ?? [])];
  return out;
}
