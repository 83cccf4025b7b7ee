import { afterAll, describe, expect, it } from "vitest";
import { Spikard } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";

// Browsers send Origin on same-origin POSTs; Swagger UI's "Try it out" from the app's own /docs is one.
// A request whose Origin is the server's own (scheme and Host) is not cross-origin and passes CORS untouched.

const build = (): Spikard => {
  const app = new Spikard({ cors: { allowedOrigins: ["https://app.example.com"] }, openapi: { title: "t" } });
  app.post("/echo", () => ({ ok: true }));
  return app;
};
const live = new LiveTestClient(build());
afterAll(() => live.close());

describe("CORS and the server's own origin", () => {
  it("over a real socket: a POST from the page the server itself served (Origin = http://<Host>) answers 200, with no CORS headers", async () => {
    const own = await live.url;
    const res = (await live.post("/echo", { json: {}, headers: { origin: own } })).assertStatusOk();
    expect(res.json()).toEqual({ ok: true });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it.each([
    ["another host", (own: string) => own.replace("127.0.0.1", "localhost")],
    ["another port", (own: string) => own.replace(/:(\d+)$/, (_m, p) => `:${Number(p) + 1}`)],
    ["another scheme", (own: string) => own.replace("http:", "https:")],
    ["the host as a prefix of another", (own: string) => `${own}.evil.example`],
    ["the host in userinfo", (own: string) => own.replace("http://", "http://evil.example@")],
    ["with a path", (own: string) => `${own}/docs`],
    ["null", () => "null"],
  ])("over a real socket: an Origin of %s is still refused (403)", async (_what, origin) => {
    (await live.post("/echo", { json: {}, headers: { origin: origin(await live.url) } })).assertStatus(403);
  });

  const client = new TestClient(build());
  it("in process: Host and Origin agree (case-insensitively, default port or not)", async () => {
    for (const [host, origin] of [
      ["api.example.com", "http://api.example.com"],
      ["API.example.com:80", "http://api.example.com"],
      ["api.example.com:8080", "http://API.EXAMPLE.COM:8080"],
    ]) {
      (await client.post("/echo", { json: {}, headers: { host: host!, origin: origin! } })).assertStatusOk();
    }
  });

  it("behind a TLS proxy, X-Forwarded-Proto names the page's scheme", async () => {
    (await client.post("/echo", { json: {}, headers: { host: "api.example.com", origin: "https://api.example.com", "x-forwarded-proto": "https" } })).assertStatusOk();
    (await client.post("/echo", { json: {}, headers: { host: "api.example.com", origin: "https://api.example.com" } })).assertStatus(403);
    (await client.post("/echo", { json: {}, headers: { host: "api.example.com", origin: "http://api.example.com", "x-forwarded-proto": "https" } })).assertStatus(403);
  });

  it("allowed origins keep their CORS headers, other origins their 403", async () => {
    const ok = (await client.post("/echo", { json: {}, headers: { host: "api.example.com", origin: "https://app.example.com" } })).assertStatusOk();
    expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    (await client.post("/echo", { json: {}, headers: { host: "api.example.com", origin: "https://evil.example" } })).assertStatus(403);
  });
});
