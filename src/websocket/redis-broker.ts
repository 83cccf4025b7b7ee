import type { RedisClientOptions, RedisClientType } from "@redis/client";
import type { Broker } from "./broker";

export interface RedisBrokerOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prefix of every topic's Redis channel. Default `"spikard:topic:"`; apps that must not hear each other take their own. */
  prefix?: string;
  /** Further node-redis client options (TLS, credentials, ...). */
  client?: Omit<RedisClientOptions, "url">;
}

/**
 * Topics carried between instances over Redis pub/sub: `broker: redisBroker({ url })`.
 * Each topic is one Redis channel (`prefix + topic`), subscribed while this
 * instance has a subscriber to it. A message is `[origin length][origin][flag][payload]`
 * so an instance skips its own publishes (it delivered them already) and a
 * binary payload stays binary. Two connections per thread (Redis needs one
 * for subscriptions), reconnecting with backoff; publishes while Redis is
 * unreachable are dropped (pub/sub keeps nothing for absent subscribers
 * either) and the outage is logged once.
 */
export function redisBroker(options: RedisBrokerOptions = {}): Broker {
  return new RedisBroker(options);
}

const TEXT = 0;
const BINARY = 1;

class RedisBroker implements Broker {
  private pub: RedisClientType | undefined;
  private sub: RedisClientType | undefined;
  private origin = Buffer.alloc(0);
  private deliver: ((topic: string, payload: string | Uint8Array, binary: boolean) => void) | undefined;
  private readonly prefix: string;
  private readonly topics = new Set<string>();
  private down = false;

  constructor(private readonly options: RedisBrokerOptions) {
    this.prefix = options.prefix ?? "spikard:topic:";
  }

  start(origin: string, deliver: (topic: string, payload: string | Uint8Array, binary: boolean) => void): void {
    this.origin = Buffer.from(origin);
    this.deliver = deliver;
    // Required here: only apps with a Redis broker load the client.
    const { createClient } = require("@redis/client") as typeof import("@redis/client");
    const make = (): RedisClientType => {
      const c = createClient({
        ...this.options.client,
        url: this.options.url ?? "redis://127.0.0.1:6379",
        socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000), ...this.options.client?.socket },
      }) as unknown as RedisClientType;
      c.on("error", (err: Error) => this.outage(err));
      c.on("ready", () => (this.down = false));
      c.unref();
      c.connect().catch(() => undefined);
      return c;
    };
    this.pub = make();
    this.sub = make();
  }

  publish(topic: string, payload: string | Uint8Array, binary: boolean): void {
    const pub = this.pub;
    if (pub === undefined || !pub.isReady) return;
    const message = Buffer.concat([Buffer.from([this.origin.length]), this.origin, Buffer.from([binary ? BINARY : TEXT]), typeof payload === "string" ? Buffer.from(payload) : payload]);
    pub.publish(this.prefix + topic, message).catch((err: Error) => this.outage(err));
  }

  subscribe(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    this.sub?.subscribe(this.prefix + topic, (message: Buffer) => this.received(topic, message), true).catch((err: Error) => this.outage(err));
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    this.sub?.unsubscribe(this.prefix + topic).catch((err: Error) => this.outage(err));
  }

  private received(topic: string, message: Buffer): void {
    const n = message[0] ?? 0;
    if (message.length < n + 2) return;
    if (message.subarray(1, 1 + n).equals(this.origin)) return;
    const body = message.subarray(n + 2);
    if (message[n + 1] === BINARY) this.deliver?.(topic, new Uint8Array(body), true);
    else this.deliver?.(topic, body.toString("utf8"), false);
  }

  private outage(err: Error): void {
    if (this.down) return;
    this.down = true;
    console.error(`spikard: the Redis broker is unreachable (${err.message}); publishes to other instances are dropped until it is back`);
  }

  async close(): Promise<void> {
    const clients = [this.pub, this.sub];
    this.pub = this.sub = undefined;
    for (const c of clients) if (c !== undefined) await c.close().catch(() => c.destroy());
  }
}
