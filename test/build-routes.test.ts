import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { LiveTestClient } from "spikard/testing";
import { buildWithEsbuild, buildWithTsc, buildWithTspc, buildWithUnplugin, generate, userProject, type Bundler } from "./support/build-routes";
import { typescript6WithTsPatch4, typescript7 } from "./support/compilers";

/**
 * One app (test/apps/build-routes), built every way a project can: tspc on
 * TypeScript 5.9 (ts-patch 3) or TypeScript 6 (ts-patch 4), metadata written
 * into the calls; `spikard gen` and then TypeScript 7's or 6's tsc, or esbuild
 * (metadata in a generated folder the app imports once); esbuild, Rolldown
 * and webpack with spikard/unplugin; and run directly with
 * `node --import spikard/register`. The same requests get the same
 * answers from each, over a real socket (WebSocket and SSE routes too, with
 * the ws package and fetch), and each serves the same OpenAPI and AsyncAPI
 * documents, byte for byte.
 */
interface Build {
  name: string;
  start(): Promise<{ entry: string; nodeArgs?: string[]; dir: string }>;
}

const BUILDS: Build[] = [
  { name: "tspc (TypeScript 5.9)", start: async () => { const dir = userProject("main.ts", { plugins: [{ transform: "spikard/transformer" }] }); return { dir, entry: buildWithTspc(dir) }; } },
  {
    name: "tspc (ts-patch 4, TypeScript 6)",
    start: async () => {
      const { tspc, version } = await typescript6WithTsPatch4();
      expect(version).toMatch(/^6\./);
      const dir = userProject("main.ts", { plugins: [{ transform: "spikard/transformer" }] });
      return { dir, entry: buildWithTspc(dir, tspc) };
    },
  },
  { name: "spikard gen + TypeScript 7's tsc", start: async () => generateThenTsc((await typescript7()).tsc) },
  { name: "spikard gen + TypeScript 6's tsc", start: async () => generateThenTsc((await typescript6WithTsPatch4()).tsc) },
  { name: "spikard gen + esbuild", start: async () => { const dir = userProject("main-generated.ts"); generate(dir); return { dir, entry: buildWithEsbuild(dir) }; } },
  ...(["esbuild", "rolldown", "webpack"] as Bundler[]).map((bundler) => ({ name: `${bundler} + spikard/unplugin`, start: async () => { const dir = userProject("main.ts"); return { dir, entry: buildWithUnplugin(dir, bundler) }; } })),
  { name: "node --import spikard/register", start: async () => { const dir = userProject("main.ts"); return { dir, entry: path.join(dir, "src", "main.ts"), nodeArgs: ["--import", "spikard/register"] }; } },
];

function generateThenTsc(tsc: string): { dir: string; entry: string } {
  const dir = userProject("main-generated.ts");
  generate(dir);
  return { dir, entry: buildWithTsc(dir, tsc) };
}

const documents = new Map<string, string>();
const asyncapiDocuments = new Map<string, string>();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each(BUILDS)("the app built with $name", (build) => {
  let client: LiveTestClient;
  beforeAll(async () => {
    const { dir, entry, nodeArgs } = await build.start();
    dirs.push(dir);
    client = await LiveTestClient.fromModule(entry, { nodeArgs, startTimeout: 240_000 });
  }, 600_000);
  afterAll(() => client?.close());

  it("decodes and validates path and query parameters, with defaults and optionals", async () => {
    expect((await client.get("/items/5")).assertStatusOk().json()).toEqual({ item_id: 5, q: "xx", flag: null });
    expect((await client.get("/items/5?q=abc&flag=true")).json()).toEqual({ item_id: 5, q: "abc", flag: true });
    const badPath = await client.get("/items/x");
    badPath.assertStatus(422);
    expect(badPath.json().errors).toEqual([{ type: "int_parsing", loc: ["path", "item_id"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" }]);
    const short = await client.get("/items/5?q=a");
    short.assertStatus(422);
    expect(short.json().errors).toEqual([{ type: "string_too_short", loc: ["query", "q"], msg: "String should have at least 2 characters", input: "a", ctx: { min_length: 2 } }]);
    const notBool = await client.get("/items/5?flag=maybe");
    expect(notBool.json().errors).toEqual([{ type: "bool_parsing", loc: ["query", "flag"], msg: "Input should be a valid boolean, unable to interpret input", input: "maybe" }]);
  });

  it("reads repeated query keys as arrays and checks literal unions", async () => {
    expect((await client.get("/search?terms=a&terms=b&mode=any")).json()).toEqual({ terms: ["a", "b"], mode: "any" });
    const bad = await client.get("/search?terms=a&mode=some");
    bad.assertStatus(422);
    expect(bad.json().errors.map((e: { loc: string[] }) => e.loc)).toEqual([["query", "mode"]]);
  });

  it("reads headers and cookies, and injects a named dependency", async () => {
    expect((await client.get("/whoami", { headers: { "x-token": "t1" }, cookies: { session_id: "s1" } })).json()).toEqual({ token: "t1", session: "s1", greeting: "hello" });
    const missing = await client.get("/whoami");
    missing.assertStatus(422);
    expect(missing.json().errors).toEqual([{ type: "missing", loc: ["headers", "x-token"], msg: "Field required", input: null }]);
  });

  it("serializes with the declared return type: undeclared properties never leak", async () => {
    expect((await client.get("/secret")).json()).toEqual({ visible: 1 });
  });

  it("takes text and byte bodies", async () => {
    expect((await client.post("/echo/text", { body: "shout", headers: { "content-type": "text/plain" } })).text()).toBe("SHOUT");
    expect((await client.post("/echo/bytes", { body: Buffer.from([1, 2, 3, 4]), headers: { "content-type": "application/octet-stream" } })).json()).toEqual({ size: 4 });
  });

  it("answers Response and StreamingResponse as returned", async () => {
    const csv = (await client.get("/download")).assertStatusOk();
    expect(csv.headers["content-type"]).toBe("text/csv");
    expect(csv.text()).toBe("a,b\n1,2\n");
    expect((await client.get("/stream")).text()).toBe("line 0\nline 1\nline 2\n");
  });

  it("injects class dependencies built by a factory whose own header parameter is validated", async () => {
    expect((await client.get("/session", { headers: { "x-user": "u1" } })).json()).toEqual({ user: "u1", known: 1 });
    const bad = await client.get("/session");
    bad.assertStatus(422);
    expect(bad.json().errors).toEqual([{ type: "missing", loc: ["headers", "x-user"], msg: "Field required", input: null }]);
  });

  it("runs hooks with injected parameters", async () => {
    expect((await client.get("/items/1")).headers["x-users"]).toBe("1");
  });

  it("serves routers' routes under their prefixes, with bodies of imported types", async () => {
    expect((await client.get("/users")).json()).toEqual([{ id: 1, name: "Ada", email: "ada@example.com", role: "member", tags: [] }]);
    expect((await client.get("/users/1")).json()).toMatchObject({ id: 1, name: "Ada" });
    const absent = await client.get("/users/9");
    absent.assertStatus(404);
    expect(absent.json()).toMatchObject({ status: 404, detail: "no user 9" });
    const created = await client.post("/users", { json: { name: "Bob", email: "bob@example.com", role: "admin", tags: ["x"], extra: "dropped", address: { street: "Main", zip: "12345", floor: 3 } } });
    created.assertStatus(201);
    expect(created.json()).toEqual({ id: 100, name: "Bob", email: "bob@example.com", role: "admin", tags: ["x"], address: { street: "Main", zip: "12345" } });
    const bad = await client.post("/users", { json: { name: "B", email: "not-mail", role: "root", tags: ["far-too-long-tag"], address: { street: "", zip: "1" }, age: 1.5 } });
    bad.assertStatus(422);
    expect(bad.json().errors.map((e: { type: string; loc: string[] }) => [e.type, e.loc.join(".")]).sort()).toEqual(
      [
        ["string_too_short", "body.name"],
        ["string_pattern_mismatch", "body.email"],
        ["enum", "body.role"],
        ["string_too_long", "body.tags.0"],
        ["string_too_short", "body.address.street"],
        ["string_pattern_mismatch", "body.address.zip"],
        ["int_parsing", "body.age"],
      ].sort(),
    );
    expect((await client.get("/orders")).json()).toEqual({ orders: [] });
  });

  it("validates a body together with a dependency and an optional header", async () => {
    expect((await client.post("/orders", { json: { sku: "ABC-1", quantity: 2 }, headers: { "x-user": "u2", "x-trace": "t" } })).json()).toEqual({ orderId: 7, total: 6, by: "u2", trace: "t" });
    const bad = await client.post("/orders", { json: { sku: "abc", quantity: 0 }, headers: { "x-user": "u2" } });
    bad.assertStatus(422);
    expect(bad.json().errors.map((e: { loc: string[] }) => e.loc.join("."))).toEqual(["body.quantity", "body.sku"]);
  });

  it("answers unknown routes 404 and wrong methods 405", async () => {
    (await client.get("/nope")).assertStatus(404);
    const wrong = await client.delete("/items/1");
    wrong.assertStatus(405);
    expect(wrong.headers.allow).toBe("GET,HEAD");
  });

  it("serves a WebSocket route: handshake parameters and messages validated, app.publish checked and serialized by its type", async () => {
    const base = (await client.url).replace(/^http/, "ws");
    const refused = await handshake(`${base}/rooms/x?name=ada`);
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body).errors).toEqual([{ type: "string_too_short", loc: ["path", "room"], msg: "String should have at least 2 characters", input: "x", ctx: { min_length: 2 } }]);
    const ada = await connect(`${base}/rooms/den?name=ada`);
    const bob = await connect(`${base}/rooms/den?name=bob`);
    try {
      ada.socket.send(JSON.stringify({ text: "hello", extra: 1 }));
      // Published to the room: both sockets get it, without the property its type does not declare.
      const echo = { room: "den", from: "ada", text: "hello" };
      expect(await ada.next()).toEqual(echo);
      expect(await bob.next()).toEqual(echo);
      bob.socket.send(JSON.stringify({ text: "x".repeat(21) }));
      expect(await bob.next()).toEqual({
        error: "Message validation failed",
        errors: [{ type: "string_too_long", loc: ["body", "text"], msg: "String should have at most 20 characters", input: "x".repeat(21), ctx: { max_length: 20 } }],
      });
      bob.socket.send("{not json");
      expect(await bob.next()).toEqual({ type: "error", message: "Invalid JSON" });
      bob.socket.send(JSON.stringify({ text: "still here" }));
      expect(await ada.next()).toEqual({ room: "den", from: "bob", text: "still here" });
    } finally {
      ada.socket.close();
      bob.socket.close();
    }
  });

  it("serves an SSE route under its router's prefix: parameters validated, events written with the yield type", async () => {
    const base = await client.url;
    const res = await fetch(`${base}/ticker/ABC?count=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))).toEqual([
      { symbol: "ABC", price: 100 },
      { symbol: "ABC", price: 101 },
    ]);
    const badSymbol = await fetch(`${base}/ticker/abc`);
    expect(badSymbol.status).toBe(422);
    expect(((await badSymbol.json()) as { errors: Array<{ type: string; loc: string[] }> }).errors.map((e) => `${e.type}@${e.loc.join(".")}`)).toEqual(["string_pattern_mismatch@path.symbol"]);
    const tooMany = await fetch(`${base}/ticker/ABC?count=9`);
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as { errors: Array<{ type: string; loc: string[] }> }).errors.map((e) => `${e.type}@${e.loc.join(".")}`)).toEqual(["less_than_equal@query.count"]);
  });

  it("serves its AsyncAPI document", async () => {
    const doc = (await client.get("/asyncapi.json")).assertStatusOk();
    asyncapiDocuments.set(build.name, doc.text());
    expect(Object.keys(doc.json().channels).length).toBe(2);
  });

  it("serves its OpenAPI document", async () => {
    const doc = (await client.get("/openapi.json")).assertStatusOk();
    documents.set(build.name, doc.text());
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(["/items/{item_id}", "/users", "/users/{id}", "/orders", "/session"]));
  });
});

describe("every build", () => {
  it("serve byte-identical /openapi.json documents", () => {
    expect([...documents.keys()]).toEqual(BUILDS.map((b) => b.name));
    const [first, ...rest] = [...documents.values()];
    for (const text of rest) expect(text).toBe(first);
  });

  it("serve byte-identical /asyncapi.json documents", () => {
    expect([...asyncapiDocuments.keys()]).toEqual(BUILDS.map((b) => b.name));
    const [first, ...rest] = [...asyncapiDocuments.values()];
    for (const text of rest) expect(text).toBe(first);
  });
});

/** A handshake the server refuses: its status and body. */
function handshake(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("open", () => reject(new Error(`${url}: the handshake was accepted`)));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("error", () => {});
  });
}

/** An open socket and its next JSON message. */
async function connect(url: string): Promise<{ socket: WebSocket; next(): Promise<unknown> }> {
  const socket = new WebSocket(url);
  const queue: unknown[] = [];
  const waiting: Array<(m: unknown) => void> = [];
  socket.on("message", (data) => {
    const m = JSON.parse(String(data)) as unknown;
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))) };
}
