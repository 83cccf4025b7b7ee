import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Spikard, type Body } from "spikard";
import { redisStore, RateLimitStoreError, type RateLimitStore } from "spikard/rate-limit";
import { LiveTestClient } from "spikard/testing";
import { freePort } from "./support/free-port";
import { RedisServer, redisMissing } from "./support/redis-server";

// A real redis-server (Debian's), started here on a free port; skipped, saying why, when it is not installed.

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const rule = { perSecond: 1, burst: 3 };
let redis: RedisServer;
const stores: Array<{ close(): Promise<void> }> = [];
const lives: LiveTestClient[] = [];
let prefixes = 0;
/** A store on the test server with its own keys. */
const store = (options: Parameters<typeof redisStore>[0] = {}): ReturnType<typeof redisStore> => {
  const s = redisStore({ url: redis.url, prefix: `test${++prefixes}:`, ...options });
  stores.push(s);
  return s;
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

describe.skipIf(redisMissing !== undefined)("redisStore against a real redis-server", () => {
  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    redis = await RedisServer.launch();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(unhandled).toEqual([]);
  });
  afterAll(async () => {
    for (const l of lives) await l.close();
    for (const s of stores) await s.close();
    await redis?.dispose();
    process.off("unhandledRejection", onUnhandled);
  });

  it("takes one token per request from a bucket that starts full", async () => {
    const s = store();
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await s.take("10.0.0.1", rule));
    expect(got.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(got.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(got[3]!.retryAfterMs).toBeGreaterThan(900);
    expect(got[3]!.retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await s.take("10.0.0.2", rule)).allowed).toBe(true);
  });

  it("is one limit for every client of the server (two stores, two connections, one prefix)", async () => {
    const a = store({ prefix: "shared:" });
    const b = store({ prefix: "shared:" });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take("k", { perSecond: 0.001, burst: 10 })));
    expect(answers.filter((d) => d.allowed)).toHaveLength(10);
  });

  it("refills by Redis's clock, not the client's", async () => {
    const s = store();
    for (let i = 0; i < 3; i++) await s.take("k", rule);
    // A client clock an hour ahead refills nothing: the script reads TIME on the server.
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 3_600_000);
    expect((await s.take("k", rule)).allowed).toBe(false);
    vi.restoreAllMocks();
    await new Promise((r) => setTimeout(r, 1050));
    expect((await s.take("k", rule)).allowed).toBe(true);
  });

  it("expires a bucket once it would be full again, so Redis holds only recent clients", async () => {
    const s = store({ prefix: "ttl:" });
    await s.take("k", { perSecond: 10, burst: 5 });
    // 1 token to refill at 10/s: 100 ms, plus the script's 1 s margin.
    const ttl = Number((await redis.command("PTTL", "ttl:k")).slice(1));
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(1100);
  });

  it("sends the script again when Redis lost it (EVALSHA answers NOSCRIPT: EVAL)", async () => {
    const s = store();
    expect((await s.take("k", rule)).allowed).toBe(true);
    expect(await redis.command("SCRIPT", "FLUSH")).toBe("+OK\r\n");
    const d = await s.take("k", rule);
    expect(d).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    // EVAL cached it again: the next EVALSHA finds it.
    expect((await s.take("k", rule)).remaining).toBe(0);
  });

  it("fails a take at once while Redis is down, and works again once it is back", async () => {
    const s = store({ timeout: 2000 });
    expect((await s.take("k", rule)).allowed).toBe(true);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await expect(s.take("k", rule)).rejects.toBeInstanceOf(RateLimitStoreError);
    expect(Date.now() - started).toBeLessThan(500);
    await redis.start();
    await vi.waitFor(async () => expect((await s.take("k", rule)).allowed).toBe(true), { timeout: 5000, interval: 100 });
  });

  it("waits for the first connection at start-up, and once it failed takes fail at once", async () => {
    const port = await freePort();
    const early = store({ url: `redis://127.0.0.1:${port}`, timeout: 2000 });
    const started = Date.now();
    await expect(early.take("k", rule)).rejects.toThrow(RateLimitStoreError);
    await expect(early.take("k", rule)).rejects.toThrow(/not connected/);
    expect(Date.now() - started).toBeLessThan(1000);
    // A store made before its server is up connects once it is.
    const late = new RedisServer(port);
    try {
      await late.start();
      await vi.waitFor(async () => expect((await early.take("k", rule)).allowed).toBe(true), { timeout: 5000, interval: 100 });
    } finally {
      await late.dispose();
    }
  });

  it("times out a take on a Redis that stopped answering (CLIENT PAUSE)", async () => {
    const s = store({ timeout: 200 });
    await s.take("k", rule);
    expect(await redis.command("CLIENT", "PAUSE", "800", "ALL")).toBe("+OK\r\n");
    await expect(s.take("k", rule)).rejects.toThrow(/did not answer within 200 ms/);
    await new Promise((r) => setTimeout(r, 900));
    expect((await s.take("k", rule)).allowed).toBe(true);
  });

  it("refuses a take after close()", async () => {
    const s = redisStore({ url: redis.url });
    await s.take("k", rule);
    await s.close();
    await expect(s.take("k", rule)).rejects.toThrow(/closed/);
  });

  describe("as the app's store, over a real socket", () => {
    interface Note {
      text: string;
    }
    const serve = (s: RateLimitStore, onStoreError?: "allow" | "deny"): LiveTestClient => {
      const app = new Spikard({ rateLimit: { perSecond: 0.5, burst: 2, store: s, onStoreError }, maxBodySize: 4 << 20, logger: quiet });
      app.get("/ping", () => "pong");
      app.post("/notes", (note: Body<Note>) => ({ length: note.text.length }));
      app.post("/raw", (raw: Body<Uint8Array>) => ({ size: raw.byteLength }));
      const live = new LiveTestClient(app);
      lives.push(live);
      return live;
    };

    it("limits, answering 429 problem details with Retry-After rounded up", async () => {
      const live = serve(store());
      (await live.get("/ping")).assertStatusOk();
      (await live.get("/ping")).assertStatusOk();
      const limited = (await live.get("/ping")).assertStatus(429);
      expect(limited.headers["retry-after"]).toBe("2");
      expect(limited.json()).toMatchObject({ type: "https://spikard.dev/errors/rate-limit-exceeded", status: 429 });
    });

    it("hands JSON, large and chunked bodies to the route after the round trip", async () => {
      const live = serve(store());
      expect((await live.post("/notes", { json: { text: "x".repeat(50_000) } })).assertStatusOk().json()).toEqual({ length: 50_000 });
      expect((await live.post("/raw", { body: new Uint8Array(3 << 20).fill(1) })).assertStatusOk().json()).toEqual({ size: 3 << 20 });
      // A chunked upload (no Content-Length) over node:http.
      const http = await import("node:http");
      const url = new URL(`${await live.url}/raw`);
      const answer = await new Promise<string>((resolve, reject) => {
        const req = http.request(url, { method: "POST" }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve(`${res.statusCode} ${text}`));
        });
        req.on("error", reject);
        for (let i = 0; i < 10; i++) req.write(Buffer.alloc(10_000, i));
        req.end();
      });
      // The bucket holds 2: the third request of this test is limited, whatever its framing.
      expect(answer).toMatch(/^429 /);
    });

    it("lets requests through while Redis is down (fail-open), or answers 503 (fail-closed)", async () => {
      const nowhere = `redis://127.0.0.1:${await freePort()}`;
      const open = serve(store({ url: nowhere, timeout: 200 }));
      expect((await open.post("/notes", { json: { text: "abc" } })).assertStatusOk().json()).toEqual({ length: 3 });
      for (let i = 0; i < 5; i++) (await open.get("/ping")).assertStatusOk();
      const closed = serve(store({ url: nowhere, timeout: 200 }), "deny");
      const res = (await closed.get("/ping")).assertStatus(503);
      expect(res.headers["retry-after"]).toBe("1");
      expect(res.json()).toMatchObject({ type: "https://spikard.dev/errors/service-unavailable", status: 503 });
    });
  });
});
