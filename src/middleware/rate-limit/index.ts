import { readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";

export interface RateLimitOptions {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed in a burst (bucket size). */
  burst: number;
  /** One bucket per client address (default) or one for everyone. */
  ipBased?: boolean;
  /** Buckets kept at most (least recently used dropped). Default 100 000. */
  maxClients?: number;
}

/**
 * A token bucket per client (or global). Over the limit: 429 with Spikard's
 * plain-text body and `retry-after`/`x-ratelimit-after` in whole seconds.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new Error("rateLimit needs perSecond > 0 and burst >= 1");
  const rate = options.perSecond / 1000;
  const capacity = options.burst;
  const maxClients = options.maxClients ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return readOnlyBeforeNext(function rateLimit(req, next) {
    const key = options.ipBased === false ? "*" : req.remoteAddress;
    const now = Date.now();
    let b = buckets.get(key);
    if (b === undefined) {
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!);
      b = { tokens: capacity, at: now };
    } else buckets.delete(key);
    buckets.set(key, b);
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return next();
    }
    const wait = String(Math.floor((1 - b.tokens) / rate / 1000));
    return rejection("RATE_LIMITED", [wait], ["retry-after", wait, "x-ratelimit-after", wait]);
  });
}
