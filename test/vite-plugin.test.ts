import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import spikard from "../vite/index";

const ROOT = path.resolve(__dirname, "..");

/** A project whose tsconfig carries `plugin` as its spikard/transformer entry. */
function project(name: string, plugin: Record<string, unknown>): { dir: string; file: string; code: string } {
  const dir = path.join(ROOT, "test-results", "vite-plugin", name);
  fs.mkdirSync(dir, { recursive: true });
  const compilerOptions = { strict: true, target: "ES2022", module: "ESNext", moduleResolution: "Bundler", skipLibCheck: true, types: ["node"], typeRoots: [path.join(ROOT, "node_modules", "@types")], baseUrl: ".", paths: { spikard: [path.join(ROOT, "src", "index.ts")] }, plugins: [plugin] };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
  const code = `import { Spikard, type Inject } from "spikard";\nexport const app = new Spikard();\napp.get("/mail", (mailer: Inject<string, "mailer">) => ({ mailer }));\n`;
  const file = path.join(dir, "app.ts");
  fs.writeFileSync(file, code);
  return { dir, file, code };
}

describe("spikard/vite reads the transformer options from the tsconfig's plugin entry", () => {
  it('builds with dependencyErrors: "respond", warning instead of failing', () => {
    const { dir, file, code } = project("respond", { transform: "spikard/transformer", dependencyErrors: "respond" });
    const plugin = spikard();
    plugin.configResolved({ root: dir });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const out = plugin.transform(code, file);
      expect(out?.code).toContain('dependencyErrors: "respond"');
      expect(warn.mock.calls.flat().join("\n")).toContain("[spikard SPK011] No provider for \"mailer\"");
    } finally {
      warn.mockRestore();
    }
  });

  it("fails the module on the same code by default", () => {
    const { dir, file, code } = project("default", { transform: "spikard/transformer" });
    const plugin = spikard();
    plugin.configResolved({ root: dir });
    expect(() => plugin.transform(code, file)).toThrow(/\[spikard SPK011\] No provider for "mailer"/);
  });
});
