import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/**
 * An app run without building, as `tsx app.ts` does it: types stripped, no
 * transformer. The first Spikard call the transformer would have rewritten
 * must say that it did not run, whatever that call is.
 */
function runStripped(source: string): { status: number | null; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-stripped-"));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "spikard"), "dir");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  fs.writeFileSync(path.join(dir, "app.js"), js);
  const r = spawnSync(process.execPath, [path.join(dir, "app.js")], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
}
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("an app run without the transformer (tsx, plain tsc)", () => {
  it("app.provide(Class, ...) says the transformer did not run, not to call app.provide", () => {
    const r = runStripped(`
import { Provide, Spikard } from "spikard";
class BookRepo { books = new Map<number, string>(); }
const app = new Spikard();
app.provide(BookRepo, Provide(() => new BookRepo(), { singleton: true }));
app.get("/books", (repo: BookRepo) => ({ count: repo.books.size }));
`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("app.provide(BookRepo, ...) was registered without compile-time metadata: the Spikard transformer did not run on it");
    expect(r.stderr).toMatch(/tspc|spikard\/vite/);
    expect(r.stderr).not.toContain("register it with app.provide");
  });

  it("a route says the same", () => {
    const r = runStripped(`
import { Spikard, type Query } from "spikard";
const app = new Spikard();
app.get("/search", (q: Query<string>) => ({ q }));
`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("GET /search was registered without compile-time metadata: the Spikard transformer did not run on it");
  });

  it.each([
    ["app.websocket", `app.websocket("/chat", (m: { text: string }) => m);`, "websocket /chat was registered without compile-time metadata"],
    ["app.sse", `app.sse("/ticks", function* () { yield { n: 1 }; });`, "sse /ticks was registered without compile-time metadata"],
    ["app.publish", `app.publish("news", { text: "hi" });`, 'publish to "news" was registered without compile-time metadata'],
  ])("%s says the same", (_name, call, message) => {
    const r = runStripped(`import { Spikard } from "spikard";\nconst app = new Spikard();\n${call}\n`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

describe("an app whose spikard gen folder has nothing for a WebSocket route, an SSE route or a publish", () => {
  // Generated modules are loaded (for other registrations), so each is NOT_GENERATED: stale, not untransformed.
  const loaded = `import { registerGenerated } from "spikard/runtime";
import { Router, Spikard } from "spikard";
registerGenerated({ v: 1, source: "src/other.ts", routes: {}, websockets: {}, sse: {}, publish: {} });
const app = new Spikard();
`;
  it.each([
    ["app.websocket", `app.websocket("/chat", (m: unknown) => m);`, "websocket /chat has no generated metadata: the generated modules (from src/other.ts) have nothing for it"],
    // Keyed under the router's own prefix, as routes are.
    ["router.sse", `new Router({ prefix: "/live" }).sse("/ticks", function* () {});`, "sse /live/ticks has no generated metadata"],
    ["an operationId", `app.sse("/ticks", function* () {}, { operationId: "ticks" });`, "sse /ticks (operationId ticks) has no generated metadata"],
    ["app.publish", `app.publish("news", { text: "hi" });`, 'publish to "news" has no generated metadata: the generated modules have no app.publish whose topic matches it'],
  ])("%s is refused as stale", (_name, call, message) => {
    const r = runStripped(`${loaded}${call}\n`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });

  it("a publish finds the metadata of the one pattern its topic matches, and is refused when two of different types match", () => {
    const r = runStripped(`${loaded}
const number = { kind: "json", is: (v: unknown) => typeof v === "number", stringify: JSON.stringify };
const text = { kind: "json", is: (v: unknown) => typeof v === "string", stringify: JSON.stringify };
registerGenerated({ v: 1, source: "src/a.ts", publish: { 'publish["room:",""]': { v: 1, message: number } } });
console.log(app.publish("room:1", 5), app.publish("room:1", "five"));
registerGenerated({ v: 1, source: "src/b.ts", publish: { 'publish["","1"]': { v: 1, message: text } } });
app.publish("room:1", 5);
`);
    expect(r.stderr).toContain('a publish to "room:1" does not match its declared type');
    expect(r.stderr).toContain('publish to "room:1" has no generated metadata: the generated modules have more than one app.publish whose topic matches it, of different types');
  });
});
