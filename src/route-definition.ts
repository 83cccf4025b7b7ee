import { SpikardError } from "./errors";
import type { Provider } from "./di/provide";
import type { Token } from "./di/token";
import type { HookTable, Middleware } from "./hooks";
import type { RouteMeta } from "./runtime/meta";
import type { ErrorFormat } from "./validation/error-mapper";

// What a registered route is, as the pipeline, the documents and the channel routes read it
// (router.ts registers them; this module depends on none of their code).

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
  /**
   * Middleware left out for this route, by name: ServerConfig's (`"jwtAuth"`,
   * `"apiKeyAuth"`, `"rateLimit"`, `"cors"`, `"compression"`, `"timeout"`,
   * `"requestId"`, `"staticFiles"`) or a `use()` middleware's function name.
   */
  skip?: string[];
  /** Middleware for this route only, inside the app's and its routers'. */
  middleware?: Middleware[];
  /** Largest accepted request body for this route in bytes (413 beyond); default ServerConfig.maxBodySize (maxUploadSize for multipart). */
  bodyLimit?: number;
  /** Seconds before this route answers 408; overrides ServerConfig.requestTimeout. */
  timeout?: number;
}

/** Route options a router can set for all of its routes (a route's own win; tags and skip add up). */
export type RouteDefaults = Pick<RouteOptions, "tags" | "skip" | "middleware" | "bodyLimit" | "timeout" | "deprecated" | "errorFormat">;

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
  /** `use()` middleware of the routers this route was included through, outermost first (the app's are added when serving). */
  middleware?: readonly Middleware[];
  /** A WebSocket or SSE route (`app.websocket`, `app.sse`): its handler is made when the app binds it. */
  channel?: ChannelRoute;
}

/**
 * What a WebSocket or SSE route's handler needs of its app: its topics (`hub`, the
 * app's TopicHub, typed in websocket/plan.ts's SocketRuntime; opaque here so that
 * route definitions, which the pipeline reads, do not depend on the WebSocket code),
 * logging and JSON limits.
 */
export interface ChannelRuntime {
  readonly hub: unknown;
  readonly logger: Pick<Console, "error" | "warn">;
  readonly errorFormat: ErrorFormat;
  readonly maxJsonDepth: number;
}

/** What the adapter must allow for a WebSocket route's connections (it is given the largest of every route's). */
export interface ChannelLimits {
  maxPayloadLength: number;
  backpressureLimit: number;
  compression: boolean;
}

/** A WebSocket or SSE route as the app binds and documents it. */
export interface ChannelRoute {
  kind: "websocket" | "sse";
  /** JSON text of its AsyncAPI fragment (see src/asyncapi/document.ts). */
  asyncapi?: string;
  /** A WebSocket route's connection limits (the adapter is given the largest of every route's). */
  limits?: ChannelLimits;
  /** The handler serving the route, made once the app's runtime exists; `path` has every prefix applied. */
  bind(runtime: ChannelRuntime, path: string): Handler;
}

/** The handler a channel route has until its app binds it. */
export function unbound(path: string): Handler {
  return () => {
    throw new SpikardError("INVALID_CONFIG", `${path} is served by its app (its handler is bound when the app starts)`);
  };
}

