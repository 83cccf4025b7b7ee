import http from "node:http";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Provide } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { background, buildBrokenApp, buildDiApp, buildHookApp, Counter, DatabasePool, events } from "./apps/di";

const live = new LiveTestClient(buildDiApp());
afterAll(() => live.close());

describe.each([
  ["TestClient", new TestClient(buildDiApp())],
  ["LiveTestClient", live],
] as const)("dependency injection over %s", (_name, client) => {
  beforeEach(() => {
    events.length = 0;
  });

  it("builds a singleton once, even under 100 concurrent first requests", async () => {
    const before = DatabasePool.created;
    const responses = await Promise.all(Array.from({ length: 100 }, () => client.get("/pool")));
    const ids = new Set(responses.map((r) => r.assertStatusOk().json().pool));
    expect(ids.size).toBe(1);
    expect(DatabasePool.created - before).toBeLessThanOrEqual(1);
    expect((await client.get("/pool")).json().pool).toBe([...ids][0]);
  });

  it("shares a per-request value between consumers, and makes a new one per request", async () => {
    const a = (await client.get("/counter")).json();
    const b = (await client.get("/counter")).json();
    expect(a.a).toBe(a.b);
    expect(b.a).not.toBe(a.a);
  });

  it("creates cacheable: false dependencies once per consumer", async () => {
    expect((await client.get("/ephemeral")).json()).toEqual({ distinct: true });
  });

  it("resolves nested dependencies, with the dependency's own header parameter validated", async () => {
    const res = (await client.get("/context", { headers: { "x-user": "ada" } })).assertStatusOk();
    expect(res.json()).toMatchObject({ same: true, user: "ada" });
    const missing = await client.get("/context");
    missing.assertStatus(422);
    expect(missing.json().errors).toEqual([{ type: "missing", loc: ["headers", "x-user"], msg: "Field required", input: null }]);
  });

  it("injects named values with Inject<T, name>", async () => {
    expect((await client.get("/settings")).json()).toEqual({ env: "test" });
  });

  it("runs generator cleanup after the response, after success and after a handler error", async () => {
    expect((await client.get("/tracked", { headers: { "x-user": "u1" } })).json()).toEqual({ name: "u1" });
    (await client.get("/tracked-fails", { headers: { "x-user": "u2" } })).assertStatus(409);
    await waitFor(() => events.includes("close u2"));
    expect(events).toEqual(["open u1", "handle u1", "close u1", "open u2", "handle u2", "close u2"]);
  });

  it("runs background tasks after the response; a failing task does not change it", async () => {
    background.length = 0;
    const res = (await client.post("/background")).assertStatus(202);
    expect(res.json()).toEqual({ queued: 3 });
    expect(background).toEqual([]);
    await waitFor(() => background.length === 2);
    expect(background).toEqual(["first", "second"]);
  });
});

describe("dependency lifetimes on a real socket", () => {
  it("runs cleanup when the client aborts mid-request", async () => {
    events.length = 0;
    const url = new URL(`${await live.url}/tracked-slow`);
    await new Promise<void>((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { "x-user": "gone" } });
      req.on("error", () => resolve());
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await waitFor(() => events.includes("close gone"));
    expect(events).toEqual(["open gone", "handle gone", "close gone"]);
  });
});

describe("overrides and startup checks", () => {
  it("replaces a provider with dependencyOverrides", async () => {
    const app = buildDiApp();
    app.dependencyOverrides.set(Counter, Provide(() => ({ id: -1 }) as Counter));
    expect((await new TestClient(app).get("/counter")).json()).toEqual({ a: -1, b: -1 });
  });

  it("refuses to serve with a missing provider, naming the chain", () => {
    expect(() => buildBrokenApp("missing").pipeline()).toThrow(/No provider for unprovided \(GET \/x -> unprovided\)/);
  });

  it("refuses to serve with a dependency cycle, naming it", () => {
    expect(() => buildBrokenApp("cycle").pipeline()).toThrow(/Dependency cycle: a -> b -> a/);
  });
});

describe("lifecycle hooks", () => {
  const client = new TestClient(buildHookApp());

  it("runs app hooks before router hooks, in registration order, and onResponse on the way out", async () => {
    const res = (await client.get("/api/items")).assertStatusOk();
    const order = ["app onRequest", "app onRequest 2", "router onRequest", "app preValidation", "app preHandler hooked"];
    expect(res.json()).toEqual({ order });
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-order"]).toBe(order.join(","));
  });

  it.each([
    ["onRequest", 401],
    ["preValidation", 429],
    ["preHandler", 403],
  ])("short-circuits in %s; later phases are skipped and onResponse still runs", async (phase, status) => {
    const res = await client.get("/api/items", { headers: { "x-stop": phase } });
    res.assertStatus(status);
    expect(res.json()).toEqual({ stopped: phase });
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  it("lets onError answer an exception, and falls back to a 500 problem otherwise", async () => {
    const recovered = await client.get("/api/boom");
    recovered.assertStatus(503);
    expect(recovered.json()).toEqual({ recovered: true });
    const crashed = await client.get("/api/crash");
    crashed.assertStatus(500);
    expect(crashed.json().detail).toBe("Internal server error");
    expect(crashed.headers["x-frame-options"]).toBe("DENY");
  });

  it("applies router hooks only to the router's routes", async () => {
    const res = (await client.get("/plain")).assertStatusOk();
    expect(res.headers["x-order"]).toBeUndefined();
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
