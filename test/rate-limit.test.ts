import { afterAll, describe, expect, it, vi } from "vitest";
import { Spikard, SpikardError, type Body } from "spikard";
import { memoryStore, type RateLimitDecision, type RateLimitStore } from "spikard/rate-limit";
import { LiveTestClient, TestClient } from "spikard/testing";
import { bothClients } from "./support/clients";
import { rawRequest } from "./support/raw-socket";

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const lives: LiveTestClient[] = [];
afterAll(async () => {
  for (const l of lives) await l.close();
});

interface Note {
  text: string;
}

describe.each(bothClients(() => {
  const app = new Spikard({ rateLimit: { perSecond: 0.4, burst: 2 }, logger: quiet });
  app.get("/ping", () => "pong");
  return app;
}))("over the limit, over %s", (_n, client) => {
  it("answers 429 problem details with Retry-After rounded up, as Spikard's headers", async () => {
    (await client.get("/ping")).assertStatusOk();
    (await client.get("/ping")).assertStatusOk();
    const limited = await client.get("/ping");
    limited.assertStatus(429);
    expect(limited.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    // 0.4 tokens a second, bucket empty: the next whole token is 2.5 s away, answered as 3 (never rounded down).
    expect(limited.headers["retry-after"]).toBe("3");
    expect(limited.headers["x-ratelimit-after"]).toBe("3");
    expect(limited.json()).toEqual({
      type: "https://spikard.dev/errors/rate-limit-exceeded",
      title: "Too Many Requests",
      status: 429,
      detail: "Too Many Requests! Wait for 3s",
    });
    const head = await client.head("/ping");
    head.assertStatus(429);
    expect(head.text()).toBe("");
  });
});

describe("Retry-After", () => {
  it("is at least 1 when the next token is less than a second away", async () => {
    const app = new Spikard({ rateLimit: { perSecond: 20, burst: 1 }, logger: quiet });
    app.get("/ping", () => "pong");
    const client = new TestClient(app);
    (await client.get("/ping")).assertStatusOk();
    const limited = (await client.get("/ping")).assertStatus(429);
    expect(limited.headers["retry-after"]).toBe("1");
    await new Promise((r) => setTimeout(r, 80));
    (await client.get("/ping")).assertStatusOk();
  });
});

describe("buckets", () => {
  it("are one per client address, or one for everyone with ipBased: false", async () => {
    const app = new Spikard({ rateLimit: { perSecond: 0.001, burst: 1 }, logger: quiet });
    app.get("/ping", () => "pong");
    (await new TestClient(app, { remoteAddress: "10.0.0.1" }).get("/ping")).assertStatusOk();
    (await new TestClient(app, { remoteAddress: "10.0.0.1" }).get("/ping")).assertStatus(429);
    (await new TestClient(app, { remoteAddress: "10.0.0.2" }).get("/ping")).assertStatusOk();

    const global = new Spikard({ rateLimit: { perSecond: 0.001, burst: 1, ipBased: false }, logger: quiet });
    global.get("/ping", () => "pong");
    (await new TestClient(global, { remoteAddress: "10.0.0.1" }).get("/ping")).assertStatusOk();
    (await new TestClient(global, { remoteAddress: "10.0.0.2" }).get("/ping")).assertStatus(429);
  });

  it("refill on a monotonic clock: a wall clock stepped back (NTP) stops nothing", async () => {
    const app = new Spikard({ rateLimit: { perSecond: 20, burst: 1 }, logger: quiet });
    app.get("/ping", () => "pong");
    const client = new TestClient(app);
    (await client.get("/ping")).assertStatusOk();
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now - 3_600_000);
    try {
      await new Promise((r) => setTimeout(r, 80));
      (await client.get("/ping")).assertStatusOk();
    } finally {
      clock.mockRestore();
    }
  });

  it("are bounded by maxClients: a client pushed out starts again full, and memory does not grow", async () => {
    const store = memoryStore({ maxClients: 2 }) as RateLimitStore & { table: { size: number; capacity: number } };
    const app = new Spikard({ rateLimit: { perSecond: 0.001, burst: 1, store }, logger: quiet });
    app.get("/ping", () => "pong");
    const from = (ip: string): TestClient => new TestClient(app, { remoteAddress: ip });
    (await from("10.0.0.1").get("/ping")).assertStatusOk();
    (await from("10.0.0.1").get("/ping")).assertStatus(429);
    for (let i = 0; i < 500; i++) await from(`10.1.${i >> 8}.${i & 255}`).get("/ping");
    expect(store.table.size).toBe(store.table.capacity);
    expect(store.table.capacity).toBe(2);
    (await from("10.0.0.1").get("/ping")).assertStatusOk();
  });
});

describe("rate limiting runs before authentication", () => {
  it("answers 429 to a flood of wrong API keys instead of telling each one it is wrong", async () => {
    const app = new Spikard({ rateLimit: { perSecond: 5, burst: 5 }, apiKeyAuth: { keys: ["right"] }, logger: quiet });
    app.get("/data", () => ({ secret: 42 }));
    const client = new TestClient(app);
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => client.get("/data", { headers: { "x-api-key": `guess-${i}` } }).then((r) => r.statusCode)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(294);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
  });
});

describe("trustProxy", () => {
  const build = (trustProxy?: number | string[]): Spikard => {
    const app = new Spikard({ rateLimit: { perSecond: 0.001, burst: 1 }, trustProxy, logger: quiet });
    app.get("/ping", () => "pong");
    return app;
  };

  it("over a real socket from a trusted proxy, keys the bucket by the forwarded client address", async () => {
    const live = new LiveTestClient(build(["loopback"]));
    lives.push(live);
    (await live.get("/ping", { headers: { "x-forwarded-for": "203.0.113.1" } })).assertStatusOk();
    (await live.get("/ping", { headers: { "x-forwarded-for": "203.0.113.1" } })).assertStatus(429);
    (await live.get("/ping", { headers: { "x-forwarded-for": "203.0.113.2" } })).assertStatusOk();
    // A client cannot pick another's bucket by writing addresses in front of what the proxy appended.
    (await live.get("/ping", { headers: { "x-forwarded-for": "203.0.113.9, 203.0.113.1" } })).assertStatus(429);
  });

  it("reads two X-Forwarded-For lines on the wire as one list (a proxy that appends its own line)", async () => {
    const live = new LiveTestClient(build(1));
    lives.push(live);
    const port = Number(new URL(await live.url).port);
    const request = (lines: string): Promise<number[]> => rawRequest(port, `GET /ping HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`).then((a) => a.statuses);
    expect(await request("X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-For: 203.0.113.50\r\n")).toEqual([200]);
    // The client's own first line names a fresh address; the proxy's line (the last) is the one used.
    expect(await request("X-Forwarded-For: 198.51.100.2\r\nX-Forwarded-For: 203.0.113.50\r\n")).toEqual([429]);
  });

  it("without it, the forwarding headers are ignored: the peer is the client", async () => {
    const live = new LiveTestClient(build());
    lives.push(live);
    (await live.get("/ping", { headers: { "x-forwarded-for": "203.0.113.1" } })).assertStatusOk();
    (await live.get("/ping", { headers: { "x-forwarded-for": "203.0.113.2" } })).assertStatus(429);
  });

  it("from a peer that is not a trusted proxy, the header is ignored", async () => {
    const app = build(["10.0.0.0/8"]);
    const client = (xff: string): Promise<number> => new TestClient(app, { remoteAddress: "203.0.113.77" }).get("/ping", { headers: { "x-forwarded-for": xff } }).then((r) => r.statusCode);
    expect(await client("198.51.100.1")).toBe(200);
    expect(await client("198.51.100.2")).toBe(429);
  });

  it("is checked when the app is made", () => {
    expect(() => new Spikard({ trustProxy: ["10.0.0.0/40"] })).toThrow(SpikardError);
    expect(() => new Spikard({ trustProxy: -1 })).toThrow(/whole number of proxies/);
  });
});

describe("configuration", () => {
  it("refuses limits that cannot work, with a coded error", () => {
    for (const rateLimit of [{ perSecond: 0, burst: 1 }, { perSecond: 1, burst: 0.5 }, { perSecond: Infinity, burst: 1 }, { perSecond: 1, burst: Number.NaN }]) {
      const app = new Spikard({ rateLimit, logger: quiet });
      expect(() => app.pipeline(), JSON.stringify(rateLimit)).toThrow(SpikardError);
    }
    expect(() => memoryStore({ maxClients: 0 })).toThrow(/maxClients/);
  });
});

/** A store that answers later, as Redis does, or fails when told to. */
class SlowStore implements RateLimitStore {
  failing = false;
  private left: number;
  constructor(tokens: number, private readonly delayMs = 5) {
    this.left = tokens;
  }
  take(): Promise<RateLimitDecision> {
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        if (this.failing) return reject(new Error("store down"));
        const allowed = this.left > 0;
        if (allowed) this.left--;
        resolve({ allowed, remaining: Math.max(0, this.left), retryAfterMs: allowed ? 0 : 1500 });
      }, this.delayMs),
    );
  }
}

describe.each(["TestClient", "LiveTestClient"] as const)("an asynchronous store over %s", (kind) => {
  const make = (store: RateLimitStore, extra: { onStoreError?: "allow" | "deny"; logger?: typeof quiet } = {}): TestClient | LiveTestClient => {
    const app = new Spikard({ rateLimit: { perSecond: 1, burst: 1, store, onStoreError: extra.onStoreError }, maxBodySize: 4 << 20, logger: extra.logger ?? quiet });
    app.get("/ping", () => "pong");
    app.post("/notes", (note: Body<Note>) => ({ length: note.text.length }));
    app.post("/raw", (raw: Body<Uint8Array>) => ({ size: raw.byteLength }));
    if (kind === "TestClient") return new TestClient(app);
    const live = new LiveTestClient(app);
    lives.push(live);
    return live;
  };

  it("holds the request's body while it decides, and hands it to the route whole", async () => {
    const client = make(new SlowStore(100));
    const text = "é".repeat(100_000);
    expect((await client.post("/notes", { json: { text } })).assertStatusOk().json()).toEqual({ length: 100_000 });
    // 2 MiB: more than the held body keeps before pausing the socket.
    const big = new Uint8Array(2 << 20).fill(7);
    expect((await client.post("/raw", { body: big })).assertStatusOk().json()).toEqual({ size: 2 << 20 });
    expect((await client.get("/ping")).assertStatusOk().text()).toBe("pong");
  });

  it("answers 429 without reading the body, and the connection goes on serving", async () => {
    const client = make(new SlowStore(0));
    const limited = (await client.post("/raw", { body: new Uint8Array(1 << 20) })).assertStatus(429);
    expect(limited.headers["retry-after"]).toBe("2");
    expect(limited.json()).toMatchObject({ status: 429, title: "Too Many Requests" });
    (await client.get("/ping")).assertStatus(429);
  });

  it("refuses a body over the route's limit as without a store", async () => {
    const client = make(new SlowStore(100));
    (await client.post("/raw", { body: new Uint8Array(5 << 20) })).assertStatus(413);
  });

  it("fails open by default when the store fails, logging once per outage", async () => {
    const errors: unknown[][] = [];
    const warnings: unknown[][] = [];
    const store = new SlowStore(100);
    store.failing = true;
    const client = make(store, { logger: { ...quiet, error: (...a: unknown[]) => void errors.push(a), warn: (...a: unknown[]) => void warnings.push(a) } });
    for (let i = 0; i < 3; i++) (await client.get("/ping")).assertStatusOk();
    expect((await client.post("/notes", { json: { text: "abc" } })).assertStatusOk().json()).toEqual({ length: 3 });
    expect(errors).toHaveLength(1);
    expect(String(errors[0]![0])).toContain("requests go through unlimited");
    store.failing = false;
    (await client.get("/ping")).assertStatusOk();
    expect(warnings).toEqual([["spikard: the rate limit store answers again"]]);
  });

  it("fails closed with onStoreError: \"deny\": 503 problem details with Retry-After", async () => {
    const store = new SlowStore(100);
    store.failing = true;
    const client = make(store, { onStoreError: "deny" });
    const res = (await client.get("/ping")).assertStatus(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.json()).toEqual({ type: "https://spikard.dev/errors/service-unavailable", title: "Service Unavailable", status: 503, detail: "The rate limit store is unavailable" });
  });
});

describe("a client that goes away while the store decides", () => {
  it("leaves the server serving, and the handler never runs", async () => {
    let ran = 0;
    const app = new Spikard({ rateLimit: { perSecond: 1, burst: 1, store: new SlowStore(100, 200) }, logger: quiet });
    app.post("/raw", (raw: Body<Uint8Array>) => {
      ran++;
      return { size: raw.byteLength };
    });
    app.get("/ping", () => "pong");
    const live = new LiveTestClient(app);
    lives.push(live);
    const port = Number(new URL(await live.url).port);
    const answer = await rawRequest(port, "POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc", 50);
    expect(answer.statuses).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(ran).toBe(0);
    (await live.get("/ping")).assertStatusOk();
  });
});
