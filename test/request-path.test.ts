import { createSigner } from "fast-jwt";
import { describe, expect, it, vi } from "vitest";
import { HttpError, Provide, Request, Response, Router, Spikard, StreamingResponse, type AnyResponse, type Header, type Middleware, type Query } from "spikard";
import { jwtAuth } from "spikard/middleware";
import { LiveTestClient, TestClient } from "spikard/testing";
import { bothClients } from "./support/clients";
import type { tags } from "typia";
import { rawRequest } from "./support/raw-socket";

// The findings of the request-path redesign (issue 15), each over TestClient and a real socket.

const quiet = { error: vi.fn(), warn: () => undefined, info: () => undefined };


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRET = "a-secret-that-is-long-enough-for-hs256";
const token = createSigner({ key: SECRET, expiresIn: 60_000 })({ sub: "u1" });

describe.each(bothClients(() => {
  const app = new Spikard({ jwtAuth: { secret: SECRET }, logger: quiet });
  // Awaits before reading the request: on uWS the request is gone by then unless the pipeline snapshotted it.
  app.use(async function tagger(req, next) {
    await sleep(5);
    const tag = req.header("x-tag");
    const res = await next();
    res.setHeader("x-seen-tag", tag ?? "none");
    return res;
  });
  app.use(async function timing(_req, next) {
    const res = await next();
    res.headers["x-order"] = `${res.headers["x-order"] ?? ""}outer`;
    return res;
  });
  app.get("/health", () => ({ ok: true }), { skip: ["jwtAuth"] });
  app.get("/private", (req: Request) => ({ sub: (req.state.jwt as { sub: string }).sub }));
  app.post("/echo", (body: { text: string }) => body, { skip: ["jwtAuth"] });
  app.get("/replaced", () => ({ original: true }), {
    skip: ["jwtAuth"],
    middleware: [
      async function replace(_req, next) {
        await next();
        return new Response({ statusCode: 202, content: { replaced: true } });
      },
    ],
  });
  app.get("/boom", () => ({}), { skip: ["jwtAuth"], middleware: [() => Promise.reject(new Error("middleware exploded"))] });
  app.get("/twice", () => ({}), { skip: ["jwtAuth"], middleware: [async (_req, next) => (await next(), next())] });
  return app;
}))("app.use and route options over %s", (_name, client) => {
  it("an async middleware that awaits before reading a header sees it", async () => {
    const res = (await client.get("/health", { headers: { "x-tag": "blue" } })).assertStatusOk();
    expect(res.headers["x-seen-tag"]).toBe("blue");
    expect(res.json()).toEqual({ ok: true });
  });

  it("runs middleware in onion order and lets them change the response", async () => {
    const res = await client.get("/health");
    expect(res.headers["x-order"]).toBe("outer");
    expect(res.headers["x-seen-tag"]).toBe("none");
  });

  it("skip: [\"jwtAuth\"] answers without a token while its neighbours still require one", async () => {
    (await client.get("/health")).assertStatusOk();
    (await client.get("/private")).assertStatus(401);
    const ok = await client.get("/private", { headers: { authorization: `Bearer ${token}` } });
    expect(ok.json()).toEqual({ sub: "u1" });
  });

  it("holds a body for a route whose middleware awaited before the route ran", async () => {
    const res = (await client.post("/echo", { json: { text: "hello" }, headers: { "x-tag": "b" } })).assertStatusOk();
    expect(res.json()).toEqual({ text: "hello" });
    expect(res.headers["x-seen-tag"]).toBe("b");
  });

  it("the connection serves its next request after a held body (the socket is not left paused)", async () => {
    for (let i = 0; i < 3; i++) {
      (await client.post("/echo", { json: { text: `n${i}` } })).assertStatusOk();
      (await client.get("/health")).assertStatusOk();
    }
  });

  it("a route's own middleware may replace the response", async () => {
    const res = await client.get("/replaced");
    res.assertStatus(202);
    expect(res.json()).toEqual({ replaced: true });
  });

  it("a middleware that throws answers 500 problem details, and one calling next() twice too", async () => {
    const res = await client.get("/boom");
    res.assertStatus(500);
    expect(res.json()).toMatchObject({ type: "https://spikard.dev/errors/internal-server-error" });
    (await client.get("/twice")).assertStatus(500);
  });

  it("middleware wrap unknown routes too", async () => {
    const res = await client.get("/nowhere", { headers: { "x-tag": "t", authorization: `Bearer ${token}` } });
    res.assertStatus(404);
    expect(res.headers["x-seen-tag"]).toBe("t");
  });
});

describe("registration after the app started", () => {
  it("an onRequest hook added after the first request throws instead of being ignored", async () => {
    const app = new Spikard();
    app.get("/x", () => ({ ok: true }));
    const client = new TestClient(app);
    (await client.get("/x")).assertStatusOk();
    expect(() => app.onRequest(() => new Response({ statusCode: 401 }))).toThrow(/REGISTERED_TOO_LATE|Cannot register an onRequest hook: the app already started serving/);
    expect(() => app.get("/y", () => ({}))).toThrow(/Cannot register route GET \/y/);
    expect(() => app.use(async (_r, next) => next())).toThrow(/Cannot register middleware/);
    // And what was registered still answers as before.
    (await client.get("/x")).assertStatusOk();
  });

  it("a router hook added after includeRouter throws", () => {
    const app = new Spikard();
    const router = new Router({ prefix: "/r" });
    router.get("/x", () => ({ ok: true }));
    app.includeRouter(router);
    expect(() => router.onRequest(() => new Response({ statusCode: 401 }))).toThrow(/its router was included with includeRouter\(\)/);
    expect(() => router.get("/y", () => ({}))).toThrow(/Cannot register route GET \/y/);
  });

  it("registration after serve() throws too", async () => {
    const app = new Spikard();
    app.get("/x", () => ({ ok: true }));
    const server = await app.serve({ port: 0 });
    try {
      expect(() => app.preHandler(() => undefined)).toThrow(/already started serving/);
    } finally {
      await server.close();
    }
  });
});

describe.each(bothClients(() => {
  const app = new Spikard({ logger: quiet });
  app.onResponse((res: AnyResponse) => {
    res.setHeader("x-frame-options", "DENY");
    res.headers["X-Hooked"] = "yes";
  });
  app.get("/stream", () => new StreamingResponse(["a", "b", "c"], { mediaType: "text/plain" }));
  app.get("/plain", () => ({ ok: true }));
  return app;
}))("onResponse hooks over %s", (_name, client) => {
  it("set headers on a streaming route's StreamingResponse", async () => {
    const res = (await client.get("/stream")).assertStatusOk();
    expect(res.text()).toBe("abc");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-hooked"]).toBe("yes");
  });
  it("and on a plain route's Response, through headers as a plain object", async () => {
    const res = (await client.get("/plain")).assertStatusOk();
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-hooked"]).toBe("yes");
  });
});

class Settings {
  constructor(readonly name: string) {}
}

describe.each(bothClients(() => {
  const app = new Spikard({ validationErrorFormat: "constraint", logger: quiet });
  app.provide(Settings, Provide((x_limit: Header<number & tags.Minimum<1>>) => new Settings(`limit ${x_limit}`)));
  app.get("/settings", (settings: Settings) => ({ name: settings.name }));
  const hooked = new Router();
  hooked.preHandler((req: Request, x_level: Header<number & tags.Minimum<1>>) => {
    req.state.level = x_level;
  });
  hooked.get("/hooked", (req: Request) => ({ level: req.state.level }));
  app.includeRouter(hooked);
  return app;
}))("validationErrorFormat for hook and dependency parameters over %s", (_name, client) => {
  it("a dependency's parameter is reported in the app's format", async () => {
    const res = await client.get("/settings", { headers: { "x-limit": "0" } });
    res.assertStatus(422);
    const errors = res.json<{ errors: Array<{ type: string; loc: string[] }> }>().errors;
    expect(errors[0]!.loc).toEqual(["headers", "x-limit"]);
    // The constraint format's type, not pydantic's greater_than_equal.
    expect(errors[0]!.type).toBe("validation_error");
    expect((await client.get("/settings", { headers: { "x-limit": "4" } })).json()).toEqual({ name: "limit 4" });
  });

  it("a hook's parameter is reported in the app's format", async () => {
    const res = await client.get("/hooked", { headers: { "x-level": "0" } });
    res.assertStatus(422);
    const errors = res.json<{ errors: Array<{ type: string; loc: string[] }> }>().errors;
    expect(errors[0]!.loc).toEqual(["headers", "x-level"]);
    expect(errors[0]!.type).toBe("validation_error");
    const ok = await client.get("/hooked", { headers: { "x-level": "3" } });
    expect(ok.json()).toEqual({ level: 3 });
  });
});

describe.each(bothClients(() => {
  const app = new Spikard({ logger: quiet });
  app.get("/redirect", (next: Query<string>) => new Response({ statusCode: 302, headers: { location: next } }));
  app.get("/cookie", (v: Query<string>) => new Response({ content: "ok" }).setHeader("x-value", v));
  return app;
}))("response splitting over %s", (_name, client) => {
  it("a header value with CR/LF from the query answers 500 and writes nothing of it", async () => {
    quiet.error.mockClear();
    const res = await client.get("/redirect", { query: { next: "/ok\r\nSet-Cookie: evil=1\r\n\r\n<script>" } });
    res.assertStatus(500);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers.location).toBeUndefined();
    expect(res.text()).not.toContain("script");
    expect(quiet.error).toHaveBeenCalled();
    expect((await client.get("/redirect", { query: { next: "/fine" } })).headers.location).toBe("/fine");
    (await client.get("/cookie", { query: { v: "a\nb" } })).assertStatus(500);
    (await client.get("/cookie", { query: { v: "a\u0000b" } })).assertStatus(500);
  });
});

describe("route options and router defaults", () => {
  it("bodyLimit and timeout per route, defaults from the router, tags adding up", async () => {
    const app = new Spikard({ requestTimeout: 5, logger: quiet });
    const router = new Router({ prefix: "/r", bodyLimit: 10, tags: ["r"] });
    router.post("/small", (body: { s: string }) => body);
    router.post("/bigger", (body: { s: string }) => body, { bodyLimit: 100, tags: ["own"] });
    router.get("/slow", async () => (await sleep(300), { late: true }), { timeout: 0.05 });
    app.includeRouter(router);
    const client = new TestClient(app);
    (await client.post("/r/small", { json: { s: "0123456789" } })).assertStatus(413);
    (await client.post("/r/bigger", { json: { s: "0123456789" } })).assertStatusOk();
    (await client.get("/r/slow")).assertStatus(408);
    expect(app.routes.find((r) => r.path === "/r/bigger")!.options.tags).toEqual(["r", "own"]);
  });

  it("a skip naming no middleware is a start-up error that lists the known ones", () => {
    const app = new Spikard();
    app.get("/x", () => ({}), { skip: ["jwtAtuh"] });
    expect(() => app.pipeline()).toThrow(/skip names "jwtAtuh".*jwtAuth/);
  });

  it("use() middleware from the spikard/middleware factories behave as ServerConfig's", async () => {
    const app = new Spikard({ logger: quiet });
    app.use(jwtAuth({ secret: SECRET }) as Middleware);
    app.get("/me", (req: Request) => ({ sub: (req.state.jwt as { sub: string }).sub }));
    const client = new TestClient(app);
    (await client.get("/me")).assertStatus(401);
    expect((await client.get("/me", { headers: { authorization: `Bearer ${token}` } })).json()).toEqual({ sub: "u1" });
  });
});

describe("a handler's Connection: close", () => {
  it("closes the connection after the response (one Connection header, the server's)", async () => {
    const app = new Spikard();
    app.get("/bye", () => new Response({ statusCode: 408, headers: { Connection: "close" }, content: { bye: true } }));
    await using live = new LiveTestClient(app);
    const port = Number(new URL(await live.url).port);
    // A kept-alive client's request: the server still closes after answering it.
    const answer = await rawRequest(port, "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    expect(answer.statuses).toEqual([408]);
    expect(answer.text.toLowerCase().match(/connection: close/g)).toHaveLength(1);
    expect(answer.closed).toBe(true);
    const memory = await new TestClient(app).get("/bye");
    expect(memory.headers.connection).toBe("close");
  });
});

describe("injected values", () => {
  it("are never walked by the framework: a 100 000-item singleton costs the same reads per request as an empty one", async () => {
    class BookRepository {
      readonly books = new Map<number, { title: string }>();
    }
    /** Property reads anybody makes of the repository over `n` requests, after a first one that creates it. */
    const readsPerRequests = async (size: number, n: number): Promise<number> => {
      let reads = 0;
      const counting = <T extends object>(o: T): T =>
        new Proxy(o, {
          get(target, key, receiver) {
            reads++;
            return Reflect.get(target, key, receiver);
          },
        });
      // The repository and every book in it count reads: a check that walked the value would read each title.
      const repo = new BookRepository();
      for (let i = 0; i < size; i++) repo.books.set(i, counting({ title: `book ${i}` }));
      const counted = counting(repo);
      const app = new Spikard();
      app.provide(BookRepository, Provide(() => counted, { singleton: true }));
      app.get("/count", (books: BookRepository) => ({ size: books.books.size }));
      const client = new TestClient(app);
      expect((await client.get("/count")).json()).toEqual({ size });
      reads = 0;
      for (let i = 0; i < n; i++) await client.get("/count");
      return reads;
    };
    const full = await readsPerRequests(100_000, 10);
    expect(full).toBe(await readsPerRequests(0, 10));
    // The handler's own read and the framework's check for a promise: a constant, not a walk.
    expect(full / 10).toBeLessThanOrEqual(3);
  });
});

describe("the docs with authentication configured", () => {
  it("/docs and /openapi.json answer without a token; openapi.public: false puts them behind auth", async () => {
    const build = (pub: boolean | undefined) => {
      const app = new Spikard({ jwtAuth: { secret: SECRET }, openapi: { title: "t", version: "1", ...(pub === undefined ? {} : { public: pub }) }, logger: quiet });
      app.get("/private", () => ({ ok: true }));
      return new TestClient(app);
    };
    const open = build(undefined);
    (await open.get("/openapi.json")).assertStatusOk();
    (await open.get("/docs")).assertStatusOk();
    (await open.get("/private")).assertStatus(401);
    const doc = (await open.get("/openapi.json")).json<{ paths: Record<string, { get: { security?: unknown } }> }>();
    expect(doc.paths["/private"]!.get.security).toEqual([{ bearerAuth: [] }]);
    const closed = build(false);
    (await closed.get("/openapi.json")).assertStatus(401);
  });
});

describe("headers a handler sets, on every way they reach the wire", () => {
  it("an HttpError's header, a cookie and a hook's header with CR/LF answer 500 and write nothing of them", async () => {
    const app = new Spikard({ logger: quiet });
    app.get("/error", (v: Query<string>) => {
      throw new HttpError(401, "no", { headers: { "www-authenticate": v } });
    });
    app.get("/cookie", (v: Query<string>) => new Response({ content: "ok" }).setCookie("a", "b", { domain: v }));
    const hooked = new Router();
    hooked.onResponse((res: AnyResponse, req: Request) => {
      res.headers["x-echo"] = req.queryParam("v") as string;
    });
    hooked.get("/hooked", () => ({ ok: true }));
    app.includeRouter(hooked);
    const client = new TestClient(app);
    for (const path of ["/error", "/cookie", "/hooked"]) {
      const res = await client.get(path, { query: { v: "x\r\nSet-Cookie: evil=1" } });
      expect(res.statusCode, path).toBe(500);
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
    (await client.get("/error", { query: { v: "Bearer" } })).assertStatus(401);
  });
});
