import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { LiveTestClient } from "spikard/testing";
import { compileApps } from "./support/compile-app";
import { cli, tempProject, tspc } from "./support/generated-project";

/**
 * The generated client's realtime part, from test/apps/realtime-client-app.ts's
 * AsyncAPI document: written by the build itself (the transformer's `client`
 * option), the same text `spikard client` writes, exercised over a real
 * socket and pinned by type tests.
 */
describe("spikard client: WebSocket and SSE routes", () => {
  let compiled: { dir: string; out: string };
  let project: string;
  let server: LiveTestClient;
  let api: any;
  const built = (): string => path.join(compiled.dir, "client", "client.ts");

  beforeAll(async () => {
    compiled = compileApps(["test/apps/realtime-client-app.ts"], { client: { app: "src/realtime-client-app.ts", out: "client/client.ts" } });
    project = tempProject("spikard-client-rt-");
    fs.mkdirSync(path.join(project, "src"));
    fs.copyFileSync(built(), path.join(project, "src", "client.ts"));
    server = await LiveTestClient.fromModule(path.join(compiled.out, "realtime-client-app.js"));
    const mod = (await import(path.join(project, "src", "client.ts"))) as { createClient(o: { baseUrl: string; WebSocket: unknown }): unknown };
    api = mod.createClient({ baseUrl: await server.url, WebSocket });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(compiled.dir, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("is written by the build (transformer option client) as spikard client writes it", () => {
    const out = path.join(compiled.dir, "cli-client.ts");
    const r = cli(["client", path.join(compiled.out, "realtime-client-app.js"), "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(built(), "utf8")).toBe(fs.readFileSync(out, "utf8"));
    expect(cli(["client", path.join(compiled.out, "realtime-client-app.js"), "--out", built(), "--check"]).status).toBe(0);
    const code = fs.readFileSync(built(), "utf8");
    expect(code).not.toMatch(/^import /m);
    expect(code).not.toMatch(/require\(/);
  });

  it("a WebSocket route: typed sends, replies read in order, close with the server's code", async () => {
    const ws = await api.connectEcho();
    // Two reads waiting at once get the two replies in order.
    const [first, second] = [ws.receive(), ws.receive()];
    ws.send({ type: "chat", text: "hello" });
    ws.send({ type: "chat", text: "hi" });
    expect(await first).toEqual({ type: "ack", length: 5 });
    expect(await second).toEqual({ type: "ack", length: 2 });
    expect(await ws.close(1000, "bye")).toEqual({ code: 1000, reason: "bye" });
    await expect(ws.receive()).rejects.toThrow(/closed \(1000\)/);
  });

  it("a WebSocket route with path and query parameters, the app's own sends, and iteration", async () => {
    const ws = await api.connectRoomsRoom({ path: { room: "a b/c" }, query: { token: "t0k" } });
    ws.send({ type: "chat", text: "abc" });
    const got: unknown[] = [];
    for await (const m of ws) {
      got.push(m);
      if (got.length === 2) break;
    }
    expect(got).toEqual([{ type: "notice", room: "a b/c:t0k" }, { type: "ack", length: 3 }]);
    await ws.close();
  });

  it("a refused handshake rejects (the query parameter is too short: 422)", async () => {
    await expect(api.connectRoomsRoom({ path: { room: "r" }, query: { token: "x" } })).rejects.toThrow(/handshake|closed before it opened/);
  });

  it("an invalid message (sent past the types) gets the server's validation frame, and the socket stays open", async () => {
    const ws = await api.connectEcho();
    ws.send({ type: "chat", text: "" });
    expect(await ws.receive()).toMatchObject({ error: "Message validation failed" });
    ws.send({ type: "chat", text: "ok" });
    expect(await ws.receive()).toEqual({ type: "ack", length: 2 });
    await ws.close();
  });

  it("text both ways", async () => {
    const ws = await api.connectShout();
    ws.send("quiet");
    expect(await ws.receive()).toBe("QUIET");
    await ws.close();
  });

  it("an SSE route as an async iterable of typed events, with its query parameter", async () => {
    const events: unknown[] = [];
    for await (const e of api.ticks({ path: { symbol: "ACME" }, query: { count: 2 } })) events.push(e.data);
    expect(events).toEqual([
      { symbol: "ACME", price: 10 },
      { symbol: "ACME", price: 11 },
    ]);
  });

  it("SSE events carry their type, id, retry and multi-line data; Last-Event-ID is sent", async () => {
    const events: unknown[] = [];
    for await (const e of api.getAlerts(undefined, { lastEventId: "41" })) events.push(e);
    expect(events).toEqual([
      { data: { level: "info", text: "after 41" }, event: "alert", id: "1" },
      { data: { level: "warn", text: "multi\nline" }, event: "alert", id: "2", retry: 1500 },
    ]);
  });

  it("an SSE request the app refuses throws ClientError with its status", async () => {
    const stream = api.ticks({ path: { symbol: "ACME" }, query: { count: -1 } });
    await expect((async () => {
      for await (const _ of stream) void _;
    })()).rejects.toMatchObject({ name: "ClientError", status: 422 });
  });

  it("leaving an SSE loop early ends the request", async () => {
    const stream = api.ticks({ path: { symbol: "X" }, query: { count: 1000 } });
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    expect(n).toBe(3);
  });

  it("pins the realtime methods' types (expectTypeOf, checked by tsc)", () => {
    fs.writeFileSync(
      path.join(project, "src", "types.test-d.ts"),
      `import { expectTypeOf } from "vitest";
import { createClient, type Ack, type ChatMessage, type EventStream, type Notice, type ServerSentEvent, type Tick, type TypedSocket } from "./client";

const api = createClient({ baseUrl: "http://localhost" });
expectTypeOf(api.connectEcho).returns.resolves.toEqualTypeOf<TypedSocket<ChatMessage, Ack>>();
expectTypeOf(api.connectRoomsRoom).parameter(0).toEqualTypeOf<{ path: { room: string }; query: { token: string } }>();
expectTypeOf(api.connectRoomsRoom).returns.resolves.toEqualTypeOf<TypedSocket<ChatMessage, Ack | Notice>>();
expectTypeOf(api.connectShout).returns.resolves.toEqualTypeOf<TypedSocket<string, string>>();
expectTypeOf(api.ticks).parameter(0).toEqualTypeOf<{ path: { symbol: string }; query?: { count?: number } }>();
expectTypeOf(api.ticks).returns.toEqualTypeOf<EventStream<Tick>>();

async function use(): Promise<void> {
  const ws = await api.connectRoomsRoom({ path: { room: "r" }, query: { token: "abc" } });
  ws.send({ type: "chat", text: "x" });
  // @ts-expect-error the route receives ChatMessage, not Ack
  ws.send({ type: "ack", length: 1 });
  const m = await ws.receive();
  if (m.type === "notice") expectTypeOf(m.room).toEqualTypeOf<string>();
  for await (const e of api.ticks({ path: { symbol: "A" } })) expectTypeOf(e).toEqualTypeOf<ServerSentEvent<Tick>>();
  // @ts-expect-error the token is required
  void api.connectRoomsRoom({ path: { room: "r" } });
}
void use;
`,
    );
    expect(tspc(project)).toBe("");
  });
});

describe("spikard client: a realtime route's type change", () => {
  it("makes the client's callers fail tsc", () => {
    const ROOT = path.resolve(__dirname, "..");
    const project = tempProject("spikard-client-rt-v2-");
    const v2 = path.join(project, "v2");
    fs.mkdirSync(v2);
    try {
      // The echo route's message now carries `body` instead of `text`, and the ticks' price became a string.
      const source = fs
        .readFileSync(path.join(ROOT, "test", "apps", "realtime-client-app.ts"), "utf8")
        .replace('  type: "chat";\n  text: string & tags.MinLength<1>;', '  type: "chat";\n  body: string;')
        .replace(/message\.text\.length/g, "message.body.length")
        .replace("  symbol: string;\n  price: number;", "  symbol: string;\n  price: string;")
        .replace("price: 10 + i", "price: String(10 + i)");
      fs.writeFileSync(path.join(v2, "realtime-client-app.ts"), source);
      const caller = `import { createClient } from "./client";
export async function use(): Promise<number> {
  const ws = await createClient({ baseUrl: "http://localhost" }).connectEcho();
  ws.send({ type: "chat", text: "hi" });
  for await (const e of createClient({ baseUrl: "http://localhost" }).ticks({ path: { symbol: "A" } })) return e.data.price + 1;
  return 0;
}
`;
      fs.mkdirSync(path.join(project, "src"));
      fs.writeFileSync(path.join(project, "src", "caller.ts"), caller);
      const next = compileApps([path.join(v2, "realtime-client-app.ts")], { client: { app: "src/realtime-client-app.ts", out: "client.ts" } });
      try {
        fs.copyFileSync(path.join(next.dir, "client.ts"), path.join(project, "src", "client.ts"));
        const errors = tspc(project);
        expect(errors).toMatch(/caller\.ts\(4,\d+\): error TS2353: Object literal may only specify known properties, and 'text' does not exist in type 'ChatMessage'/);
        expect(errors).toMatch(/caller\.ts\(5,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
      } finally {
        fs.rmSync(next.dir, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("the transformer's client option", () => {
  it("refuses a malformed value or an app the build does not compile, as a build error", () => {
    for (const [option, message] of [
      ["src/app.ts", /the transformer option client must be \{ "app": "src\/app\.ts", "out": "client\.ts" \}/],
      [{ app: "src/missing.ts", out: "c.ts" }, /client\.app names src\/missing\.ts, which this build does not compile/],
    ] as const) {
      const output = (() => {
        try {
          fs.rmSync(compileApps(["test/apps/realtime-client-app.ts"], { client: option }).dir, { recursive: true, force: true });
          return "compiled";
        } catch (err) {
          const e = err as { stdout?: Buffer; stderr?: Buffer };
          return `${e.stdout ?? ""}${e.stderr ?? ""}`;
        }
      })();
      expect(output).toMatch(message);
    }
  }, 120_000);
});
