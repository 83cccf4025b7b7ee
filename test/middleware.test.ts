import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { createSigner } from "fast-jwt";
import { describe, expect, it } from "vitest";
import { Request, Spikard, StreamingResponse } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { bothClients } from "./support/clients";

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;


describe.each(bothClients(() => {
  const app = new Spikard({ enableRequestId: true, requestTimeout: 0.2, logger: quiet });
  app.get("/id", (req: Request) => ({ id: req.header("x-request-id") ?? null }));
  app.get("/slow", async () => {
    await new Promise((r) => setTimeout(r, 500));
    return { late: true };
  });
  return app;
}))("request ids and timeouts over %s", (_n, client) => {
  it("generates a UUID v4 request id and returns it", async () => {
    const res = (await client.get("/id")).assertStatusOk();
    expect(res.headers["x-request-id"]).toMatch(UUID);
  });
  it("propagates the client's request id", async () => {
    expect((await client.get("/id", { headers: { "x-request-id": "abc-1" } })).headers["x-request-id"]).toBe("abc-1");
  });
  it("answers 408 with an empty body when the handler is too slow", async () => {
    const res = await client.get("/slow");
    res.assertStatus(408);
    expect(res.text()).toBe("");
    expect(res.headers["x-request-id"]).toMatch(UUID);
  });
});

describe.each(bothClients(() => {
  const app = new Spikard({ compression: { gzip: true, brotli: true, minSize: 100 }, logger: quiet });
  app.get("/big", () => ({ payload: "a".repeat(2000) }));
  app.get("/small", () => ({ payload: "tiny" }));
  const file = "x".repeat(5000);
  app.get("/file", () => new StreamingResponse([file.slice(0, 2500), file.slice(2500)], { mediaType: "text/plain", headers: { "content-length": "5000" } }));
  return app;
}))("compression over %s", (_n, client) => {
  it("compresses a stream that declared its length, dropping that (uncompressed) length for chunked encoding", async () => {
    const res = (await client.get("/file", { headers: { "accept-encoding": "gzip" } })).assertStatusOk();
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers["content-length"]).toBeUndefined();
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(zlib.gunzipSync(res.bytes()).toString()).toBe("x".repeat(5000));
    const plain = (await client.get("/file")).assertStatusOk();
    expect(plain.headers["content-length"]).toBe("5000");
    expect(plain.text()).toBe("x".repeat(5000));
  });
  it("prefers brotli on equal quality and decodes to the same body", async () => {
    const res = await client.get("/big", { headers: { "accept-encoding": "gzip, br" } });
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(JSON.parse(zlib.brotliDecompressSync(res.bytes()).toString())).toEqual({ payload: "a".repeat(2000) });
  });
  it("uses gzip when that is what the client takes, by q-value", async () => {
    const res = await client.get("/big", { headers: { "accept-encoding": "br;q=0.1, gzip;q=0.9" } });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(zlib.gunzipSync(res.bytes()).toString()).payload).toHaveLength(2000);
  });
  it("leaves small bodies and clients without Accept-Encoding alone", async () => {
    const small = await client.get("/small", { headers: { "accept-encoding": "gzip" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.json()).toEqual({ payload: "tiny" });
    const none = await client.get("/big");
    expect(none.headers["content-encoding"]).toBeUndefined();
    expect(none.headers.vary).toBe("Accept-Encoding");
  });
});

// Rate limiting: test/rate-limit.test.ts (and -redis, -workers).

describe.each(bothClients(() => {
  const app = new Spikard({ cors: { allowedOrigins: ["https://app.example.com"], allowedMethods: ["GET", "POST"], allowedHeaders: ["Content-Type"], exposeHeaders: ["X-Total"], maxAge: 600 }, logger: quiet });
  app.get("/data", () => ({ ok: true }));
  app.post("/data", () => ({ ok: true }));
  return app;
}))("CORS over %s", (_n, client) => {
  const origin = { origin: "https://app.example.com" };
  it("answers an allowed preflight with 204 and the allowed methods and headers", async () => {
    const res = await client.options("/data", { headers: { ...origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    res.assertStatus(204);
    expect(res.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(res.headers["access-control-allow-methods"]).toBe("GET, POST");
    expect(res.headers["access-control-allow-headers"]).toBe("Content-Type");
    expect(res.headers["access-control-max-age"]).toBe("600");
  });
  it("refuses a preflight for a method or header that is not allowed", async () => {
    (await client.options("/data", { headers: { ...origin, "access-control-request-method": "DELETE" } })).assertStatus(403);
    (await client.options("/data", { headers: { ...origin, "access-control-request-method": "POST", "access-control-request-headers": "x-secret" } })).assertStatus(403);
  });
  it("adds CORS headers to requests from an allowed origin and refuses others", async () => {
    const ok = (await client.get("/data", { headers: origin })).assertStatusOk();
    expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(ok.headers["access-control-expose-headers"]).toBe("X-Total");
    expect(ok.headers.vary).toBe("Origin");
    const evil = await client.get("/data", { headers: { origin: "https://evil.example" } });
    evil.assertStatus(403);
    expect(evil.json()).toEqual({ detail: "CORS request from origin 'https://evil.example' not allowed" });
    expect((await client.get("/data")).headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("API keys", () => {
  const app = new Spikard({ apiKeyAuth: { keys: ["k1", "k2"], headerName: "X-API-Key" }, logger: quiet });
  app.get("/secret", () => ({ ok: true }));
  const client = new TestClient(app);
  it("accepts a key in the header or the api_key query parameter", async () => {
    (await client.get("/secret", { headers: { "x-api-key": "k2" } })).assertStatusOk();
    (await client.get("/secret?api_key=k1")).assertStatusOk();
  });
  it("answers 401 problem details for missing and wrong keys, also on unknown routes", async () => {
    const missing = await client.get("/secret");
    missing.assertStatus(401);
    expect(missing.json()).toEqual({ type: "https://spikard.dev/errors/unauthorized", title: "Missing API key", status: 401, detail: "Expected 'X-API-Key' header or 'api_key' query parameter with valid API key" });
    expect((await client.get("/secret", { headers: { "x-api-key": "nope" } })).json().title).toBe("Invalid API key");
    (await client.get("/does-not-exist")).assertStatus(401);
  });
});

describe("JWT", () => {
  const secret = "test-secret";
  const sign = createSigner({ key: secret });
  const now = Math.floor(Date.now() / 1000);
  const app = new Spikard({ jwtAuth: { secret, audience: ["api"], issuer: "auth" }, logger: quiet });
  app.get("/me", (req: Request) => ({ sub: (req.state.jwt as { sub: string }).sub }));
  const client = new TestClient(app);
  const call = (token: string) => client.get("/me", { headers: { authorization: `Bearer ${token}` } });
  const detail = async (token: string) => (await call(token)).json().detail as string;

  it("lets a valid token through and exposes its claims in req.state.jwt", async () => {
    expect((await call(sign({ sub: "u1", exp: now + 60, aud: ["api"], iss: "auth" }))).assertStatusOk().json()).toEqual({ sub: "u1" });
  });
  it("answers Spikard's 401s for each failure", async () => {
    expect((await client.get("/me")).json().title).toBe("Missing or invalid Authorization header");
    expect((await client.get("/me", { headers: { authorization: "Basic x" } })).json().title).toBe("Invalid Authorization header format");
    expect(await detail("a.b")).toBe("Malformed JWT token: expected 3 parts separated by dots, found 2");
    expect(await detail(sign({ sub: "u1", exp: now - 10, aud: ["api"], iss: "auth" }))).toBe("Token has expired");
    expect(await detail(createSigner({ key: "other" })({ sub: "u1", exp: now + 60 }))).toBe("Token signature is invalid");
    expect(await detail(sign({ sub: "u1", exp: now + 60, aud: ["elsewhere"], iss: "auth" }))).toBe("Token audience is invalid");
    expect(await detail(sign({ sub: "u1", exp: now + 60, aud: ["api"], iss: "evil" }))).toBe("Token issuer is invalid");
    expect(await detail(sign({ sub: "u1", exp: now + 600, nbf: now + 300, aud: ["api"], iss: "auth" }))).toBe("JWT not valid yet, not before claim is in the future");
    expect(await detail(sign({ sub: "u1", aud: ["api"], iss: "auth" }))).toBe("Token validation failed: Missing required claim: exp");
  });
  it("documents the scheme in OpenAPI", async () => {
    const documented = new Spikard({ jwtAuth: { secret }, apiKeyAuth: { keys: ["k"] }, openapi: { title: "t" } });
    documented.get("/x", () => "x");
    const doc = documented.openapi() as { components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, { security: unknown }>> };
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" }, apiKeyAuth: { type: "apiKey", in: "header", name: "X-API-Key" } });
    expect(doc.paths["/x"]!.get!.security).toEqual([{ bearerAuth: [], apiKeyAuth: [] }]);
  });
});

describe("static files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-static-"));
  fs.writeFileSync(path.join(dir, "hello.txt"), "Hello from static storage");
  fs.mkdirSync(path.join(dir, "app"));
  fs.writeFileSync(path.join(dir, "app", "index.html"), "<h1>Welcome</h1>");
  fs.writeFileSync(path.join(dir, "big.bin"), Buffer.alloc(300 * 1024, 7));
  fs.writeFileSync(path.join(os.tmpdir(), "spikard-outside.txt"), "secret");
  const build = (): Spikard => {
    const app = new Spikard({ staticFiles: [{ directory: dir, routePrefix: "/public", cacheControl: "public, max-age=60" }], logger: quiet });
    app.get("/public/api", () => ({ route: true }));
    return app;
  };
  describe.each(bothClients(build))("over %s", (_n, client) => {
    it("serves files with type, cache-control and validators", async () => {
      const res = (await client.get("/public/hello.txt")).assertStatusOk();
      expect(res.text()).toBe("Hello from static storage");
      expect(res.headers["content-type"]).toBe("text/plain");
      expect(res.headers["cache-control"]).toBe("public, max-age=60");
      const again = await client.get("/public/hello.txt", { headers: { "if-none-match": res.headers.etag! } });
      again.assertStatus(304);
      expect(again.text()).toBe("");
    });
    it("serves index.html for directories and streams large files", async () => {
      expect((await client.get("/public/app/")).assertStatusOk().text()).toBe("<h1>Welcome</h1>");
      const big = (await client.get("/public/big.bin")).assertStatusOk();
      expect(big.bytes().length).toBe(300 * 1024);
      const head = (await client.head("/public/big.bin")).assertStatusOk();
      expect(head.headers["content-length"]).toBe(String(300 * 1024));
    });
    it("never escapes the directory, and falls through to routes", async () => {
      (await client.get("/public/..%2f..%2fspikard-outside.txt")).assertStatus(404);
      expect((await client.get("/public/api")).json()).toEqual({ route: true });
    });
  });
});
