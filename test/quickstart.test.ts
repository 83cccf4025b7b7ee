import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildApp } from "./apps/quickstart";

const live = new LiveTestClient(buildApp());
afterAll(() => live.close());

describe.each([
  ["TestClient", new TestClient(buildApp())],
  ["LiveTestClient", live],
] as const)("quick start over %s", (_name, client) => {
  it("decodes a typed path parameter", async () => {
    const res = (await client.get("/users/42")).assertStatusOk();
    expect(res.json()).toEqual({ id: 42, name: "Alice" });
    expect(res.headers["content-type"]).toBe("application/json");
  });

  it("rejects a non-integer path parameter with Spikard's 422 body", async () => {
    const res = await client.get("/users/abc");
    res.assertStatus(422);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.json()).toEqual({
      type: "https://spikard.dev/errors/validation-error",
      title: "Request Validation Failed",
      status: 422,
      detail: "1 validation error in request",
      errors: [{ type: "int_parsing", loc: ["path", "id"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "abc" }],
    });
  });

  it("applies JS default values and reports bad query values", async () => {
    expect((await client.get("/search", { query: { q: "ts" } })).json()).toEqual({ query: "ts", limit: 10 });
    expect((await client.get("/search", { query: { q: "ts", limit: 3 } })).json()).toEqual({ query: "ts", limit: 3 });
    const bad = await client.get("/search?limit=abc");
    bad.assertStatus(422);
    // Presence and parsing errors, by parameter name.
    expect(bad.json().errors).toEqual([
      { type: "int_parsing", loc: ["query", "limit"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "abc" },
      { type: "missing", loc: ["query", "q"], msg: "Field required", input: null },
    ]);
  });

  it("reads booleans and repeated keys as arrays; optional params may be absent", async () => {
    expect((await client.get("/flags?active=true&ids=1&ids=2")).json()).toEqual({ active: true, ids: [1, 2] });
    expect((await client.get("/flags?active=0")).json()).toEqual({ active: false });
    const bad = await client.get("/flags?active=maybe&ids=1&ids=x");
    expect(bad.json().errors).toEqual([
      { type: "bool_parsing", loc: ["query", "active"], msg: "Input should be a valid boolean, unable to interpret input", input: "maybe" },
      { type: "float_parsing", loc: ["query", "ids"], msg: "Input should be a valid number, unable to parse string as a number", input: "x" },
    ]);
  });

  it("maps snake_case header parameters to hyphenated headers, and honours explicit names", async () => {
    expect((await client.get("/info", { headers: { "X-Token": "abc" } })).json()).toEqual({ token: "abc" });
    const missing = await client.get("/info");
    expect(missing.json().errors).toEqual([{ type: "missing", loc: ["headers", "x-token"], msg: "Field required", input: null }]);
    expect((await client.get("/request-id", { headers: { "x-request-id": "r1" } })).json()).toEqual({ id: "r1" });
  });

  it("reads cookies", async () => {
    expect((await client.get("/profile", { cookies: { session_id: "s1" } })).json()).toEqual({ session: "s1" });
    expect((await client.get("/profile")).json().errors[0].loc).toEqual(["cookie", "session_id"]);
  });

  it("validates JSON bodies with typia tags, all errors at once", async () => {
    expect((await client.post("/payments", { json: { id: "abc", amount: 5 } })).json()).toEqual({ id: "abc", amount: 5 });
    const bad = await client.post("/payments", { json: { id: "ab", amount: -1 } });
    bad.assertStatus(422);
    expect(bad.json().detail).toBe("2 validation errors in request");
    expect(bad.json().errors).toEqual([
      { type: "greater_than_equal", loc: ["body", "amount"], msg: "Input should be greater than or equal to 0", input: -1, ctx: { ge: 0 } },
      { type: "string_too_short", loc: ["body", "id"], msg: "String should have at least 3 characters", input: "ab", ctx: { min_length: 3 } },
    ]);
  });

  it("answers malformed JSON with 400, not 500", async () => {
    const res = await client.post("/payments", { body: '{"id": ', headers: { "content-type": "application/json" } });
    res.assertStatus(400);
  });

  it("serializes with typia: undeclared properties do not leak", async () => {
    const res = await client.post("/payments", { json: { id: "abc", amount: 5, secret: "x" } });
    expect(res.json()).toEqual({ id: "abc", amount: 5 });
  });

  it("gives Response full control of status, headers and media type", async () => {
    const res = (await client.get("/download")).assertStatusOk();
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="file.bin"');
    expect(res.text()).toBe("file data");
    const created = await client.post("/created", { json: { name: "n" } });
    created.assertStatus(201);
    expect(created.headers["x-created"]).toBe("yes");
    expect(created.json()).toEqual({ name: "n" });
  });

  it("streams a StreamingResponse", async () => {
    const res = (await client.get("/stream")).assertStatusOk();
    expect(res.headers["content-type"]).toBe("text/plain");
    expect(res.text()).toBe("chunk 0\nchunk 1\nchunk 2\n");
  });

  it("answers strings as text/plain and bytes as octet-stream", async () => {
    const text = await client.get("/text");
    expect(text.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(text.text()).toBe("hello");
    const bytes = await client.get("/bytes");
    expect(bytes.headers["content-type"]).toBe("application/octet-stream");
    expect([...bytes.bytes()]).toEqual([1, 2, 3]);
  });

  it("turns HttpError into problem details", async () => {
    const res = await client.get("/teapot");
    res.assertStatus(418);
    expect(res.json()).toMatchObject({ status: 418, detail: "I refuse to brew coffee", title: "I'm a teapot" });
  });

  it("answers unexpected exceptions with 500 problem details and no internals", async () => {
    for (const path of ["/boom", "/async-boom"]) {
      const res = await client.get(path);
      res.assertStatus(500);
      expect(res.json()).toEqual({ type: "https://spikard.dev/errors/internal-server-error", title: "Internal Server Error", status: 500, detail: "Internal server error" });
      expect(res.text()).not.toContain("secret");
    }
  });

  it("treats a parameter named like a path segment as a path parameter, others as query", async () => {
    expect((await client.get("/items/5?q=x")).json()).toEqual({ item_id: 5, q: "x" });
    expect((await client.get("/items/5")).json()).toEqual({ item_id: 5, q: null });
  });

  it("supports every verb, HEAD for GET routes, and 404/405", async () => {
    expect((await client.put("/items/3", { json: { name: "a" } })).json()).toEqual({ item_id: 3, name: "a" });
    expect((await client.patch("/items/3")).json()).toEqual({ patched: 3 });
    expect((await client.delete("/items/3")).json()).toEqual({ deleted: 3 });
    const opts = await client.options("/items/3");
    opts.assertStatus(204);
    const head = await client.head("/users/1");
    head.assertStatus(200);
    expect(head.text()).toBe("");
    expect(head.headers["content-length"]).toBe(String(JSON.stringify({ id: 1, name: "Alice" }).length));
    const notFound = await client.get("/missing");
    notFound.assertStatus(404);
    expect(notFound.json().type).toBe("https://spikard.dev/errors/not-found");
    const notAllowed = await client.post("/users/1");
    notAllowed.assertStatus(405);
    expect(notAllowed.headers.allow).toBe("GET,HEAD");
    // A method with no catch-all of its own in the uWS adapter arrives through its `any` route.
    const other = await client.request("TRACE", "/users/1");
    other.assertStatus(405);
    expect(other.headers.allow).toBe("GET,HEAD");
  });

  it("captures the rest of the path with {name:path}", async () => {
    expect((await client.get("/files/a/b/c.txt")).json()).toEqual({ file_path: "a/b/c.txt" });
  });

  it("mounts routers under their prefix", async () => {
    expect((await client.get("/api/users/9")).json()).toEqual({ id: 9 });
  });

  it("injects the Request object", async () => {
    expect((await client.get("/echo-request", { headers: { "user-agent": "t" } })).json()).toEqual({ method: "GET", path: "/echo-request", ua: "t" });
  });
});
