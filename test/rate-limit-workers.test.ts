import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { compileApps } from "./support/compile-app";
import { freePort } from "./support/free-port";
import { RedisServer, redisMissing } from "./support/redis-server";

// The limit with `workers: 4`, over real sockets, the app in child processes as in production: one limit
// for the process's threads (memory store), and for several processes on one Redis.

let compiled: { out: string } | undefined;
const servers: LiveTestClient[] = [];
async function start(env: Record<string, string>): Promise<string> {
  compiled ??= compileApps(["test/apps/rate-limited-server.ts"]);
  const port = await freePort();
  const workers = env.SPIKARD_WORKERS ?? "4";
  const client = await LiveTestClient.fromModule(`${compiled.out}/rate-limited-server.js`, { env: { SPIKARD_PORT: String(port), ...env, SPIKARD_WORKERS: workers } });
  servers.push(client);
  expect(client.output).toContain(`(${workers} threads)`);
  return `http://127.0.0.1:${port}`;
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

interface Tally {
  statuses: Map<number, number>;
  threads: Set<number>;
}

/**
 * Requests from `lanes` keep-alive connections, each sending its next as soon
 * as the last is answered, for `seconds`, spread over `urls`. Many connections,
 * so the kernel spreads them over every thread listening on a port.
 */
async function hammer(urls: string[], seconds: number, lanes = 16, headers: Record<string, string> = {}): Promise<Tally> {
  const tally: Tally = { statuses: new Map(), threads: new Set() };
  const agent = new http.Agent({ keepAlive: true, maxSockets: lanes });
  const until = Date.now() + seconds * 1000;
  const once = (url: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.get(`${url}/ping`, { agent, headers }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => {
          tally.statuses.set(res.statusCode!, (tally.statuses.get(res.statusCode!) ?? 0) + 1);
          if (res.statusCode === 200) tally.threads.add((JSON.parse(body) as { thread: number }).thread);
          resolve();
        });
      });
      req.on("error", reject);
    });
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = 0; Date.now() < until; i++) await once(urls[(lane + i) % urls.length]!);
    }),
  );
  agent.destroy();
  return tally;
}

const PER_SECOND = 50;
const BURST = 50;
const expected = (seconds: number): number => BURST + PER_SECOND * seconds;
/** Allowed requests must be within 5% of burst + perSecond × seconds. */
function expectWithinFivePercent(tally: Tally, seconds: number, label: string): void {
  const allowed = tally.statuses.get(200) ?? 0;
  const limited = tally.statuses.get(429) ?? 0;
  console.log(`${label}: ${allowed} allowed, ${limited} limited in ${seconds} s (configured ${expected(seconds)}); threads answering: ${tally.threads.size}`);
  expect([...tally.statuses.keys()].sort()).toEqual([200, 429]);
  expect(limited).toBeGreaterThan(allowed); // the load was well over the limit
  expect(Math.abs(allowed - expected(seconds))).toBeLessThanOrEqual(expected(seconds) * 0.05);
}

describe("workers: 4, in-memory store", () => {
  it("allows burst + perSecond × seconds over 10 s, whichever thread serves", async () => {
    const url = await start({ RL_PER_SECOND: String(PER_SECOND), RL_BURST: String(BURST) });
    const tally = await hammer([url], 10);
    expectWithinFivePercent(tally, 10, "memory store, workers: 4");
    // The requests were served by several threads, all from one set of buckets.
    expect(tally.threads.size).toBeGreaterThanOrEqual(2);
  });

  it("answers 429, not 401, to 300 wrong API keys in 0.1 s against a 5/s limit (rate limit before auth)", async () => {
    const url = await start({ RL_PER_SECOND: "5", RL_BURST: "5", RL_API_KEY: "the-right-key" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        new Promise<number>((resolve, reject) => {
          http.get(`${url}/ping`, { agent, headers: { "x-api-key": `guess-${i}` } }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode!));
          }).on("error", reject);
        }),
      ),
    );
    const elapsed = (Date.now() - started) / 1000;
    agent.destroy();
    const count = (s: number): number => statuses.filter((x) => x === s).length;
    console.log(`300 wrong API keys in ${elapsed.toFixed(2)} s: ${count(401)} answered 401, ${count(429)} answered 429`);
    // Only the burst (and what refilled meanwhile) reached the key check.
    expect(count(401)).toBeLessThanOrEqual(5 + Math.ceil(5 * elapsed));
    expect(count(429)).toBe(300 - count(401));
  });
});

describe.skipIf(redisMissing !== undefined)("workers: 4, Redis store", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.launch();
  });
  afterAll(async () => {
    for (const s of servers.splice(0)) await s.close();
    await redis?.dispose();
  });

  it("allows burst + perSecond × seconds over 10 s", async () => {
    const url = await start({ RL_PER_SECOND: String(PER_SECOND), RL_BURST: String(BURST), RL_REDIS_URL: redis.url, RL_PREFIX: "one:" });
    const tally = await hammer([url], 10);
    expectWithinFivePercent(tally, 10, "Redis store, workers: 4");
    expect(tally.threads.size).toBeGreaterThanOrEqual(2);
  });

  it("is one limit for two app instances (two processes) on one Redis", async () => {
    const env = { RL_PER_SECOND: String(PER_SECOND), RL_BURST: String(BURST), RL_REDIS_URL: redis.url, RL_PREFIX: "two:", SPIKARD_WORKERS: "2" };
    const urls = [await start(env), await start(env)];
    const tally = await hammer(urls, 4);
    // Each instance limiting on its own would allow twice this.
    expectWithinFivePercent(tally, 4, "Redis store, two instances of workers: 2");
  });
});
