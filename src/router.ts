import { SpikardError } from "./errors";
import { joinPaths } from "./routing/path-pattern";
import type { RouteMeta } from "./runtime/meta";
import type { ErrorFormat } from "./validation/error-mapper";
import { tokenFor, type Token } from "./di/container";
import type { Provider } from "./di/provide";
import { emptyHooks, hookEntry, mergeHooks, type ErrorHook, type HookEntry, type HookTable, type RequestHook, type ResponseHook } from "./hooks";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (...args: any[]) => unknown;

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteOptions {
  /** Status of a successful plain (non-`Response`) return; default 200. */
  statusCode?: number;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  operationId?: string;
  /** How 422 errors read for this route; default from ServerConfig.validationErrorFormat. */
  errorFormat?: ErrorFormat;
}

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  handler: Handler;
  options: RouteOptions;
  meta: RouteMeta;
  /** Hooks of the routers this route was included through (app hooks are added when serving). */
  hooks?: HookTable;
  /** Providers of the routers this route was included through, innermost winning. */
  providers?: ReadonlyMap<Token, Provider>;
}

/** What `provide` keys a dependency by: a class, or a name for `Inject<T, "name">`. */
export type DependencyKey = string | (abstract new (...args: any[]) => unknown);

export interface RouterOptions {
  prefix?: string;
  tags?: string[];
}

/**
 * Groups routes under a prefix. Registration methods are matched by the
 * transformer through the `@spikardRoute` tag on their declarations; the last
 * parameter is filled in at compile time.
 */
export class Router {
  readonly prefix: string;
  readonly tags: string[];
  protected readonly definitions: RouteDefinition[] = [];
  /** Lifecycle hooks, scoped to this router's routes (the app's apply to every route). */
  readonly hooks: HookTable = emptyHooks();
  /** Dependencies provided for this router's routes only. */
  protected readonly scopedProviders = new Map<Token, Provider>();

  /**
   * Provides a dependency to this router's routes only (overriding the app's
   * for them), like `app.provide` does for every route.
   * @spikardProvideMethod
   */
  provide(key: DependencyKey, provider: Provider, token?: Token): this {
    this.scopedProviders.set(tokenFor(key, token), provider);
    return this;
  }

  constructor(options: RouterOptions = {}) {
    this.prefix = options.prefix ?? "";
    this.tags = options.tags ?? [];
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

  /** @spikardHook onRequest */
  onRequest(hook: RequestHook, meta?: HookEntry["meta"]): this {
    this.hooks.onRequest.push(hookEntry("onRequest", hook, meta));
    return this;
  }
  /** @spikardHook preValidation */
  preValidation(hook: RequestHook, meta?: HookEntry["meta"]): this {
    this.hooks.preValidation.push(hookEntry("preValidation", hook, meta));
    return this;
  }
  /** @spikardHook preHandler */
  preHandler(hook: RequestHook, meta?: HookEntry["meta"]): this {
    this.hooks.preHandler.push(hookEntry("preHandler", hook, meta));
    return this;
  }
  /** @spikardHook onResponse */
  onResponse(hook: ResponseHook, meta?: HookEntry["meta"]): this {
    this.hooks.onResponse.push(hookEntry("onResponse", hook, meta));
    return this;
  }
  /** @spikardHook onError */
  onError(hook: ErrorHook, meta?: HookEntry["meta"]): this {
    this.hooks.onError.push(hookEntry("onError", hook, meta));
    return this;
  }

  /** Mounts another router's routes (and its prefix and hooks) under this one. */
  includeRouter(router: Router, options: { prefix?: string } = {}): this {
    const prefix = options.prefix ?? "";
    for (const def of router.routeDefinitions()) {
      this.definitions.push({
        ...def,
        path: joinPaths(prefix, def.path),
        options: { ...def.options, tags: mergeTags(router.tags, def.options.tags) },
        hooks: mergeHooks(router.hooks, def.hooks ?? emptyHooks()),
        providers: router.scopedProviders.size === 0 && def.providers === undefined ? undefined : new Map([...router.scopedProviders, ...(def.providers ?? [])]),
      });
    }
    return this;
  }

  /** Routes with this router's prefix applied. */
  routeDefinitions(): RouteDefinition[] {
    return this.definitions.map((d) => ({ ...d, path: joinPaths(this.prefix, d.path) }));
  }

  protected addRoute(method: HttpMethod, path: string, handler: Handler, options: RouteOptions | undefined, meta: RouteMeta | undefined): this {
    if (typeof handler !== "function") throw new SpikardError("INVALID_CONFIG", `Handler for ${method} ${path} must be a function`);
    if (meta === undefined || meta.v !== 1) throw new SpikardError("NOT_TRANSFORMED", `${method} ${path}`);
    this.definitions.push({ method, path, handler, options: options ?? {}, meta });
    return this;
  }
}

function mergeTags(a: string[], b: string[] | undefined): string[] | undefined {
  if (a.length === 0) return b;
  return [...a, ...(b ?? [])];
}
