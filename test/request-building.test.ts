import { describe, expect, it } from "vitest";
import { Spikard, type Query, type Request } from "spikard";
import { TestClient } from "spikard/testing";

// A route that reads nothing of the request (a health check) gets no Request object built; every
// route that reads something does, and answers as before.
describe("building the Request only for routes that read it", () => {
  const plain = new Spikard();
  plain.get("/health", () => ({ ok: true }));
  plain.get("/items/{id:int}", () => "typed segment, no argument");
  plain.get("/search", (q: Query<string>) => ({ q }));
  plain.get("/whole", (req: Request) => ({ path: req.path }));
  const hooked = new Spikard();
  hooked.get("/health", () => ({ ok: true }));
  hooked.onRequest((req) => req);

  const uses = (a: Spikard, path: string): boolean => a.pipeline().routes.find((r) => r.path === path)!.usesRequest;

  it("marks only the routes that read the request", () => {
    expect(uses(plain, "/health")).toBe(false);
    expect(uses(plain, "/items/{id:int}")).toBe(true);
    expect(uses(plain, "/search")).toBe(true);
    expect(uses(plain, "/whole")).toBe(true);
    // Hooks receive the request.
    expect(uses(hooked, "/health")).toBe(true);
  });

  it("answers every kind of route as before", async () => {
    const client = new TestClient(plain);
    expect((await client.get("/health")).json()).toEqual({ ok: true });
    (await client.head("/health")).assertStatus(200);
    expect((await client.get("/items/7")).text()).toBe("typed segment, no argument");
    (await client.get("/items/seven")).assertStatus(422);
    expect((await client.get("/search?q=x")).json()).toEqual({ q: "x" });
    expect((await client.get("/whole")).json()).toEqual({ path: "/whole" });
    expect((await new TestClient(hooked).get("/health")).json()).toEqual({ ok: true });
  });
});
