import { createHash } from "node:crypto";
import type { RedisClientOptions, RedisClientType } from "@redis/client";
import { SpikardError } from "../../errors";
import { decision, type RateLimitDecision, type RateLimitStore, type TokenBucketRule } from "./store";

export interface RedisStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of every bucket's key. Default `"spikard:ratelimit:"`; give limiters that must not share buckets their own. */
  prefix?: string;
  /** Milliseconds one take may wait for Redis before it counts as a store failure (`onStoreError`). Default 500. */
  timeout?: number;
  /** Milliseconds to open a connection. Default 2 000. */
  connectTimeout?: number;
  /** Further node-redis client options (TLS, credentials, ...). */
  client?: Omit<RedisClientOptions, "url" | "disableOfflineQueue">;
}

/**
 * The token bucket, refilled and taken in one script so concurrent takes from
 * any number of instances are atomic. Time is Redis's (TIME), so instances with
 * skewed clocks still agree. A bucket expires once it would be full again:
 * memory holds only clients seen within the last burst/perSecond seconds.
 * Returns {allowed, tokens left}, the tokens as text (Redis truncates numbers
 * a script returns to integers).
 */
export const TOKEN_BUCKET_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return { allowed, string.format('%.17g', tokens) }
`;

const SCRIPT_SHA = createHash("sha1").update(TOKEN_BUCKET_SCRIPT).digest("hex");

/** A take Redis did not answer (down, reconnecting, slower than `timeout`). */
export class RateLimitStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RateLimitStoreError";
  }
}

/**
 * Buckets in Redis, shared by every instance (and thread) that uses the same
 * server and prefix: `rateLimit: { perSecond, burst, store: redisStore({ url }) }`.
 *
 * One connection per thread, opened at once and reconnected with backoff.
 * While it is down, takes fail at once instead of queueing (the middleware's
 * `onStoreError` then lets requests through, or answers 503); the first takes
 * after start-up wait for the first connection attempt, up to `timeout`. The connection
 * does not keep the process alive by itself; `close()` ends it.
 */
export function redisStore(options: RedisStoreOptions = {}): RateLimitStore & { close(): Promise<void> } {
  const timeout = options.timeout ?? 500;
  if (!(timeout > 0)) throw new SpikardError("INVALID_CONFIG", `redisStore: timeout must be a positive number of milliseconds, got ${String(options.timeout)}`);
  return new RedisStore(options, timeout);
}

class RedisStore implements RateLimitStore {
  private readonly client: RedisClientType;
  private readonly prefix: string;
  /** Until the first connection is ready: what early takes wait for. */
  private firstConnection: Promise<void> | undefined;
  private closed = false;

  constructor(options: RedisStoreOptions, private readonly timeout: number) {
    // Required here: only apps with a Redis store load the client.
    const { createClient } = require("@redis/client") as typeof import("@redis/client");
    this.prefix = options.prefix ?? "spikard:ratelimit:";
    this.client = createClient({
      ...options.client,
      url: options.url ?? "redis://127.0.0.1:6379",
      // Fail while disconnected instead of queueing: a queue would grow for as long as Redis is down.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeout ?? 2000,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
        ...options.client?.socket,
      },
    }) as unknown as RedisClientType;
    // Without a listener an 'error' event ends the process; failures surface through take() instead.
    this.client.on("error", () => {});
    this.client.unref();
    // Early takes wait for the first attempt only: if it fails, takes fail at once until a reconnect succeeds.
    this.firstConnection = new Promise<void>((resolve) => {
      this.client.once("ready", resolve);
      this.client.once("error", resolve);
    }).then(() => void (this.firstConnection = undefined));
    this.client.connect().catch(() => undefined);
  }

  take(key: string, rule: TokenBucketRule): Promise<RateLimitDecision> {
    return withTimeout(this.run(this.prefix + key, rule), this.timeout);
  }

  private async run(key: string, rule: TokenBucketRule): Promise<RateLimitDecision> {
    if (this.firstConnection !== undefined) await this.firstConnection;
    if (this.closed) throw new RateLimitStoreError("redisStore is closed");
    if (!this.client.isReady) throw new RateLimitStoreError("Redis is not connected");
    const args = ["1", key, String(rule.perSecond), String(rule.burst)];
    let reply: unknown;
    try {
      reply = await this.client.sendCommand(["EVALSHA", SCRIPT_SHA, ...args]);
    } catch (err) {
      // A server that has not seen the script yet (new, restarted, SCRIPT FLUSH): EVAL sends and caches it.
      if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw new RateLimitStoreError(`Redis: ${(err as Error).message}`, { cause: err });
      try {
        reply = await this.client.sendCommand(["EVAL", TOKEN_BUCKET_SCRIPT, ...args]);
      } catch (err2) {
        throw new RateLimitStoreError(`Redis: ${(err2 as Error).message}`, { cause: err2 });
      }
    }
    const [allowed, tokens] = reply as [number, string];
    return decision(allowed === 1, Number(tokens), rule.perSecond);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close().catch(() => this.client.destroy());
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RateLimitStoreError(`Redis did not answer within ${ms} ms`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
