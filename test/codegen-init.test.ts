import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { cli } from "./support/generated-project";

const ROOT = path.resolve(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** `spikard init`, then `npm install && npm test` in the new project, with this repository packed as its spikard. */
describe("spikard init NAME", () => {
  let parent: string;
  let project: string;
  let tarball: string;

  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-init-"));
    tarball = path.join(parent, execFileSync(npm, ["pack", "--silent", "--pack-destination", parent], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!);
    const r = cli(["init", "my-app", "--spikard", `file:${tarball}`], parent);
    expect(r.status, r.stderr).toBe(0);
    project = path.join(parent, "my-app");
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, stdio: "pipe" });
  }, 600_000);

  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  it("writes the pinned toolchain, a strict tsconfig with the plugin, an app, a test and a README", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.devDependencies).toEqual({ "@types/node": own.devDependencies["@types/node"], "ts-patch": "3.3.0", typescript: own.dependencies.typescript ?? own.devDependencies.typescript, vitest: own.devDependencies.vitest });
    expect(pkg.devDependencies.typescript).toMatch(/^5\.9\./);
    expect(pkg.dependencies).toEqual({ spikard: `file:${tarball}`, typia: "12.2.1" });
    const tsconfig = JSON.parse(fs.readFileSync(path.join(project, "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, target: "ES2022", outDir: "dist", plugins: [{ transform: "spikard/transformer" }] });
    for (const f of ["src/app.ts", "src/app.test.ts", "README.md", "vitest.config.ts"]) expect(fs.existsSync(path.join(project, f)), f).toBe(true);
  });

  it("passes npm test", () => {
    const out = execFileSync(npm, ["test"], { cwd: project, encoding: "utf8", stdio: "pipe", env: { ...process.env, NO_COLOR: "1" } });
    expect(out).toMatch(/Tests\s+3 passed/);
  }, 300_000);

  it("builds with tspc and serves its app", async () => {
    execFileSync(npm, ["run", "build"], { cwd: project, stdio: "pipe" });
    const app = await LiveTestClient.fromModule(path.join(project, "dist", "app.js"));
    try {
      expect((await app.post("/todos", { json: { title: "ship" } })).statusCode).toBe(201);
      expect((await app.get("/todos")).json()).toEqual([{ id: 1, title: "ship", done: false }]);
      expect((await app.get("/openapi.json")).json().paths["/todos"].post.requestBody.content["application/json"]).toBeDefined();
    } finally {
      await app.close();
    }
  }, 300_000);

  it("refuses a directory that is not empty", () => {
    const r = cli(["init", "my-app"], parent);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[INIT_TARGET]");
  });
});
