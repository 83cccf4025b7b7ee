import { afterAll, describe, expect, it } from "vitest";
import { Spikard } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { rawRequest } from "./support/raw-socket";

// ServerConfig's request limits (issue 14): each adapter refuses a request over them before any
// handler runs, with the table's 414/431, and closes the connection.

const limits = { maxUriLength: 64, maxHeaderSize: 1024, maxHeaderCount: 20 };

function buildApp(adapter: "uws" | "node"): Spikard {
  const app = new Spikard({ adapter, ...limits });
  app.get("/data", () => ({ ok: true }));
  return app;
}

const lives: LiveTestClient[] = [];
afterAll(async () => {
  for (const l of lives) await l.close();
});

async function portOf(adapter: "uws" | "node"): Promise<number> {
  const live = new LiveTestClient(buildApp(adapter));
  lives.push(live);
  return Number(new URL(await live.url).port);
}

const fields = (n: number, size = 1): string => Array.from({ length: n }, (_, i) => `X-F${i}: ${"v".repeat(size)}\r\n`).join("");

describe.each(["uws", "node"] as const)("request limits on the %s adapter", (adapter) => {
  let port: number;
  const raw = async (request: string): Promise<{ statuses: number[]; body: string; closed: boolean }> => {
    port ??= await portOf(adapter);
    const a = await rawRequest(port, request);
    return { statuses: a.statuses, body: a.text.slice(a.text.indexOf("\r\n\r\n") + 4), closed: a.closed };
  };

  it("a target at the limit is served; one byte over answers 414 and closes", async () => {
    const at = `/data?q=${"a".repeat(limits.maxUriLength - "/data?q=".length)}`;
    expect((await raw(`GET ${at} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).statuses).toEqual([200]);
    const over = await raw(`GET ${at}a HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(over.statuses).toEqual([414]);
    expect(JSON.parse(over.body)).toEqual({ error: "URI Too Long", message: "Request URI exceeds maximum allowed length of 64 bytes" });
    expect(over.closed).toBe(true);
  });

  it("a target far past every cap answers 414 too", async () => {
    const over = await raw(`GET /data?q=${"a".repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(over.statuses).toEqual([414]);
    expect(over.closed).toBe(true);
  });

  it("more header fields than maxHeaderCount answer 431 and close", async () => {
    expect((await raw(`GET /data HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${fields(limits.maxHeaderCount - 2)}\r\n`)).statuses).toEqual([200]);
    const over = await raw(`GET /data HTTP/1.1\r\nHost: x\r\n${fields(limits.maxHeaderCount)}\r\n`);
    expect(over.statuses).toEqual([431]);
    expect(JSON.parse(over.body)).toEqual({ error: "Request Header Fields Too Large", message: "Request has more than the maximum of 20 header fields" });
    expect(over.closed).toBe(true);
  });

  it("a header block over maxHeaderSize answers 431 and closes, also far past it", async () => {
    for (const size of [limits.maxHeaderSize, 30_000]) {
      const over = await raw(`GET /data HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(size)}\r\n\r\n`);
      expect(over.statuses, `${size}`).toEqual([431]);
      expect(JSON.parse(over.body)).toEqual({ error: "Request Header Fields Too Large", message: "Request headers exceed maximum allowed size of 1024 bytes" });
      expect(over.closed).toBe(true);
    }
  });

  it("the defaults admit ordinary requests and bound hostile ones", async () => {
    const app = new Spikard({ adapter });
    app.get("/data", () => ({ ok: true }));
    const live = new LiveTestClient(app);
    lives.push(live);
    const p = Number(new URL(await live.url).port);
    const ok = await rawRequest(p, `GET /data?q=${"a".repeat(2000)} HTTP/1.1\r\nHost: x\r\nCookie: ${"c".repeat(4000)}\r\nConnection: close\r\n${fields(40)}\r\n`);
    expect(ok.statuses).toEqual([200]);
    expect((await rawRequest(p, `GET /data?q=${"a".repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).statuses).toEqual([414]);
    expect((await rawRequest(p, `GET /data HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(17_000)}\r\n\r\n`)).statuses).toEqual([431]);
  });
});

describe("request limits in TestClient", () => {
  it("answers as the socket does", async () => {
    const client = new TestClient(buildApp("uws"));
    (await client.get(`/data?q=${"a".repeat(100)}`)).assertStatus(414);
    (await client.get("/data", { headers: { "x-big": "b".repeat(2000) } })).assertStatus(431);
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x-f${i}`, "v"]));
    const res = await client.get("/data", { headers: many });
    res.assertStatus(431);
    expect(res.json()).toEqual({ error: "Request Header Fields Too Large", message: "Request has more than the maximum of 20 header fields" });
    (await client.get("/data")).assertStatusOk();
  });

  it("refuses limits that are not whole positive numbers at construction", () => {
    expect(() => new Spikard({ maxHeaderCount: 0 })).toThrow(/maxHeaderCount must be a whole number above 0/);
    expect(() => new Spikard({ maxUriLength: 1.5 })).toThrow(/maxUriLength/);
    expect(() => new Spikard({ headersTimeout: -1 })).toThrow(/headersTimeout must be a positive number of seconds/);
  });
});

describe("connection timeouts on the node adapter", () => {
  it("a header block not complete within headersTimeout answers 408 and closes (slowloris)", async () => {
    const app = new Spikard({ adapter: "node", headersTimeout: 0.5 });
    app.get("/data", () => ({ ok: true }));
    const live = new LiveTestClient(app);
    lives.push(live);
    const p = Number(new URL(await live.url).port);
    const started = Date.now();
    const a = await rawRequest(p, "GET /data HTTP/1.1\r\nHost: x\r\nX-Slow: a", 5000);
    expect(a.statuses).toEqual([408]);
    expect(a.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("an idle kept-alive connection closes after keepAliveTimeout", async () => {
    const app = new Spikard({ adapter: "node", keepAliveTimeout: 0.3 });
    app.get("/data", () => ({ ok: true }));
    const live = new LiveTestClient(app);
    lives.push(live);
    const p = Number(new URL(await live.url).port);
    const started = Date.now();
    const a = await rawRequest(p, "GET /data HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
    expect(a.statuses).toEqual([200]);
    expect(a.text).toMatch(/\r\nKeep-Alive: timeout=0\r\n|\r\nConnection: keep-alive\r\n/i);
    expect(a.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
