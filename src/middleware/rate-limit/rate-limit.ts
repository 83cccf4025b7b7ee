import type { AdapterRequest } from "../../adapter/types";
import type { Request } from "../../context";
import { SpikardError } from "../../errors";
import { readOnlyBeforeNext, type Middleware, type Next } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";
import type { AnyResponse } from "../../response";
import { memoryStore } from "./memory-store";
import type { RateLimitDecision, RateLimitStore, TokenBucketRule } from "./store";

export interface RateLimitOptions {
  /** Sustained requests per second (the bucket's refill rate). */
  perSecond: number;
  /** Requests allowed in a burst (the bucket's size). */
  burst: number;
  /** One bucket per client address (default) or one for everyone. */
  ipBased?: boolean;
  /** For the default store: buckets kept at most (least recently used dropped). Default 100 000. */
  maxClients?: number;
  /**
   * Where the buckets live. Default `memoryStore({ maxClients })`: one store
   * for all worker threads of the process. `redisStore({ url })` shares one
   * limit between instances.
   */
  store?: RateLimitStore;
  /**
   * When the store fails (Redis down, or slower than its timeout):
   * - "allow" (default, fail-open): the request goes through unlimited, so an
   *   outage of the limiter's store is not an outage of the API (Envoy's and
   *   Kong's default too);
   * - "deny" (fail-closed): 503 problem details with `Retry-After: 1`, for
   *   limits that guard something (login attempts, an expensive upstream).
   * Either way the failure is logged once, and the recovery once.
   */
  onStoreError?: "allow" | "deny";
}

/** What the app passes besides the options: the client address as ServerConfig's `trustProxy` reads it, and the logger. */
export interface RateLimitContext {
  /** Default: the peer's address. */
  clientAddress?: ((raw: AdapterRequest) => string) | undefined;
  logger?: Pick<Console, "error" | "warn">;
}

/** The options with the store they will use; the app resolves them when it is constructed (see memoryStore). */
export function withStore(options: RateLimitOptions): RateLimitOptions & { store: RateLimitStore } {
  return { ...options, store: options.store ?? memoryStore({ maxClients: options.maxClients }) };
}

/**
 * A token bucket per client (or one for everyone), ahead of authentication.
 * Over the limit: 429 problem details with `Retry-After` (and Spikard's
 * `X-RateLimit-After`) in whole seconds, rounded up, never 0. A synchronous
 * store (the default) keeps the request synchronous; an asynchronous one
 * (Redis) makes the rest of the chain wait for its answer.
 */
export function rateLimit(options: RateLimitOptions, context: RateLimitContext = {}): Middleware {
  const { perSecond, burst } = options;
  if (typeof perSecond !== "number" || !(perSecond > 0) || !Number.isFinite(perSecond) || typeof burst !== "number" || !(burst >= 1) || !Number.isFinite(burst)) {
    throw new SpikardError("INVALID_CONFIG", `rateLimit needs perSecond > 0 and burst >= 1 (finite numbers), got perSecond ${String(perSecond)}, burst ${String(burst)}`);
  }
  const onStoreError = options.onStoreError ?? "allow";
  if (onStoreError !== "allow" && onStoreError !== "deny") throw new SpikardError("INVALID_CONFIG", `rateLimit onStoreError must be "allow" or "deny", got ${JSON.stringify(onStoreError)}`);
  const rule: TokenBucketRule = { perSecond, burst };
  const store = options.store ?? memoryStore({ maxClients: options.maxClients });
  const address = context.clientAddress;
  const keyOf = options.ipBased === false ? () => "*" : address === undefined ? (req: Request) => req.remoteAddress : (req: Request) => address(req.raw);
  const logger = context.logger ?? console;
  let failing = false;

  const decided = (d: RateLimitDecision, next: Next): AnyResponse | Promise<AnyResponse> => {
    if (failing) {
      failing = false;
      logger.warn("spikard: the rate limit store answers again");
    }
    if (d.allowed) return next();
    const wait = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
    return rejection("RATE_LIMITED", [wait], ["retry-after", wait, "x-ratelimit-after", wait]);
  };
  const failed = (err: unknown, next: Next): AnyResponse | Promise<AnyResponse> => {
    if (!failing) {
      failing = true;
      logger.error(`spikard: the rate limit store failed; ${onStoreError === "allow" ? "requests go through unlimited" : "requests are answered 503"} until it answers again`, err);
    }
    return onStoreError === "allow" ? next() : rejection("RATE_LIMIT_STORE_FAILED", [], ["retry-after", "1"]);
  };

  return readOnlyBeforeNext(function rateLimit(req, next) {
    let d: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      d = store.take(keyOf(req), rule);
    } catch (err) {
      return failed(err, next);
    }
    if (typeof (d as Partial<Promise<unknown>>).then !== "function") return decided(d as RateLimitDecision, next);
    return (d as Promise<RateLimitDecision>).then(
      (r) => decided(r, next),
      (err: unknown) => failed(err, next),
    );
  });
}
