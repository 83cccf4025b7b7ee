import { SpikardError } from "../../errors";
import { PROBLEM_CONTENT_TYPE, ProblemType } from "../../problem";
import type { RawRequest } from "../../request";
import type { ResponseSink } from "../../pipeline/sink";
import { answer, type Middleware } from "../types";
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
  /** Default: the peer's address (see clientAddressReader). */
  clientAddress?: ((raw: RawRequest) => string) | undefined;
  logger?: Pick<Console, "error" | "warn">;
}

const UNAVAILABLE = JSON.stringify({ type: ProblemType.serviceUnavailable, title: "Service Unavailable", status: 503, detail: "The rate limit store is unavailable" });
const UNAVAILABLE_HEADERS = ["retry-after", "1", "content-type", PROBLEM_CONTENT_TYPE];

const peerAddress = (raw: RawRequest): string => raw.remoteAddress();

/** The options with the store they will use; the app resolves them when it is constructed (see memoryStore). */
export function withStore(options: RateLimitOptions): RateLimitOptions & { store: RateLimitStore } {
  return { ...options, store: options.store ?? memoryStore({ maxClients: options.maxClients }) };
}

/**
 * A token bucket per client (or one for everyone), ahead of authentication.
 * Over the limit: 429 problem details with `Retry-After` (and Spikard's
 * `X-RateLimit-After`) in whole seconds, rounded up, never 0.
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
  const keyOf = options.ipBased === false ? () => "*" : (context.clientAddress ?? peerAddress);
  const logger = context.logger ?? console;
  let failing = false;

  const decided = (d: RateLimitDecision, raw: RawRequest, sink: ResponseSink, next: (sink: ResponseSink) => void): void => {
    if (failing) {
      failing = false;
      logger.warn("spikard: the rate limit store answers again");
    }
    if (d.allowed) return next(sink);
    const wait = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
    const body = JSON.stringify({ type: ProblemType.rateLimitExceeded, title: "Too Many Requests", status: 429, detail: `Too Many Requests! Wait for ${wait}s` });
    answer(sink, raw, 429, ["retry-after", wait, "x-ratelimit-after", wait, "content-type", PROBLEM_CONTENT_TYPE], body);
  };
  const failed = (err: unknown, raw: RawRequest, sink: ResponseSink, next: (sink: ResponseSink) => void): void => {
    if (!failing) {
      failing = true;
      logger.error(`spikard: the rate limit store failed; ${onStoreError === "allow" ? "requests go through unlimited" : "requests are answered 503"} until it answers again`, err);
    }
    if (onStoreError === "allow") next(sink);
    else answer(sink, raw, 503, UNAVAILABLE_HEADERS, UNAVAILABLE);
  };

  return {
    name: "rateLimit",
    handle(raw, sink, next) {
      let d: RateLimitDecision | Promise<RateLimitDecision>;
      try {
        d = store.take(keyOf(raw), rule);
      } catch (err) {
        return failed(err, raw, sink, next);
      }
      if (typeof (d as Partial<Promise<unknown>>).then !== "function") return decided(d as RateLimitDecision, raw, sink, next);
      return (d as Promise<RateLimitDecision>).then(
        (r) => {
          if (!sink.aborted) decided(r, raw, sink, next);
        },
        (err: unknown) => {
          if (!sink.aborted) failed(err, raw, sink, next);
        },
      );
    },
  };
}
