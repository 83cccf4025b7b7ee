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
});
