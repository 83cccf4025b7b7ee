import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateFromOpenApi } from "../src/codegen/openapi/generate";
import { parseSpec } from "../src/codegen/openapi/load";
import { cli, files } from "./support/generated-project";

const TODO = path.resolve(__dirname, "..", "..", "shared", "conformance", "spikard", "schemas", "todo-api.openapi.yaml");
const SPEC = fs.existsSync(TODO) ? TODO : "/work/shared/conformance/spikard/schemas/todo-api.openapi.yaml";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-gen-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("spikard generate openapi: output", () => {
  it("is byte-identical on a second run, into a fresh directory or over itself", () => {
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    expect(cli(["generate", "openapi", SPEC, "--output", a]).status).toBe(0);
    expect(cli(["generate", "openapi", SPEC, "--output", b]).status).toBe(0);
    expect(files(b)).toEqual(files(a));
    const again = cli(["generate", "openapi", SPEC, "--output", a]);
    expect(again.stdout).toContain("(0 written, 0 removed)");
    expect(files(a)).toEqual(files(b));
  });

  it("--check passes on fresh output and fails, naming the file, once it is stale", () => {
    const dir = path.join(tmp, "check");
    cli(["generate", "openapi", SPEC, "--output", dir]);
    expect(cli(["generate", "openapi", SPEC, "--output", dir, "--check"]).status).toBe(0);
    const types = path.join(dir, "types.ts");
    fs.appendFileSync(types, "// hand edit\n");
    const stale = cli(["generate", "openapi", SPEC, "--output", dir, "--check"]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("[OUTPUT_STALE]");
    expect(stale.stderr).toContain("types.ts differs");
    expect(fs.readFileSync(types, "utf8")).toContain("// hand edit");
    // A spec change makes it stale too.
    cli(["generate", "openapi", SPEC, "--output", dir]);
    const changed = path.join(tmp, "changed.yaml");
    fs.writeFileSync(changed, fs.readFileSync(SPEC, "utf8").replace("summary: Health check endpoint", "summary: Liveness"));
    const r = cli(["generate", "openapi", changed, "--output", dir, "--check"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("routes/health.ts differs");
  });
});

describe("spikard generate openapi: handler bodies a user edited", () => {
  const dir = path.join(tmp, "regions");
  const route = (): string => fs.readFileSync(path.join(dir, "routes", "todos.ts"), "utf8");

  it("are kept on regeneration, while untouched ones follow the spec", () => {
    cli(["generate", "openapi", SPEC, "--output", dir]);
    const edited = route().replace(/(\/\/ spikard:user handler\.deleteTodo [0-9a-f]{8}\n)[\s\S]*?(\s*\/\/ spikard:end handler\.deleteTodo)/, `$1  console.log("deleting", id);\n  return;$2`);
    const withResponse = edited.replace(/(\/\/ spikard:user handler\.getTodoById [0-9a-f]{8}\n)[\s\S]*?(\s*\/\/ spikard:end handler\.getTodoById)/, `$1  const now = new Date().toISOString();\n  return new Response({ content: { id, title: "t", status: "pending", created_at: now, updated_at: now }, headers: { etag: "v1" } });$2`);
    const withImport = withResponse.replace(/(\/\/ spikard:user imports\.routes%2Ftodos [0-9a-f]{8}\n)/, '$1import { strict as assert } from "node:assert";\n');
    fs.writeFileSync(path.join(dir, "routes", "todos.ts"), withImport);
    const changed = path.join(tmp, "regions.yaml");
    fs.writeFileSync(changed, fs.readFileSync(SPEC, "utf8").replace('title: "Implement Spikard bindings"', 'title: "Ship the generator"'));
    expect(cli(["generate", "openapi", changed, "--output", dir]).status).toBe(0);
    const text = route();
    expect(text).toContain('console.log("deleting", id);');
    expect(text).toContain('import { strict as assert } from "node:assert";');
    expect(text).toContain('headers: { etag: "v1" }');
    // The untouched listTodos handler returns the spec's new example.
    expect(text).toContain('"title": "Ship the generator"');
    // Its test follows: exact for untouched handlers, "not rejected" for the edited one.
    const tests = fs.readFileSync(path.join(dir, "todos.test.ts"), "utf8");
    const deleteBlock = tests.slice(tests.indexOf("deleteTodo: DELETE"));
    expect(deleteBlock).toContain("expect(rejection(res), res.text()).toBeUndefined();");
    expect(tests.slice(tests.indexOf("listTodos: GET"), tests.indexOf("createTodo: POST"))).toContain('"title": "Ship the generator"');
    expect(cli(["generate", "openapi", changed, "--output", dir, "--check"]).status).toBe(0);
  });

  it("compile and pass their tests, the edited handler's included", async () => {
    const { tempProject, tspc, vitest } = await import("./support/generated-project");
    const project = tempProject("spikard-regions-");
    try {
      fs.cpSync(dir, path.join(project, "src", "todo"), { recursive: true });
      expect(tspc(project)).toBe("");
      const r = vitest(project);
      expect(r.status, r.output.slice(-3000)).toBe(0);
      expect(r.output).toMatch(/deleteTodo: DELETE \/todos\/\{id\} > reaches the handler with a valid request/);
      expect(r.output).toMatch(/getTodoById: GET \/todos\/\{id\} > reaches the handler with a valid request/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 300_000);

  it("refuse to be dropped when their operation leaves the spec, unless --prune", () => {
    const gone = path.join(tmp, "gone.json");
    const spec = parseSpec(fs.readFileSync(SPEC, "utf8"), SPEC).doc as { paths: Record<string, Record<string, unknown>> };
    delete spec.paths["/todos/{id}"]!.delete;
    fs.writeFileSync(gone, JSON.stringify(spec));
    const r = cli(["generate", "openapi", gone, "--output", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[ORPHANED_HANDLER]");
    expect(r.stderr).toContain("handler.deleteTodo");
    expect(route()).toContain('console.log("deleting", id);');
    expect(cli(["generate", "openapi", gone, "--output", dir, "--prune"]).status).toBe(0);
    expect(route()).not.toContain("deleteTodo");
  });
});

/** A minimal valid document around one path item. */
function specWith(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths, ...extra });
}
const ok = { "200": { description: "ok" } };

describe("spikard generate openapi: a spec it cannot generate", () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ["swagger 2.0", "swagger.json", JSON.stringify({ swagger: "2.0", info: {}, paths: {} }), /\[SPEC_VERSION\].*swagger: 2\.0/],
    ["malformed YAML", "bad.yaml", "openapi: 3.1.0\npaths: [\n", /\[SPEC_UNREADABLE\]/],
    ["an object in a query parameter", "q.json", specWith({ "/a": { get: { parameters: [{ name: "f", in: "query", schema: { type: "object", properties: { x: { type: "string" } } } }], responses: ok } } }), /#\/paths\/~1a\/get\/parameters\/0\/schema: query parameter "f" is an object/],
    ["deepObject style", "d.json", specWith({ "/a": { get: { parameters: [{ name: "f", in: "query", style: "deepObject", schema: { type: "string" } }], responses: ok } } }), /#\/paths\/~1a\/get\/parameters\/0\/style: style "deepObject"/],
    ["an external $ref", "e.json", specWith({ "/a": { get: { responses: { "200": { $ref: "other.yaml#/components/responses/R" } } } } }), /external reference "other\.yaml#\/components\/responses\/R"/],
    ["a dangling $ref", "r.json", specWith({ "/a": { post: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Nope" } } } }, responses: ok } } }), /reference "#\/components\/schemas\/Nope" points at nothing/],
    ["a TRACE operation", "t.json", specWith({ "/a": { trace: { responses: ok } } }), /#\/paths\/~1a\/trace: TRACE operations are not supported/],
    ["a parameter inside a segment", "s.json", specWith({ "/files/{id}.json": { get: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: ok } } }), /#\/paths\/~1files~1\{id\}\.json: path segment "\{id\}\.json" is not supported/],
    ["an undeclared path parameter", "u.json", specWith({ "/a/{id}": { get: { responses: ok } } }), /#\/paths\/~1a~1\{id\}\/get: path parameter \{id\} of \/a\/\{id\} is not declared/],
    ["a content-described parameter", "c.json", specWith({ "/a": { get: { parameters: [{ name: "f", in: "query", content: { "application/json": {} } }], responses: ok } } }), /parameters\/0\/content: parameters described by `content`/],
    ["basic authentication", "b.json", specWith({ "/a": { get: { responses: ok } } }, { security: [{ basic: [] }], components: { securitySchemes: { basic: { type: "http", scheme: "basic" } } } }), /#\/components\/securitySchemes\/basic: security scheme http basic is not supported/],
    ["a body on GET", "g.json", specWith({ "/a": { get: { requestBody: { content: { "application/json": { schema: { type: "object" } } } }, responses: ok } } }), /a GET operation with a request body is not supported/],
    ["a path with a line break", "n.json", specWith({ "/a\nb": { get: { responses: ok } } }), /a path may not hold spaces, control characters/],
    ["a property name with a quote", "pq.json", specWith({ "/a": { post: { requestBody: { content: { "application/json": { schema: { type: "object", properties: { 'a"b': { type: "string" } } } } } }, responses: ok } } }), /requestBody\/content\/application~1json\/schema\/properties\/a"b: property name "a\\"b" holds a quote/],
    ["an optional property named constructor", "pc.json", specWith({ "/a": { post: { requestBody: { content: { "application/json": { schema: { type: "object", properties: { constructor: { type: "string" } } } } } }, responses: ok } } }), /properties\/constructor: optional property "constructor" is named like a member of Object.prototype/],
    ["duplicate operationIds", "o.json", specWith({ "/a": { get: { operationId: "x", responses: ok } }, "/b": { get: { operationId: "x", responses: ok } } }), /operationId "x" is also used at #\/paths\/~1a\/get/],
  ];

  it.each(cases)("%s: exits 1 with the pointer and what is unsupported, no stack trace", (_what, file, text, message) => {
    const spec = path.join(tmp, file);
    fs.writeFileSync(spec, text);
    const out = path.join(tmp, `out-${file}`);
    const r = cli(["generate", "openapi", spec, "--output", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("lists every problem of the spec in one run", () => {
    const spec = path.join(tmp, "many.json");
    fs.writeFileSync(spec, specWith({ "/a": { trace: { responses: ok } }, "/b/{x-y}": { get: { responses: ok } } }));
    const r = cli(["generate", "openapi", spec, "--output", path.join(tmp, "many")]);
    expect(r.stderr).toContain("#/paths/~1a/trace:");
    expect(r.stderr).toContain("#/paths/~1b~1{x-y}:");
  });

  it("answers a missing file and bad arguments without a stack trace", () => {
    const missing = cli(["generate", "openapi", path.join(tmp, "nope.yaml"), "--output", path.join(tmp, "x")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("[SPEC_UNREADABLE]");
    const usage = cli(["generate", "openapi", SPEC]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: spikard generate openapi SPEC.yaml|json --output DIR");
  });
});

describe("spikard generate openapi: speed", () => {
  it("generates a 200-operation spec in under 5 s", () => {
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      schemas[`Item${i}`] = { type: "object", required: ["id", "name"], properties: { id: { type: "string", format: "uuid" }, name: { type: "string", minLength: 1, maxLength: 80 }, tags: { type: "array", items: { type: "string" }, maxItems: 10 }, price: { type: "number", minimum: 0 } } };
      const ref = { $ref: `#/components/schemas/Item${i}` };
      paths[`/items${i}`] = {
        get: { operationId: `list${i}`, tags: [`group${i % 10}`], parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } }], responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "array", items: ref } } } } } },
        post: { operationId: `create${i}`, tags: [`group${i % 10}`], requestBody: { required: true, content: { "application/json": { schema: ref } } }, responses: { "201": { description: "created", content: { "application/json": { schema: ref, example: { id: "550e8400-e29b-41d4-a716-446655440000", name: "x" } } } } } },
      };
    }
    const text = specWith(paths, { components: { schemas } });
    const started = performance.now();
    const { files } = generateFromOpenApi(parseSpec(text, "big.json"), new Map());
    const ms = performance.now() - started;
    expect(files.filter((f) => f.path.startsWith("routes/"))).toHaveLength(10);
    expect(files.map((f) => f.content).join("").match(/spikard:user handler\./g)).toHaveLength(200);
    expect(ms).toBeLessThan(5000);
    console.log(`200 operations generated in ${ms.toFixed(0)} ms`);
  });
});

describe("spikard generate openapi: hostile names and values", () => {
  it("escapes or reports them, and the output still compiles and passes its tests", async () => {
    const { tempProject, tspc, vitest } = await import("./support/generated-project");
    let nested: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 100; i++) nested = { type: "array", items: nested };
    const weird = {
      type: "object",
      description: "ends a comment */ console.log('x') /* and `${backticks}`",
      required: ["ab"],
      properties: {
        ab: { type: "string", enum: ['q"uote', "back\\slash", "line\nbreak"], description: "*/ /*" },
        "with space": { type: "string", pattern: "^[\\\\\"']+$", minLength: -1 },
        "1digit": { type: "integer", minimum: 1e400 },
        paren: { type: "string", pattern: "(" },
        deep: nested,
      },
    };
    const spec = {
      openapi: "3.0.3",
      info: { title: "hostile */ title", version: "1" },
      paths: {
        "/items/{item_id}": {
          post: {
            operationId: "make*/item\nnow",
            summary: "line one\n*/ evil()",
            tags: ["../../etc passwd"],
            parameters: [
              { name: "item_id", in: "path", required: true, schema: { type: "integer" } },
              { name: 'x-"quoted"', in: "query", required: true, schema: { type: "string", minLength: 2 }, description: "*/ nope" },
              { name: "X-Weird_Name", in: "header", schema: { type: "string" } },
            ],
            requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Response" } } } },
            responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/UploadFile" } } } } },
          },
        },
      },
      components: { schemas: { Response: weird, UploadFile: { type: "object", properties: { tags: { type: "string" } } } } },
    };
    const project = tempProject("spikard-hostile-");
    try {
      const file = path.join(project, "hostile.json");
      fs.writeFileSync(file, JSON.stringify(spec));
      const r = cli(["generate", "openapi", file, "--output", path.join(project, "src", "api")]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("/pattern: the pattern is not a JavaScript regular expression");
      expect(r.stderr).toContain("/minimum: minimum must be a finite number");
      expect(r.stderr).toContain("/minLength: minLength must be a non-negative integer");
      expect(r.stderr).toContain("nested deeper than 64 levels");
      expect(fs.readdirSync(path.join(project, "src", "api", "routes"))).toEqual(["etc-passwd.ts"]);
      expect(tspc(project)).toBe("");
      const t = vitest(project);
      expect(t.status, t.output.slice(-3000)).toBe(0);
      expect(t.output).toMatch(/Tests\s+2 passed/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("spikard generate openapi: other output", () => {
  it("removes its own files that a spec change retires, and leaves what it did not write", () => {
    const dir = path.join(tmp, "shared-dir");
    const nested = path.join(dir, "nested");
    expect(cli(["generate", "openapi", SPEC, "--output", nested]).status).toBe(0);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "mine.ts"), "export const mine = 1;\n");
    const spec = parseSpec(fs.readFileSync(SPEC, "utf8"), SPEC).doc as { paths: Record<string, unknown> };
    expect(cli(["generate", "openapi", SPEC, "--output", dir]).status).toBe(0);
    expect(fs.existsSync(path.join(dir, "routes", "health.ts"))).toBe(true);
    delete spec.paths["/health"];
    const noHealth = path.join(tmp, "no-health.json");
    fs.writeFileSync(noHealth, JSON.stringify(spec));
    const r = cli(["generate", "openapi", noHealth, "--output", dir]);
    expect(r.stdout).toContain("2 removed");
    expect(fs.existsSync(path.join(dir, "routes", "health.ts"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "health.test.ts"))).toBe(false);
    expect(fs.readFileSync(path.join(dir, "mine.ts"), "utf8")).toBe("export const mine = 1;\n");
    expect(Object.keys(files(nested))).toContain(path.join("routes", "health.ts"));
  });
});

describe("spikard client: a module that does not serve", () => {
  it("answers APP_DOCUMENT without a stack trace", () => {
    const mod = path.join(tmp, "not-an-app.js");
    fs.writeFileSync(mod, "process.exit(3);\n");
    const r = cli(["client", mod, "--out", path.join(tmp, "client.ts")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[APP_DOCUMENT]");
    expect(r.stderr).toContain("(exit 3)");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(tmp, "client.ts"))).toBe(false);
  });
});
