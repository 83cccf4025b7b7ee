import os from "node:os";

import type { AdapterChoice } from "./adapter";
import type { OpenApiConfig } from "./openapi/config";
import type { GrpcServerConfig } from "./grpc/config";
import { resolveMultipartLimits, type MultipartLimits, type ResolvedMultipartLimits } from "./multipart/limits";
import type { ApiKeyOptions, CompressionOptions, CorsOptions, JwtOptions, RateLimitOptions, StaticFilesOptions } from "./middleware";
import type { RateLimitStore } from "./middleware/rate-limit/store";
import type { TrustProxy } from "./client-address";
import type { AdapterRequest as RawRequest } from "./adapter/types";
import type { AsyncApiConfig } from "./asyncapi/config";
import type { Broker } from "./websocket/broker";
import { DEFAULT_LIMITS, type RequestLimits } from "./adapter/request-limits";
import { SpikardError } from "./errors";

/** Server configuration, after the seed's `ServerConfig` (camelCase names). */
export interface ServerConfig {
  /** Default bind address for `serve()`/`run()`; env SPIKARD_HOST overrides. Default "127.0.0.1". */
  host?: string;
  /** Default port; env SPIKARD_PORT (or PORT) overrides. Default 8000. */
  port?: number;
  /**
   * Threads serving the same port (each runs the app module; the kernel spreads
   * connections). Used by `run()`; env SPIKARD_WORKERS overrides. Default 1.
   */
  workers?: number;
  /** Largest accepted non-multipart request body in bytes; `null` accepts any size. Default 1 MiB. */
  maxBodySize?: number | null;
  /** Largest accepted multipart (upload) body in bytes. Default 100 MiB. */
  maxUploadSize?: number;
  /** Uploaded files larger than this stay on disk instead of in memory. Default 1 MiB. */
  uploadSpoolThreshold?: number;
  /** Directory for spooled uploads. Default the OS temp directory. */
  uploadDir?: string;
  /**
   * How much structure one multipart body may have; past any of these it is answered 413 and parsed no further:
   * `{ maxParts: 2000, maxFields: 1000, maxFieldSize: 1 MiB, maxFiles: 1000, maxPartHeaderSize: 8 KiB }` by default.
   */
  multipartLimits?: MultipartLimits;
  /** Largest accepted header block in bytes, every field counted as `name: value\r\n` (431 beyond). Default 16 KiB. */
  maxHeaderSize?: number;
  /** Most header fields a request may have (431 beyond). Default 100. */
  maxHeaderCount?: number;
  /** Longest accepted request target (path and query) in bytes (414 beyond). Default 8 KiB. */
  maxUriLength?: number;
  /** Seconds an idle keep-alive connection stays open (node adapter; uWebSockets.js closes after its fixed 10 s). Default 5. */
  keepAliveTimeout?: number;
  /** Seconds a client has to send a request's header block, 408 and closed beyond (node adapter; uWebSockets.js: its fixed 10 s). Default 10. */
  headersTimeout?: number;
  /** Deepest JSON nesting accepted in request bodies (400 beyond). Default 128, as serde_json. */
  maxJsonDepth?: number;
  /** Seconds `close()`/SIGTERM waits for in-flight requests. Default 10. */
  gracefulShutdownTimeout?: number;
  /** Accept uWebSockets.js's slow pure-JS fallback when its native binary does not load. */
  allowSlowFallback?: boolean;
  /**
   * The HTTP/1.1 server library: "uws" (uWebSockets.js, the default), "node" (node:http) or an Adapter.
   * Env SPIKARD_ADAPTER gives the default when this is not set.
   */
  adapter?: AdapterChoice;
  /**
   * How validation errors read: "pydantic" (Spikard's default: `string_too_short`,
   * `ctx: {min_length}`) or "constraint" (`validation_error` with measured values in ctx).
   */
  validationErrorFormat?: "pydantic" | "constraint";
  /** Where unexpected errors are logged. Default `console`. */
  logger?: Pick<Console, "error" | "warn" | "info">;
  /** OpenAPI document (`/openapi.json`, `/openapi.yaml`) and docs UI (`/docs`). Off unless given. */
  openapi?: OpenApiConfig;
  /** AsyncAPI 3.0 document of the WebSocket and SSE routes (`/asyncapi.json`, `/asyncapi.yaml`). Off unless given. */
  asyncapi?: AsyncApiConfig;
  /** Carries WebSocket topic publishes to the app's other instances: `redisBroker({ url })` from `spikard/websocket`. */
  broker?: Broker;
  /** gzip/brotli for responses the client accepts: `{ gzip, brotli, minSize, quality }`. */
  compression?: CompressionOptions;
  /**
   * Token bucket per client, checked before authentication: `{ perSecond, burst, ipBased, maxClients, store, onStoreError }`;
   * over it, 429. The default store is shared by all worker threads; `redisStore({ url })` by all instances.
   */
  rateLimit?: RateLimitOptions;
  /**
   * Which peers are proxies whose forwarding header names the client (the rate limit's bucket key):
   * a hop count (`1`), addresses/CIDRs (`["10.0.0.0/8"]`, `"loopback"`), or
   * `{ hops | addresses, header: "forwarded" }` to read RFC 7239 `Forwarded` instead of `X-Forwarded-For`.
   * Default: none (the peer's address is the client's).
   */
  trustProxy?: TrustProxy;
  /** Bearer JWT on every request: `{ secret, algorithm, audience, issuer, leeway }`; claims in `req.state.jwt`. */
  jwtAuth?: JwtOptions;
  /** API key in a header (or api_key query parameter) on every request: `{ keys, headerName }`. */
  apiKeyAuth?: ApiKeyOptions;
  cors?: CorsOptions;
  /** Directories served under URL prefixes: `[{ directory, routePrefix, cacheControl, indexFile }]`. */
  staticFiles?: StaticFilesOptions[];
  /** Propagate or generate `X-Request-ID`. Default false. */
  enableRequestId?: boolean;
  /** Seconds before a request is answered 408. */
  requestTimeout?: number;
  /** The gRPC (HTTP/2) listener: `{ port, host, tls, maxReceiveMessageSize, maxSendMessageSize, keepalive }`. */
  grpc?: GrpcServerConfig;
}

export interface ResolvedConfig {
  host: string;
  port: number;
  workers: number;
  maxBodySize: number;
  maxUploadSize: number;
  uploadSpoolThreshold: number;
  uploadDir: string;
  multipartLimits: ResolvedMultipartLimits;
  maxJsonDepth: number;
  /** Header and target sizes and connection timeouts, as every adapter takes them. */
  limits: RequestLimits;
  gracefulShutdownTimeout: number;
  allowSlowFallback: boolean;
  adapter: AdapterChoice;
  validationErrorFormat: "pydantic" | "constraint";
  logger: Pick<Console, "error" | "warn" | "info">;
  openapi: OpenApiConfig | undefined;
  asyncapi: AsyncApiConfig | undefined;
  broker: Broker | undefined;
  compression: CompressionOptions | undefined;
  rateLimit: (RateLimitOptions & { store: RateLimitStore }) | undefined;
  /** The client's address as `trustProxy` reads it; undefined: the peer's. */
  clientAddress: ((raw: RawRequest) => string) | undefined;
  jwtAuth: JwtOptions | undefined;
  apiKeyAuth: ApiKeyOptions | undefined;
  cors: CorsOptions | undefined;
  staticFiles: StaticFilesOptions[] | undefined;
  enableRequestId: boolean;
  requestTimeout: number | undefined;
  grpc: GrpcServerConfig | undefined;
}

export const MIB = 1024 * 1024;

export function resolveConfig(c: ServerConfig): ResolvedConfig {
  const envPort = process.env.SPIKARD_PORT ?? process.env.PORT;
  return {
    host: process.env.SPIKARD_HOST ?? c.host ?? "127.0.0.1",
    port: envPort !== undefined && envPort !== "" ? Number(envPort) : (c.port ?? 8000),
    workers: Math.max(1, Math.floor(Number(process.env.SPIKARD_WORKERS ?? c.workers ?? 1)) || 1),
    maxBodySize: c.maxBodySize === null ? Infinity : (c.maxBodySize ?? MIB),
    maxUploadSize: c.maxUploadSize ?? 100 * MIB,
    uploadSpoolThreshold: c.uploadSpoolThreshold ?? MIB,
    uploadDir: c.uploadDir ?? os.tmpdir(),
    multipartLimits: resolveMultipartLimits(c.multipartLimits),
    maxJsonDepth: c.maxJsonDepth ?? 128,
    limits: resolveLimits(c),
    gracefulShutdownTimeout: c.gracefulShutdownTimeout ?? 10,
    allowSlowFallback: c.allowSlowFallback ?? process.env.SPIKARD_ALLOW_UWS_FALLBACK === "1",
    adapter: c.adapter ?? adapterFromEnv(),
    validationErrorFormat: c.validationErrorFormat ?? "pydantic",
    logger: c.logger ?? console,
    openapi: c.openapi,
    asyncapi: c.asyncapi,
    broker: c.broker,
    compression: c.compression,
    /* eslint-disable @typescript-eslint/no-require-imports */
    // The store is made now, at construction: a memory store must exist before run() starts the workers that share it.
    rateLimit: c.rateLimit && (require("./middleware/rate-limit") as typeof import("./middleware/rate-limit")).withStore(c.rateLimit),
    clientAddress: c.trustProxy === undefined ? undefined : (require("./client-address") as typeof import("./client-address")).clientAddressReader(c.trustProxy),
    /* eslint-enable @typescript-eslint/no-require-imports */
    jwtAuth: c.jwtAuth,
    apiKeyAuth: c.apiKeyAuth,
    cors: c.cors,
    staticFiles: c.staticFiles,
    enableRequestId: c.enableRequestId ?? false,
    requestTimeout: c.requestTimeout,
    grpc: c.grpc,
  };
}

function adapterFromEnv(): AdapterChoice {
  const env = process.env.SPIKARD_ADAPTER;
  if (env === undefined || env === "") return "uws";
  if (env === "uws" || env === "node") return env;
  throw new SpikardError("INVALID_CONFIG", `SPIKARD_ADAPTER must be "uws" or "node", got ${JSON.stringify(env)}`);
}

function resolveLimits(c: ServerConfig): RequestLimits {
  const seconds = (name: "keepAliveTimeout" | "headersTimeout"): number => {
    const v = c[name];
    if (v === undefined) return DEFAULT_LIMITS[name];
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new SpikardError("INVALID_CONFIG", `${name} must be a positive number of seconds, got ${String(v)}`);
    return Math.round(v * 1000);
  };
  const count = (name: "maxHeaderSize" | "maxHeaderCount" | "maxUriLength"): number => {
    const v = c[name];
    if (v === undefined) return DEFAULT_LIMITS[name];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new SpikardError("INVALID_CONFIG", `${name} must be a whole number above 0, got ${String(v)}`);
    return v;
  };
  return Object.freeze({
    maxHeaderSize: count("maxHeaderSize"),
    maxHeaderCount: count("maxHeaderCount"),
    maxUriLength: count("maxUriLength"),
    keepAliveTimeout: seconds("keepAliveTimeout"),
    headersTimeout: seconds("headersTimeout"),
  });
}
