import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient, type TestWebSocket } from "spikard/testing";
import { compileApps } from "./support/compile-app";
import { freePort } from "./support/free-port";
import { RedisServer, redisMissing } from "./support/redis-server";

// Topics beyond one thread: a publish reaches the subscribers on every worker thread (workers > 1), and on
// every instance through the Redis broker, exactly once each. The apps run in child processes, as in production.

let compiled: { out: string } | undefined;
const servers: LiveTestClient[] = [];
const sockets: TestWebSocket[] = [];

async function start(env: Record<string, string>): Promise<LiveTestClient> {
  compiled ??= compileApps(["test/apps/pubsub-server.ts"]);
  const client = await LiveTestClient.fromModule(`${compiled.out}/pubsub-server.js`, { env: { SPIKARD_PORT: String(await freePort()), ...env } });
  servers.push(client);
  expect(client.output).toContain(`(${env.SPIKARD_WORKERS} threads)`);
  return client;
}

afterAll(async () => {
  for (const s of sockets.splice(0)) s.drop();
  for (const s of servers.splice(0)) await s.close();
});

/** `n` connections to the topic, each with the thread that serves it (new connections, so the kernel spreads them). */
async function subscribers(server: LiveTestClient, topic: string, n: number): Promise<Array<{ ws: TestWebSocket; thread: number }>> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ws = await server.websocket(`/topic/${topic}`);
    sockets.push(ws);
    out.push({ ws, thread: ((await ws.receive()) as { thread: number }).thread });
  }
  return out;
}

/** Every socket receives `expected` exactly once (nothing more within a grace period). */
async function expectDeliveredOnce(list: TestWebSocket[], expected: unknown): Promise<void> {
  for (const ws of list) expect(await ws.receive()).toEqual(expected);
  await sleep(200);
  for (const ws of list) expect(ws.buffered).toBe(0);
}

describe("workers: 4", () => {
  it("delivers a publish to subscribers on every worker thread, once each, and not to the publisher", async () => {
    const server = await start({ SPIKARD_WORKERS: "4" });
    const subs = await subscribers(server, "news", 24);
    const threads = new Set(subs.map((s) => s.thread));
    console.log(`24 connections over ${threads.size} threads`);
    expect(threads.size).toBeGreaterThanOrEqual(2);
    const [publisher, ...rest] = subs;
    publisher!.ws.send({ text: "to every thread" });
    await expectDeliveredOnce(
      rest.map((s) => s.ws),
      { text: "to every thread", from: publisher!.thread },
    );
    expect(await publisher!.ws.silentFor(100)).toBe(true);
    // Another topic's subscribers hear nothing.
    const [other] = await subscribers(server, "weather", 1);
    publisher!.ws.send({ text: "again" });
    expect(await other!.ws.silentFor(200)).toBe(true);
  });
});

describe.skipIf(redisMissing !== undefined)("two instances on one Redis broker", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.launch();
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.drop();
    for (const s of servers.splice(0)) await s.close();
    await redis?.dispose();
  });

  it("delivers a publish to the subscribers of every instance and thread, exactly once", async () => {
    const env = { SPIKARD_WORKERS: "2", PS_REDIS_URL: redis.url, PS_PREFIX: "once:" };
    const [a, b] = [await start(env), await start(env)];
    const onA = await subscribers(a, "room", 8);
    const onB = await subscribers(b, "room", 8);
    // Subscriptions reach Redis asynchronously.
    await sleep(200);
    const [publisher, ...rest] = onA;
    publisher!.ws.send({ text: "across instances" });
    await expectDeliveredOnce([...rest, ...onB].map((s) => s.ws), { text: "across instances", from: publisher!.thread });
    expect(await publisher!.ws.silentFor(100)).toBe(true);
    onB[0]!.ws.send({ text: "and back" });
    await expectDeliveredOnce([...onA, ...onB.slice(1)].map((s) => s.ws), { text: "and back", from: onB[0]!.thread });
  });

  it("keeps delivering within each instance while Redis is down, and across again once it is back", async () => {
    const env = { SPIKARD_WORKERS: "2", PS_REDIS_URL: redis.url, PS_PREFIX: "outage:" };
    const [a, b] = [await start(env), await start(env)];
    const onA = await subscribers(a, "r", 4);
    const onB = await subscribers(b, "r", 2);
    await sleep(200);
    await redis.stop();
    onA[0]!.ws.send({ text: "local only" });
    await expectDeliveredOnce(onA.slice(1).map((s) => s.ws), { text: "local only", from: onA[0]!.thread });
    expect(onB.every((s) => s.ws.buffered === 0)).toBe(true);
    await redis.start();
    // The clients reconnect with backoff (at most 2 s) and subscribe again.
    const deadline = Date.now() + 8000;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      onA[0]!.ws.send({ text: "back" });
      seen = await onB[0]!.ws.receive(500).then(
        () => true,
        () => false,
      );
    }
    expect(seen).toBe(true);
    expect(a.output + b.output).toContain("the Redis broker is unreachable");
  });
});
