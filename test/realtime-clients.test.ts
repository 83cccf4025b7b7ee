import { afterAll, describe, expect, it } from "vitest";
import { EventSource } from "eventsource";
import WebSocket from "ws";
import { Response, SseEvent, Spikard, type Header, type Path, type Query, type WebSocket as Socket } from "spikard";
import { LiveTestClient } from "spikard/testing";
import type { tags } from "typia";
import { chromiumMissing, launchChromium } from "./support/chromium";

// Real clients against a served app: the `ws` package, the `eventsource` package (EventSource as browsers
// implement it, reconnecting with Last-Event-ID), and a headless Chromium page opening both.

interface Say {
  type: "say";
  text: string & tags.MinLength<1>;
}
interface Said {
  type: "said";
  by: string;
  text: string;
}
interface Tick {
  n: number & tags.Type<"int32">;
}

const PAGE = `<!doctype html><html><body><script>
window.result = { ws: [], sse: [], errors: [] };
const ws = new WebSocket(location.origin.replace("http", "ws") + "/room/lobby?name=browser");
ws.onopen = () => { ws.send(JSON.stringify({ type: "say", text: "from chromium" })); ws.send("not json"); ws.send(JSON.stringify({ type: "say", text: "" })); };
ws.onmessage = (e) => { window.result.ws.push(JSON.parse(e.data)); if (window.result.ws.length === 3) ws.close(4000, "page done"); };
ws.onclose = (e) => { window.result.wsClose = e.code; };
const es = new EventSource("/ticks");
es.addEventListener("tick", (e) => { window.result.sse.push([e.lastEventId, JSON.parse(e.data)]); if (window.result.sse.length === 5) es.close(); });
es.onerror = () => window.result.errors.push("sse");
</script></body></html>`;

function buildApp(closes: number[]): Spikard {
  const app = new Spikard();
  app.websocket("/room/{room}", {
    open(ws: Socket<Said>, room: Path<string>) {
      ws.subscribe(room);
    },
    message(ws, m: Say, name: Query<string>) {
      const said: Said = { type: "said", by: name, text: m.text };
      ws.publish(ws.params.room!, said);
      return said;
    },
    close(_ws, code) {
      closes.push(code);
    },
  });
  // Ends after three events; a reconnecting EventSource resumes after the last id it saw.
  app.sse("/ticks", async function* (last?: Header<number & tags.Type<"int32">, "Last-Event-ID">): AsyncGenerator<SseEvent<Tick>> {
    const from = last === undefined ? 0 : last + 1;
    for (let n = from; n < from + 3; n++) yield new SseEvent({ data: { n }, event: "tick", id: String(n), retry: 20 });
  });
  app.get("/page", () => new Response({ content: PAGE, mediaType: "text/html; charset=utf-8" }));
  return app;
}

const closes: number[] = [];
const live = new LiveTestClient(buildApp(closes));
afterAll(() => live.close());

const open = (url: string, options?: WebSocket.ClientOptions): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
const next = (ws: WebSocket): Promise<unknown> => new Promise((resolve) => ws.once("message", (d) => resolve(JSON.parse(d.toString()))));

describe("the ws package", () => {
  it("talks to a WebSocket route: typed replies, topics, error frames, pings and close codes", async () => {
    const base = (await live.url).replace("http", "ws");
    const a = await open(`${base}/room/den?name=ann`);
    const b = await open(`${base}/room/den?name=bob`);
    const pong = new Promise<string>((resolve) => a.once("pong", (d) => resolve(d.toString())));
    a.ping("are you there");
    expect(await pong).toBe("are you there");
    const [reply, relayed] = await Promise.all([next(a), next(b), a.send(JSON.stringify({ type: "say", text: "hi bob" }))]);
    expect(reply).toEqual({ type: "said", by: "ann", text: "hi bob" });
    expect(relayed).toEqual({ type: "said", by: "ann", text: "hi bob" });
    const err = next(a);
    a.send("{");
    expect(await err).toEqual({ type: "error", message: "Invalid JSON" });
    const closed = new Promise<number>((resolve) => b.once("close", (code) => resolve(code)));
    b.close(4321, "bye");
    expect(await closed).toBe(4321);
    a.terminate();
    await new Promise((r) => setTimeout(r, 100));
    expect(closes).toEqual(expect.arrayContaining([4321, 1006]));
  });

  it("gets the handshake's HTTP refusal (422) instead of a 101", async () => {
    const base = (await live.url).replace("http", "ws");
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${base}/room/den`);
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => reject(new Error("upgraded")));
      ws.once("error", () => undefined);
    });
    // The message handler's Query<string> is a handshake parameter too: missing, so 422.
    expect(status).toBe(422);
  });
});

describe("the eventsource package", () => {
  it("receives typed events, and reconnects with Last-Event-ID to resume", async () => {
    const base = await live.url;
    const got: Array<[string, unknown]> = [];
    await new Promise<void>((resolve, reject) => {
      const es = new EventSource(`${base}/ticks`);
      es.addEventListener("tick", (e) => {
        if (got.length === 7) return;
        got.push([e.lastEventId, JSON.parse(e.data)]);
        if (got.length === 7) {
          es.close();
          resolve();
        }
      });
      setTimeout(() => reject(new Error(`only ${got.length} events`)), 10_000);
    });
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => [String(n), { n }]));
  });
});

describe("headless Chromium", () => {
  it.skipIf(chromiumMissing)("opens a WebSocket and an EventSource to a served app", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${await live.url}/page`);
      await page.waitForFunction(() => {
        const r = (globalThis as unknown as { result: { ws: unknown[]; sse: unknown[]; wsClose?: number } }).result;
        return r.ws.length === 3 && r.sse.length === 5 && r.wsClose !== undefined;
      }, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (globalThis as unknown as { result: unknown }).result);
      expect(result).toMatchObject({
        ws: [{ type: "said", by: "browser", text: "from chromium" }, { type: "error", message: "Invalid JSON" }, { error: "Message validation failed", errors: [{ type: "string_too_short", loc: ["body", "text"] }] }],
        sse: [0, 1, 2, 3, 4].map((n) => [String(n), { n }]),
        wsClose: 4000,
      });
    } finally {
      await browser.close();
    }
  });
});
