/** How fast a bucket refills and how much it holds. */
export interface TokenBucketRule {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: requests allowed at once after a quiet spell. */
  burst: number;
}

/** What a store answers for one request. */
export interface RateLimitDecision {
  /** A token was taken: the request may proceed. */
  allowed: boolean;
  /** Whole tokens left in the bucket after this request. */
  remaining: number;
  /** Milliseconds until the next whole token (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Where token buckets live. `take` takes one token from `key`'s bucket (a new
 * key starts with a full one) atomically: concurrent takes for one key, from
 * any thread or instance sharing the store, never spend the same token twice.
 *
 * A store may answer asynchronously (Redis); `memoryStore()` answers
 * synchronously, which keeps the request in the adapter's own call. A rejected
 * take is a store failure, handled by the middleware's `onStoreError`.
 */
export interface RateLimitStore {
  take(key: string, rule: TokenBucketRule): RateLimitDecision | Promise<RateLimitDecision>;
  /** Releases the store's connections. */
  close?(): Promise<void>;
}

/** A decision from a bucket's fractional token count after a take. */
export function decision(allowed: boolean, tokens: number, perSecond: number): RateLimitDecision {
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokens)),
    retryAfterMs: allowed ? 0 : Math.ceil(((1 - tokens) * 1000) / perSecond),
  };
}
