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

describe("package.json exports", () => {
  it("lists the root and the documented subpaths", () => {
    expect(subpaths).toEqual([".", "./transformer", "./testing", "./vite", "./middleware", "./runtime", "./rate-limit", "./grpc", "./websocket", "./fixtures", "./package.json"]);
  });

  it.each(subpaths)("%s points at files that exist", (subpath) => {
    const target = pkg.exports[subpath]!;
    const files = typeof target === "string" ? [target] : [target.types, target.default];
    for (const file of files) expect(fs.existsSync(path.join(ROOT, file)), `${subpath} → ${file}`).toBe(true);
  });

  it.each(subpaths.filter((s) => s !== "./package.json"))("%s resolves through Node to its default entry and loads", (subpath) => {
    const target = pkg.exports[subpath] as { default: string };
    const specifier = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    expect(requireFromRoot.resolve(specifier)).toBe(path.join(ROOT, target.default));
    const mod = requireFromRoot(specifier) as Record<string, unknown>;
    expect(Object.keys(mod).length).toBeGreaterThan(0);
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
