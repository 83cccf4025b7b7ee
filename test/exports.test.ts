import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * package.json "exports" must point at built files. Runs against dist/, which
 * `npm test` builds first (vitest.config.ts itself loads dist/vite).
 */
const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
};
const requireFromRoot = createRequire(path.join(ROOT, "package.json"));
const subpaths = Object.keys(pkg.exports);
/** A pattern export (`./runtime/typia/*`) is checked with one helper the generated code imports. */
const EXAMPLE = "_isTypeInt64";
const concrete = (p: string): string => p.replace("*", EXAMPLE);

describe("package.json exports", () => {
  it("lists the root and the documented subpaths", () => {
    expect(subpaths).toEqual([".", "./transformer", "./testing", "./vite", "./unplugin", "./register", "./middleware", "./runtime", "./runtime/typia/*", "./rate-limit", "./grpc", "./websocket", "./fixtures", "./package.json"]);
  });

  it.each(subpaths)("%s points at files that exist", (subpath) => {
    const target = pkg.exports[subpath]!;
    const files = typeof target === "string" ? [target] : [target.types, target.default];
    for (const file of files.map(concrete)) expect(fs.existsSync(path.join(ROOT, file)), `${subpath} → ${file}`).toBe(true);
  });

  it.each(subpaths.filter((s) => s !== "./package.json" && s !== "./register"))("%s resolves through Node to its default entry and loads", (subpath) => {
    const target = pkg.exports[subpath] as { default: string };
    const specifier = concrete(subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
    expect(requireFromRoot.resolve(specifier)).toBe(path.join(ROOT, concrete(target.default)));
    const mod = requireFromRoot(specifier) as Record<string, unknown>;
    expect(Object.keys(mod).length).toBeGreaterThan(0);
  });

  it("./register resolves, and loads as `node --import spikard/register` (it exports nothing: it installs TypeScript loading)", () => {
    expect(requireFromRoot.resolve(`${pkg.name}/register`)).toBe(path.join(ROOT, (pkg.exports["./register"] as { default: string }).default));
    // In a child process: loading it installs module hooks, which this worker must not get.
    const r = spawnSync(process.execPath, ["--import", `${pkg.name}/register`, "-e", `console.log(typeof require.extensions[".ts"])`], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("function");
  });

  it("keeps main and types in step with the root export", () => {
    const root = pkg.exports["."] as { types: string; default: string };
    expect(path.normalize(pkg.main)).toBe(path.normalize(root.default));
    expect(path.normalize(pkg.types)).toBe(path.normalize(root.types));
  });

  it("keeps the root export small: additions must be deliberate", () => {
    const names = Object.keys(requireFromRoot(path.join(ROOT, pkg.main)) as object).sort();
    expect(names).toEqual(["BackgroundTasks", "HttpError", "Provide", "Request", "Response", "Router", "Spikard", "SpikardError", "SseEvent", "StreamingResponse", "UploadFile"]);
  });
});
