import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { compileApps } from "./support/compile-app";
import { cli, tempProject, tspc } from "./support/generated-project";

const ROOT = path.resolve(__dirname, "..");

/** A typed fetch client generated from test/apps/client-app.ts, exercised over a real socket and by tsc. */
describe("spikard client", () => {
  let compiled: { dir: string; out: string };
  let project: string;
  let server: LiveTestClient;
  let api: any;

  beforeAll(async () => {
    compiled = compileApps(["test/apps/client-app.ts"]);
    project = tempProject("spikard-client-");
    fs.mkdirSync(path.join(project, "src"));
    const r = cli(["client", path.join(compiled.out, "client-app.js"), "--out", path.join(project, "src", "client.ts")]);
    expect(r.status, r.stderr).toBe(0);
    server = await LiveTestClient.fromModule(path.join(compiled.out, "client-app.js"));
    const mod = (await import(path.join(project, "src", "client.ts"))) as { createClient(o: { baseUrl: string }): unknown };
    api = mod.createClient({ baseUrl: await server.url });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(compiled.dir, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("depends on nothing but fetch", () => {
    const code = fs.readFileSync(path.join(project, "src", "client.ts"), "utf8");
    expect(code).not.toMatch(/^import /m);
    expect(code).not.toMatch(/require\(/);
  });

  it("is the same text when generated again, and --check agrees", () => {
    const out = path.join(project, "src", "client.ts");
    const before = fs.readFileSync(out, "utf8");
    expect(cli(["client", path.join(compiled.out, "client-app.js"), "--out", out, "--check"]).status).toBe(0);
    fs.appendFileSync(out, "// edit\n");
    const stale = cli(["client", path.join(compiled.out, "client-app.js"), "--out", out, "--check"]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("[OUTPUT_STALE]");
    fs.writeFileSync(out, before);
  });

  describe("calls every route of the app over a real socket", () => {
    it("path parameters and JSON results", async () => {
      const r = await api.getUser({ path: { id: 42 } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: 42, name: "Ada" });
    });

    it("query parameters: defaults, repeated keys and a separator", async () => {
      expect((await api.listUsers()).body).toEqual([{ id: 10, name: "|" }]);
      const r = await api.listUsers({ query: { limit: 3, tag: ["a", "b"], ids: [1, 2] } });
      expect(r.body).toEqual([{ id: 3, name: "a+b|1+2" }]);
    });

    it("a JSON body, with the route's own success status", async () => {
      const r = await api.createUser({ body: { name: "Grace", email: "grace@example.com" } });
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ id: 7, name: "Grace", email: "grace@example.com" });
    });

    it("the documented 422, discriminated by status", async () => {
      const r = await api.createUser({ body: { name: "", email: "nope" } });
      expect(r.status).toBe(422);
      expect(r.body.errors.map((e: { loc: string[] }) => e.loc)).toEqual([
        ["body", "email"],
        ["body", "name"],
      ]);
    });

    it("an empty 204", async () => {
      const r = await api.deleteUser({ path: { id: 1 } });
      expect(r).toMatchObject({ status: 204, body: undefined });
    });

    it("headers and cookies by their wire names", async () => {
      const r = await api.whoami({ headers: { "x-token": "t0k", "x-trace-id": "tr-1" }, cookies: { session_id: "s 1;x" } });
      expect(r.body).toEqual({ token: "t0k", session: "s 1;x", trace: "tr-1" });
    });

    it("files as Blobs in a multipart body", async () => {
      const file = new File([new TextEncoder().encode("hello file")], "hello.txt", { type: "text/plain" });
      const r = await api.upload({ body: { file, note: "n" } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ filename: "hello.txt", size: 10, note: "n", content: "hello file" });
    });

    it("text bodies and results", async () => {
      const r = await api.echo({ body: "shout" });
      expect(r).toMatchObject({ status: 200, body: "SHOUT" });
    });

    it("bytes as a Blob", async () => {
      const r = await api.bytes();
      expect([...new Uint8Array(await r.body.arrayBuffer())]).toEqual([1, 2, 3]);
    });

    it("a streaming response as an async iterable of chunks", async () => {
      const r = await api.stream();
      const parts: string[] = [];
      for await (const chunk of r.body as AsyncIterable<Uint8Array>) parts.push(new TextDecoder().decode(chunk));
      expect(parts.join("")).toBe("abc");
    });

    it("a route without an operationId, named by its method and path", async () => {
      expect((await api.getHealth()).body).toEqual({ ok: true });
    });

    it("an undocumented status as ClientError, with its status and body", async () => {
      await expect(api.teapot()).rejects.toMatchObject({ name: "ClientError", status: 418 });
    });

    it("a documented JSON response that is not JSON as ClientError, not a SyntaxError", async () => {
      const mod = (await import(path.join(project, "src", "client.ts"))) as { createClient(o: { baseUrl: string; fetch: typeof fetch }): typeof api };
      const lying = mod.createClient({ baseUrl: "http://x", fetch: async () => new Response("{not json", { status: 200, headers: { "content-type": "application/json" } }) });
      await expect(lying.getUser({ path: { id: 1 } })).rejects.toMatchObject({ name: "ClientError", status: 200, body: "{not json" });
    });

    it("path values are encoded, so one cannot reach another route", async () => {
      const seen: string[] = [];
      const mod = (await import(path.join(project, "src", "client.ts"))) as { createClient(o: { baseUrl: string; fetch: typeof fetch }): typeof api };
      const spy = mod.createClient({ baseUrl: "http://x/base/", fetch: async (url) => (seen.push(String(url)), new Response("{}", { status: 200 })) });
      await spy.getUser({ path: { id: "../admin?x=1#" } });
      expect(seen).toEqual(["http://x/base/users/..%2Fadmin%3Fx%3D1%23"]);
    });
  });

  describe("types", () => {
    it("pins parameter, body and result types (expectTypeOf, checked by tsc)", () => {
      fs.writeFileSync(
        path.join(project, "src", "types.test-d.ts"),
        `import { expectTypeOf } from "vitest";
import { createClient, type ClientError, type Result, type User, type ValidationProblem } from "./client";

const api = createClient({ baseUrl: "http://localhost" });
expectTypeOf(api.getUser).parameter(0).toEqualTypeOf<{ path: { id: number } }>();
expectTypeOf(api.getUser).returns.resolves.toEqualTypeOf<Result<200, User> | Result<422, ValidationProblem>>();
expectTypeOf(api.whoami).parameter(0).toEqualTypeOf<{ headers: { "x-token": string; "x-trace-id"?: string }; cookies: { session_id: string } }>();
expectTypeOf(api.listUsers).parameter(0).toEqualTypeOf<{ query?: { limit?: number; tag?: Array<string>; ids?: Array<number> } } | undefined>();
expectTypeOf<Parameters<typeof api.upload>[0]["body"]["file"]>().toEqualTypeOf<Blob>();
expectTypeOf(api.stream).returns.resolves.toEqualTypeOf<Result<200, AsyncIterable<Uint8Array>>>();
expectTypeOf(api.deleteUser).returns.resolves.toEqualTypeOf<Result<204, undefined> | Result<422, ValidationProblem>>();
expectTypeOf<ClientError["status"]>().toEqualTypeOf<number>();

async function narrowing(): Promise<void> {
  const r = await api.createUser({ body: { name: "x" } });
  if (r.status === 201) expectTypeOf(r.body).toEqualTypeOf<User>();
  if (r.status === 422) expectTypeOf(r.body.errors[0]!.loc).toEqualTypeOf<Array<string | number>>();
  // @ts-expect-error 200 is not a status createUser documents
  if (r.status === 200) return;
}
void narrowing;

// @ts-expect-error the path parameter is required
void api.getUser({});
// @ts-expect-error id is a number
void api.getUser({ path: { id: "1" } });
// @ts-expect-error headers go by their wire names
void api.whoami({ headers: { x_token: "t" }, cookies: { session_id: "s" } });
`,
      );
      expect(tspc(project)).toBe("");
    });

    it("a route's type change makes the client's callers fail tsc", () => {
      const v2 = path.join(project, "v2");
      fs.mkdirSync(v2);
      // The same app, with User.name renamed to fullName and getUser's id now a string.
      const source = fs
        .readFileSync(path.join(ROOT, "test", "apps", "client-app.ts"), "utf8")
        .replace("  name: string & tags.MinLength<1>;\n  email?: string & tags.Format<\"email\">;\n}\n\nexport interface NewUser", "  fullName: string;\n  email?: string & tags.Format<\"email\">;\n}\n\nexport interface NewUser")
        .replace('app.get("/users/{id}", (id: Path<Int>): User => ({ id, name: "Ada" })', 'app.get("/users/{id}", (id: Path<string>): User => ({ id: 1, fullName: id })')
        .replace(/name: `\$\{\(tag \?\? \[\]\)\.join\("\+"\)\}\|\$\{\(ids \?\? \[\]\)\.join\("\+"\)\}`/, 'fullName: ""')
        .replace("({ id: 7, ...user })", "({ id: 7, fullName: user.name })");
      fs.writeFileSync(path.join(v2, "client-app.ts"), source);
      const next = compileApps([path.join(v2, "client-app.ts")]);
      try {
        const caller = `import { createClient } from "./client";
export async function show(): Promise<string> {
  const r = await createClient({ baseUrl: "http://localhost" }).getUser({ path: { id: 1 } });
  return r.status === 200 ? r.body.name : "";
}
`;
        fs.writeFileSync(path.join(project, "src", "caller.ts"), caller);
        expect(tspc(project)).toBe("");
        const r = cli(["client", path.join(next.out, "client-app.js"), "--out", path.join(project, "src", "client.ts")]);
        expect(r.status, r.stderr).toBe(0);
        const errors = tspc(project);
        expect(errors).toMatch(/caller\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
        expect(errors).toMatch(/caller\.ts\(4,\d+\): error TS2339: Property 'name' does not exist on type 'User'/);
      } finally {
        fs.rmSync(next.dir, { recursive: true, force: true });
      }
    });
  });
});
