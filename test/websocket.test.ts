import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { collectingLogger, until, type CollectingLogger } from "./support/until";
import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient, WebSocketClosedError, WebSocketHandshakeError, type TestWebSocket } from "spikard/testing";
import { Response, Spikard } from "spikard";
import { buildRealtimeApp, newLog, type ServerLog } from "./apps/realtime";

// WebSocket routes over the in-memory adapter (TestClient) and uWebSockets.js's native WebSocket (LiveTestClient,
// the `ws` package as the client): the same handshake pipeline, message plan and close semantics on both.


const memLog = newLog();
const liveLog = newLog();
const memLogger = collectingLogger();
const liveLogger = collectingLogger();
const live = new LiveTestClient(buildRealtimeApp(liveLog, liveLogger));
afterAll(() => live.close());


async function handshakeError(p: Promise<TestWebSocket>): Promise<WebSocketHandshakeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebSocketHandshakeError);
  return err as WebSocketHandshakeError;
}

describe.each([
  ["TestClient", new TestClient(buildRealtimeApp(memLog, memLogger)), memLog, memLogger],
  ["LiveTestClient", live, liveLog, liveLogger],
] as const)("WebSocket over %s", (_name, client, log: ServerLog, logged: CollectingLogger) => {
  describe("handshake", () => {
    it("upgrades with 101 and the accept header", async () => {
      await using ws = await client.websocket("/chat");
      expect(ws.response.statusCode).toBe(101);
      expect(ws.response.headers["sec-websocket-accept"]).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    });

    it("validates Path and Query parameters before the upgrade: 422 problem details, never 101", async () => {
      const err = await handshakeError(client.websocket("/rooms/a", { query: { token: "xy" } }));
      expect(err.response.statusCode).toBe(422);
      const body = err.response.json<{ errors: Array<{ loc: string[]; type: string }> }>();
      expect(body.errors.map((e) => [e.loc.join("."), e.type])).toEqual([
        ["path.room", "string_too_short"],
        ["query.token", "string_too_short"],
      ]);
      const missing = await handshakeError(client.websocket("/rooms/abc"));
      expect(missing.response.json<{ errors: Array<{ type: string }> }>().errors[0]!.type).toBe("missing");
    });

    it("runs route middleware first: a 401 answers the handshake", async () => {
      const err = await handshakeError(client.websocket("/guarded"));
      expect(err.response.statusCode).toBe(401);
      expect(err.response.json()).toEqual({ detail: "no key" });
      await using ws = await client.websocket("/guarded", { headers: { "x-key": "secret" } });
      ws.send({ hello: 1 });
      expect(await ws.receive()).toEqual({ hello: 1 });
    });

    it("answers a plain GET to a WebSocket route 426 Upgrade Required", async () => {
      const res = await client.get("/chat");
      expect(res.statusCode).toBe(426);
      expect(res.headers.upgrade).toBe("websocket");
      expect(res.json<{ type: string }>().type).toBe("https://spikard.dev/errors/upgrade-required");
    });

    it("refuses another protocol version (426 naming 13) and a malformed key (400)", async () => {
      const handshake = { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };
      const v8 = await client.get("/chat", { headers: { ...handshake, "sec-websocket-version": "8" } });
      expect([v8.statusCode, v8.headers["sec-websocket-version"]]).toEqual([426, "13"]);
      const badKey = await client.get("/chat", { headers: { ...handshake, "sec-websocket-key": "not-a-nonce-of-24-chars!", "sec-websocket-version": "13" } });
      expect(badKey.statusCode).toBe(400);
    });

    it("chooses the route's preferred subprotocol among the client's", async () => {
      await using ws = await client.websocket("/protocols", { protocols: ["v1.chat", "v2.chat"] });
      expect(ws.protocol).toBe("v2.chat");
      await using none = await client.websocket("/protocols", { protocols: ["other"] }).catch(() => undefined as never);
      if (none !== undefined) expect(none.protocol).toBeUndefined();
    });

    it("reads headers and cookies for open, with defaults", async () => {
      await using ws = await client.websocket("/lifecycle", { headers: { "x-who": "grace" }, cookies: { session_id: "s1" } });
      expect(await ws.receive()).toMatchObject({ seen: expect.any(Number) });
      expect(log.opened).toContain("lifecycle:grace:s1");
      await using anon = await client.websocket("/lifecycle");
      await anon.receive();
      expect(log.opened).toContain("lifecycle:anon:-");
    });
  });

  describe("the message plan", () => {
    it("validates each message; the seed form's return value is sent, undefined sends nothing", async () => {
      await using ws = await client.websocket("/chat");
      ws.send({ type: "message", user: "ada", text: "hi" });
      const ack = (await ws.receive()) as { type: string; at: string };
      expect(ack.type).toBe("ack");
      expect(Number.isNaN(Date.parse(ack.at))).toBe(false);
      ws.send({ type: "message", user: "ada", text: "quiet" });
      expect(await ws.silentFor(100)).toBe(true);
    });

    it("answers invalid JSON with Spikard's frame and stays open", async () => {
      await using ws = await client.websocket("/chat");
      for (const bad of ["this is not valid json {", "", "{\"a\":1,}", "[1e999]", "\uFEFF{\"type\":\"message\",\"user\":\"ada\",\"text\":\"a BOM first\"}"]) {
        ws.sendText(bad);
        expect(await ws.receive()).toEqual({ type: "error", message: "Invalid JSON" });
      }
      // Bytes that are not UTF-8 inside a JSON string (sent as a binary frame): refused, not decoded to U+FFFD.
      ws.sendBytes(Buffer.concat([Buffer.from('{"type":"message","user":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","text":"x"}')]));
      expect(await ws.receive()).toEqual({ type: "error", message: "Invalid JSON" });
      ws.send({ type: "message", user: "ada", text: "still here" });
      expect(await ws.receive()).toMatchObject({ type: "ack" });
    });

    it("answers a message that fails validation with Spikard's errors (loc) and stays open", async () => {
      await using ws = await client.websocket("/chat");
      ws.send({ type: "message", user: "", text: "x".repeat(501) });
      expect(await ws.receive()).toEqual({
        error: "Message validation failed",
        errors: [
          { type: "string_too_long", loc: ["body", "text"], msg: "String should have at most 500 characters", input: "x".repeat(501), ctx: { max_length: 500 } },
          { type: "string_too_short", loc: ["body", "user"], msg: "String should have at least 1 characters", input: "", ctx: { min_length: 1 } },
        ],
      });
      ws.send({ type: "nope" });
      const missing = (await ws.receive()) as { errors: Array<{ type: string; loc: string[] }> };
      expect(missing.errors.map((e) => `${e.type}@${e.loc.join(".")}`)).toEqual(expect.arrayContaining(["missing@body.user", "missing@body.text"]));
      ws.send({ type: "message", user: "ada", text: "ok" });
      expect(await ws.receive()).toMatchObject({ type: "ack" });
    });

    it("checks discriminated unions by their discriminant", async () => {
      await using ws = await client.websocket("/ops");
      ws.send({ op: "add", a: 2, b: 3 });
      expect(await ws.receive()).toEqual({ result: 5 });
      ws.send({ op: "neg", x: 4 });
      expect(await ws.receive()).toEqual({ result: -4 });
      ws.send({ op: "neg", x: -1 });
      const err = (await ws.receive()) as { errors: Array<{ loc: string[]; type: string }> };
      expect(err.errors[0]).toMatchObject({ loc: ["body", "x"], type: "greater_than_equal" });
      ws.send({ op: "mul", a: 1 });
      expect(await ws.receive()).toMatchObject({ error: "Message validation failed" });
    });

    it("gives the handler a message without the properties its type does not declare, as a body", async () => {
      await using ws = await client.websocket("/keys");
      ws.send({ type: "message", user: "ada", text: "hi", admin: true, extra: { nested: 1 } });
      expect(await ws.receive()).toEqual({ keys: ["type", "user", "text"] });
    });

    it("drops prototype keys from messages, as from bodies", async () => {
      await using ws = await client.websocket("/echo");
      ws.sendText('{"a":1,"__proto__":{"polluted":true},"constructor":{"x":1}}');
      expect(await ws.receive()).toEqual({ a: 1 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it("refuses JSON nested deeper than maxJsonDepth", async () => {
      await using ws = await client.websocket("/echo");
      ws.sendText(`${"[".repeat(200)}${"]".repeat(200)}`);
      expect(await ws.receive()).toEqual({ type: "error", message: "Message exceeds maximum nesting depth of 128" });
    });

    it("takes Uint8Array messages as binary frames and answers bytes as binary frames", async () => {
      await using ws = await client.websocket("/binary");
      ws.sendBytes(new Uint8Array([1, 2, 3, 0, 255]));
      const m = await ws.receiveMessage();
      expect(m.binary).toBe(true);
      expect([...m.data]).toEqual([255, 0, 3, 2, 1]);
    });

    it("keeps a binary message's bytes for a handler that reads them after an await, and queued ones too", async () => {
      await using ws = await client.websocket("/binary-later");
      const sent = [Buffer.alloc(3000, 1), Buffer.alloc(3000, 2), Buffer.alloc(3000, 3)];
      for (const b of sent) ws.sendBytes(b);
      for (const b of sent) expect(Buffer.from(await ws.receiveBytes()).equals(b)).toBe(true);
    });

    it("takes string messages as text (checked by their tags) and sends strings as text frames", async () => {
      await using ws = await client.websocket("/text");
      ws.sendText("héllo");
      const m = await ws.receiveMessage();
      expect([m.binary, m.data.toString()]).toEqual([false, "HÉLLO"]);
      ws.sendText("way too long");
      expect(await ws.receive()).toMatchObject({ errors: [{ type: "string_too_long", loc: ["body"] }] });
      ws.sendBytes(Buffer.from([0xc3, 0x28]));
      expect(await ws.receive()).toEqual({ type: "error", message: "Invalid UTF-8" });
    });

    it("takes JSON sent as a binary frame", async () => {
      await using ws = await client.websocket("/chat");
      ws.sendBytes(Buffer.from(JSON.stringify({ type: "message", user: "ada", text: "bin" })));
      expect(await ws.receive()).toMatchObject({ type: "ack" });
    });

    it("closes with 1007 (invalid JSON) and 1008 (invalid message) where the route asks", async () => {
      const a = await client.websocket("/strict");
      a.sendText("{oops");
      expect(await a.closed).toEqual({ code: 1007, reason: "Invalid JSON" });
      const b = await client.websocket("/strict");
      b.send({ type: "message", user: "", text: "x" });
      expect(await b.closed).toEqual({ code: 1008, reason: "Message validation failed" });
      await using c = await client.websocket("/strict");
      c.send({ type: "message", user: "u", text: "fine" });
      expect(await c.receive()).toEqual({ echoed: "fine" });
    });

    it("never sends an outgoing value that does not match the declared type, and logs it", async () => {
      const before = logged.errors.length;
      await using ws = await client.websocket("/bad-out");
      ws.sendText("hi");
      expect(await ws.receive()).toEqual({ type: "ack", at: new Date(0).toISOString() });
      expect(await ws.silentFor(100)).toBe(true);
      expect(log.messages).toContain("invalid");
      ws.sendText("reply-bad");
      expect(await ws.receive()).toEqual({ type: "ack", at: new Date(0).toISOString() });
      expect(await ws.silentFor(100)).toBe(true);
      const lines = logged.errors.slice(before).join("\n");
      expect(lines).toMatch(/WebSocket \/bad-out: an outgoing message does not match its declared type \(\$input\.at is not string & Format<"date-time">\)/);
      expect(lines).toMatch(/\$input\.type is not "ack"/);
    });

    it("handles messages in order behind an async handler", async () => {
      await using ws = await client.websocket("/async");
      ws.send({ n: 1, wait: 60 });
      ws.send({ n: 2, wait: 0 });
      ws.send({ n: 3, wait: 20 });
      expect([await ws.receive(), await ws.receive(), await ws.receive()]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it("sees the state an async open set up before the first message", async () => {
      await using ws = await client.websocket("/slow-open");
      ws.send({});
      expect(await ws.receive()).toEqual({ ready: "yes" });
    });

    it("answers a throwing handler with an error frame (logged) and an HttpError with its status, staying open", async () => {
      const before = logged.errors.length;
      await using ws = await client.websocket("/throws");
      ws.send({ how: "error" });
      expect(await ws.receive()).toEqual({ type: "error", message: "Internal server error" });
      ws.send({ how: "http" });
      expect(await ws.receive()).toEqual({ type: "error", status: 403, message: "not yours" });
      expect(logged.errors.slice(before).join("\n")).toContain("message handler failed");
    });
  });

  describe("limits", () => {
    it("closes with 1009 for a message over maxPayloadLength", async () => {
      const ws = await client.websocket("/limited");
      ws.sendText(JSON.stringify({ small: true }));
      expect(await ws.receive()).toEqual({ small: true });
      ws.sendText(JSON.stringify({ big: "x".repeat(100) }));
      expect((await ws.closed).code).toBe(1009);
    });

    it("pings a quiet client; one that answers stays connected past idleTimeout", async () => {
      await using ws = await client.websocket("/idle");
      await sleep(700);
      expect(ws.pings).toBeGreaterThan(0);
      ws.send({ still: "here" });
      expect(await ws.receive()).toEqual({ still: "here" });
    });

    it("drops a client that does not answer pings (1006), and closes a quiet one without pings (1001)", async () => {
      const dead = await client.websocket("/idle", { autoPong: false });
      expect((await dead.closed).code).toBe(1006);
      const quiet = await client.websocket("/no-pings");
      expect(await quiet.closed).toEqual({ code: 1001, reason: "Idle timeout" });
      expect(quiet.pings).toBe(0);
    });

    it("queues no more than maxPendingBytes behind a slow handler", async () => {
      const ws = await client.websocket("/async");
      ws.send({ n: 0, wait: 400 });
      const pad = "x".repeat(256 * 1024);
      for (let i = 0; i < 20; i++) ws.send({ n: i, wait: 0, pad });
      expect(await ws.closed).toEqual({ code: 1008, reason: "Too many pending messages" });
    });
  });

  describe("backpressure", () => {
    const COUNT = 20_000;
    it("reports buffered and dropped sends to a slow client, counts drops, and drained() resolves once read", async () => {
      const ws = await client.websocket("/flood-drop");
      ws.pause();
      // More than the kernel's socket buffers hold on loopback, so a real socket backs up too.
      ws.send({ count: COUNT });
      await until(() => log.messages.some((m) => (m as { policy?: string; results?: unknown }).policy === "drop" && (m as { results?: unknown }).results !== undefined));
      const report = log.messages.find((m) => (m as { results?: unknown }).results !== undefined) as { results: Record<string, number>; dropped: number; buffered: number };
      expect(report.results.dropped).toBeGreaterThan(0);
      expect(report.dropped).toBe(report.results.dropped);
      expect((report.results.buffered ?? 0) + (report.results.sent ?? 0)).toBeGreaterThan(0);
      // The buffer is bounded by the limit (plus the message that crossed it).
      expect(report.buffered).toBeLessThan(64 * 1024 + 2048);
      ws.resume();
      let received = 0;
      try {
        for (;;) {
          await ws.receiveMessage(500);
          received++;
        }
      } catch {
        // read everything
      }
      expect(received).toBe(COUNT - report.dropped);
      await until(() => log.messages.some((m) => (m as { drained?: boolean }).drained === true));
      await ws.close();
    });

    it("closes a slow client with 1008 under the close policy", async () => {
      const ws = await client.websocket("/flood-close");
      ws.pause();
      ws.send({ count: COUNT });
      await until(() => log.closed.some((c) => c.route === "flood-close"));
      expect(log.closed.find((c) => c.route === "flood-close")).toEqual({ route: "flood-close", code: 1008, reason: "Backpressure limit exceeded" });
      ws.resume();
      expect((await ws.closed).code).toBe(1008);
    });
  });

  describe("open and close", () => {
    it("calls close exactly once with the client's code and reason, with handshake parameters", async () => {
      const ws = await client.websocket("/rooms/lobby", { query: { token: "abc" } });
      expect(await ws.close(4001, "bye now")).toEqual({ code: 4001, reason: "bye now" });
      await until(() => log.closed.some((c) => c.route === "rooms/lobby"));
      await sleep(50);
      expect(log.closed.filter((c) => c.route === "rooms/lobby")).toEqual([{ route: "rooms/lobby", code: 4001, reason: "bye now" }]);
    });

    it("reports 1006 when the connection drops", async () => {
      const ws = await client.websocket("/lifecycle");
      await ws.receive();
      const before = log.closed.length;
      ws.drop();
      await until(() => log.closed.length > before);
      expect(log.closed.slice(before)).toEqual([{ route: "lifecycle", code: 1006, reason: "" }]);
    });

    it("closes from the server with the code it chose, and terminate() is 1006", async () => {
      const ws = await client.websocket("/lifecycle");
      await ws.receive();
      ws.send({ close: 4100, reason: "done here" });
      expect(await ws.closed).toEqual({ code: 4100, reason: "done here" });
      const t = await client.websocket("/lifecycle");
      await t.receive();
      t.send({ terminate: true });
      expect((await t.closed).code).toBe(1006);
      await expect(t.receive()).rejects.toBeInstanceOf(WebSocketClosedError);
    });

    it("refuses a close code an application may not send", async () => {
      const before = logged.errors.length;
      await using ws = await client.websocket("/lifecycle");
      await ws.receive();
      ws.send({ close: 1005 });
      await until(() => logged.errors.length > before);
      expect(logged.errors.slice(before).join("\n")).toContain("close code 1005 cannot be sent");
    });

    it("closes with 1011 when open throws, and still calls close once", async () => {
      const ws = await client.websocket("/open-fails");
      expect(await ws.closed).toEqual({ code: 1011, reason: "Internal server error" });
      await until(() => log.closed.some((c) => c.route === "open-fails"));
      expect(log.closed.filter((c) => c.route === "open-fails")).toHaveLength(1);
    });

    it("keeps what the handshake's dependencies opened until the connection closed", async () => {
      const ws = await client.websocket("/session", { headers: { "x-user": "lin" } });
      expect(await ws.receive()).toEqual({ user: "lin" });
      ws.send({});
      expect(await ws.receive()).toEqual({ user: "lin" });
      expect(log.cleanups).not.toContain("lin");
      await ws.close();
      await until(() => log.cleanups.includes("lin"));
    });
  });

  describe("topics", () => {
    it("delivers a publish to every other subscriber of the room, typed and serialized", async () => {
      const a = await client.websocket("/rooms/kitchen", { query: { token: "ann" } });
      const b = await client.websocket("/rooms/kitchen", { query: { token: "bob" } });
      const other = await client.websocket("/rooms/garden", { query: { token: "cat" } });
      a.send({ type: "message", user: "ignored", text: "hello kitchen" });
      expect(await b.receive()).toEqual({ type: "message", user: "ann", text: "hello kitchen" });
      expect(await a.silentFor(100)).toBe(true);
      expect(await other.silentFor(50)).toBe(true);
      await Promise.all([a.close(), b.close(), other.close()]);
    });

    it("app.publish reaches subscribers; unsubscribe stops it", async () => {
      const sub = await client.websocket("/subscriber/news");
      expect(await sub.receive()).toEqual({ text: "subscribed", at: 0 });
      await using pub = await client.websocket("/publisher");
      pub.send({ topic: "news", text: "extra" });
      expect(await pub.receive()).toEqual({ published: true });
      expect(await sub.receive()).toEqual({ text: "extra", at: 1 });
      sub.send({ unsubscribe: true });
      expect(await sub.receive()).toEqual({ text: "subscribed: false", at: 0 });
      pub.send({ topic: "news", text: "again" });
      await pub.receive();
      expect(await sub.silentFor(100)).toBe(true);
      await sub.close();
    });
  });
});

describe("a client that leaves during async work before the upgrade (real socket)", () => {
  it("is not upgraded: open and close never run, the handshake's dependencies are cleaned up, nothing is logged, and the route still serves", async () => {
    const before = liveLogger.errors.length;
    const { port } = new URL(await live.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.write(`GET /slow-handshake?ticket=gone HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await sleep(30);
    socket.destroy();
    await until(() => liveLog.cleanups.includes("ticket:gone"));
    await sleep(50);
    expect(liveLog.opened).not.toContain("slow:gone");
    expect(liveLog.closed.filter((c) => c.route === "slow:gone")).toEqual([]);
    expect(liveLogger.errors.slice(before)).toEqual([]);
    // The same route upgrades a client that waits.
    const ws = await live.websocket("/slow-handshake", { query: { ticket: "stays" } });
    ws.send({});
    expect(await ws.receive()).toEqual({ ticket: "stays" });
    await ws.close(1000, "bye");
    await until(() => liveLog.cleanups.includes("ticket:stays"));
    expect(liveLog.opened.filter((o) => o === "slow:stays")).toHaveLength(1);
    expect(liveLog.closed.filter((c) => c.route === "slow:stays")).toEqual([{ route: "slow:stays", code: 1000, reason: "bye" }]);
  });
});

describe("the node adapter", () => {
  it("answers a handshake 426 (it cannot switch protocols) and serves HTTP routes as usual", async () => {
    const app = new Spikard({ adapter: "node", logger: collectingLogger() });
    app.websocket("/echo", (m: { n: number }) => m);
    app.get("/ok", () => ({ ok: true }));
    const client = own(new LiveTestClient(app));
    const err = await handshakeError(client.websocket("/echo"));
    expect(err.response.statusCode).toBe(426);
    expect(err.response.json<{ type: string }>().type).toBe("https://spikard.dev/errors/upgrade-required");
    expect((await client.get("/ok")).json()).toEqual({ ok: true });
  });
});

describe("server shutdown", () => {
  it("closes open WebSockets with 1001 before HTTP requests drain, and calls close once", async () => {
    const log = newLog();
    const own = new LiveTestClient(buildRealtimeApp(log, collectingLogger()));
    const ws = await own.websocket("/lifecycle");
    await ws.receive();
    await own.close();
    expect(await ws.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(log.closed).toEqual([{ route: "lifecycle", code: 1001, reason: "Server shutting down" }]);
  });
});

describe.each([
  ["TestClient", (app: Spikard) => new TestClient(app)],
  ["LiveTestClient", (app: Spikard) => own(new LiveTestClient(app))],
] as const)("handshake through ServerConfig's middleware and app hooks over %s", (_name, clientOf) => {
  const build = (): Spikard => {
    const app = new Spikard({ apiKeyAuth: { keys: ["k1"] }, rateLimit: { perSecond: 0.01, burst: 2 }, cors: { allowedOrigins: ["https://app.example"] }, logger: collectingLogger() });
    app.onRequest((req) => (req.query.block === "yes" ? new Response({ statusCode: 403, content: { detail: "blocked by hook" } }) : req));
    app.websocket("/secured", (m: { n: number }) => ({ n: m.n + 1 }));
    return app;
  };

  it("answers apiKeyAuth's 401, an onRequest hook's 403 and the rate limit's 429 instead of upgrading", async () => {
    const client = clientOf(build());
    const noKey = await handshakeError(client.websocket("/secured"));
    expect(noKey.response.statusCode).toBe(401);
    expect(noKey.response.json<{ type: string }>().type).toBe("https://spikard.dev/errors/unauthorized");
    const hooked = await handshakeError(client.websocket("/secured", { headers: { "x-api-key": "k1" }, query: { block: "yes" } }));
    expect([hooked.response.statusCode, hooked.response.json()]).toEqual([403, { detail: "blocked by hook" }]);
    const limited = await handshakeError(client.websocket("/secured", { headers: { "x-api-key": "k1" } }));
    expect(limited.response.statusCode).toBe(429);
  });

  it("upgrades an authenticated handshake, with the CORS headers on its 101", async () => {
    const client = clientOf(build());
    await using ws = await client.websocket("/secured", { headers: { "x-api-key": "k1", origin: "https://app.example" } });
    expect(ws.response.headers["access-control-allow-origin"]).toBe("https://app.example");
    ws.send({ n: 1 });
    expect(await ws.receive()).toEqual({ n: 2 });
  });
});

const owned: LiveTestClient[] = [];
function own(c: LiveTestClient): LiveTestClient {
  owned.push(c);
  return c;
}
afterAll(async () => {
  for (const c of owned.splice(0)) await c.close();
});
