import http from "node:http";
import path from "node:path";
import typia from "typia";
import { describe, expect, it, vi } from "vitest";
import { Spikard, StreamingResponse, type Query } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { getOrder, slowEcho } from "./apps/named-handlers";

describe("handlers and the transformer", () => {
  it("resolves named handlers imported from another module, sync and async", async () => {
    const app = new Spikard();
    app.get("/orders/{order_id}", getOrder);
    app.get("/echo", slowEcho);
    await using client = new TestClient(app);
    expect((await client.get("/orders/7?expand=true")).json()).toEqual({ id: 7, expanded: true });
    expect((await client.get("/orders/7")).json()).toEqual({ id: 7, expanded: false });
    const echo = await client.get("/echo?text=hi");
    expect(echo.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(echo.text()).toBe("hi");
    (await client.get("/orders/x")).assertStatus(422);
  });

  it("also runs typia's own transform on user code", () => {
    interface Point {
      x: number;
      y: number;
    }
    expect(typia.is<Point>({ x: 1, y: 2 })).toBe(true);
    expect(typia.is<Point>({ x: 1 })).toBe(false);
  });

  it("refuses a route registered without compile-time metadata, saying how to build", () => {
    const app = new Spikard();
    // A call the checker cannot resolve to our declaration is not transformed, as in a plain tsc build.
    const register = app.get as unknown as (path: string, handler: (q: Query<string>) => unknown) => unknown;
    expect(() => register.call(app, "/raw", (q) => q)).toThrow(/registered without compile-time metadata.*spikard\/transformer.*tspc/s);
  });
});

describe("errors and logging", () => {
  it("logs unexpected exceptions once and answers without internals", async () => {
    const error = vi.fn();
    const app = new Spikard({ logger: { error, warn: vi.fn(), info: vi.fn() } });
    app.get("/boom", () => {
      throw new Error("db password is hunter2");
    });
    const res = await new TestClient(app).get("/boom");
    res.assertStatus(500);
    expect(res.text()).not.toContain("hunter2");
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![1])).toContain("hunter2");
  });
});

describe("streaming over a real socket", () => {
  it("stops pulling from the source and runs its finally when the client goes away", async () => {
    let produced = 0;
    let finished = false;
    const app = new Spikard();
    app.get("/forever", () => {
      async function* forever() {
        try {
          for (;;) {
            produced++;
            yield "x".repeat(64 * 1024);
            await new Promise((r) => setImmediate(r));
          }
        } finally {
          finished = true;
        }
      }
      return new StreamingResponse(forever(), { mediaType: "text/plain" });
    });
    await using live = new LiveTestClient(app);
    const url = new URL(`${await live.url}/forever`);
    await new Promise<void>((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path: url.pathname }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => resolve());
    });
    const deadline = Date.now() + 3000;
    while (!finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(finished).toBe(true);
    const after = produced;
    await new Promise((r) => setTimeout(r, 100));
    expect(produced).toBe(after);
  });

  it("does not read ahead of a slow reader (backpressure)", async () => {
    let produced = 0;
    const app = new Spikard();
    app.get("/big", () => {
      function* chunks() {
        for (let i = 0; i < 2000; i++) {
          produced++;
          yield Buffer.alloc(64 * 1024, 97);
        }
      }
      return new StreamingResponse(chunks(), { mediaType: "application/octet-stream" });
    });
    await using live = new LiveTestClient(app);
    const url = new URL(`${await live.url}/big`);
    await new Promise<void>((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path: url.pathname }, (res) => {
        res.pause();
        // The client reads nothing for a while: the server must stop producing far short of 2000 chunks (125 MiB).
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 500);
      });
      req.on("error", () => resolve());
    });
    expect(produced).toBeLessThan(200);
  });
});

describe("uWebSockets.js loading", () => {
  it("refuses the slow JS fallback unless allowed", async () => {
    const { loadUws } = await import(path.resolve(__dirname, "../dist/src/adapter/uws/load.js"));
    const missing = path.join(__dirname, "no-such-binary.node");
    expect(() => loadUws({ binary: missing })).toThrow(/could not load its native binary.*allowSlowFallback/s);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const fallback = loadUws({ binary: missing, allowSlowFallback: true });
      expect(typeof fallback.App).toBe("function");
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("serves on the node adapter, with a warning, when the native binary does not load", async () => {
    const { uwsAdapterWith } = (await import(path.resolve(__dirname, "../dist/src/adapter/uws/server.js"))) as typeof import("../src/adapter/uws/server");
    const adapter = uwsAdapterWith({ binary: path.join(__dirname, "no-such-binary.node") });
    expect(adapter.portSharing).toBe(false);
    const app = new Spikard({ adapter });
    app.get("/hello", () => "hi");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await using live = new LiveTestClient(app);
      const res = await live.get("/hello");
      expect(res.text()).toBe("hi");
      // node:http writes Keep-Alive on kept-alive answers; uWS never does.
      expect(res.headers["keep-alive"]).toMatch(/^timeout=\d+/);
      expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/could not load its native binary.*serving on the node adapter/s);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("closing over a real socket", () => {
  /** One request on `agent`'s kept-alive connection: status, Connection header and body. */
  function get(url: string, agent: http.Agent): Promise<{ status: number; connection: string | undefined; body: string }> {
    return new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
        })
        .on("error", reject);
    });
  }

  it("finishes in-flight requests, and answers a kept-alive connection's next request with Connection: close", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const app = new Spikard();
    app.get("/slow", async () => {
      await held;
      return "slow done";
    });
    app.get("/fast", () => "fast");
    const server = await app.serve({ host: "127.0.0.1", port: 0 });
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const other = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // HTTP/1.1 keeps the connection open unless told otherwise (node:http says so, uWS does not).
      const first = await get(`${server.url}/fast`, keepAlive);
      expect(first).toMatchObject({ status: 200, body: "fast" });
      expect([undefined, "keep-alive"]).toContain(first.connection);
      const slow = get(`${server.url}/slow`, other);
      await new Promise((r) => setTimeout(r, 50));
      const closed = server.close();
      if (app.config.adapter === "node") {
        // node:http closes idle kept-alive connections at once; the listener is gone too, so nothing answers.
        await expect(get(`${server.url}/fast`, keepAlive)).rejects.toThrow();
      } else {
        // uWS keeps the connection: its next request is answered, and the connection ends with it.
        expect(await get(`${server.url}/fast`, keepAlive)).toEqual({ status: 200, connection: "close", body: "fast" });
      }
      release();
      // Begun before the close, answered during it: the answer ends its connection too.
      expect(await slow).toEqual({ status: 200, body: "slow done", connection: "close" });
      await closed;
    } finally {
      release();
      keepAlive.destroy();
      other.destroy();
    }
  });
});
