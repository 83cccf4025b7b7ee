export { rateLimit, withStore, type RateLimitOptions, type RateLimitContext } from "./rate-limit";
export { memoryStore, type MemoryStoreOptions } from "./memory-store";
export { redisStore, RateLimitStoreError, type RedisStoreOptions } from "./redis-store";
export type { RateLimitStore, RateLimitDecision, TokenBucketRule } from "./store";
