import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { freePort } from "./support/free-port";
import { userProject } from "./support/build-routes";

/**
 * `node --import spikard/register`: the dev loop's promises beyond serving the
 * app (test/build-routes.test.ts does that): diagnostics in the terminal, a
 * disk cache that a type change in another file invalidates, and
 * `node --watch` restarting on a change to a type-only import.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const project = (): string => {
  const dir = userProject("main.ts");
  dirs.push(dir);
  return dir;
};
const NEW_USER = { name: "Bo", email: "bo@example.com", role: "member", tags: [] };
const MIN_2 = "tags.MinLength<2> & tags.MaxLength<40>";
const MIN_3 = "tags.MinLength<3> & tags.MaxLength<40>";

describe("node --import spikard/register", () => {
  it("prints the transformer's diagnostics with their place and exits 1, without a stack trace", () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, "src", "bad.ts"), `import { Spikard } from "spikard";\nconst app = new Spikard();\napp.get("/x", (q) => q);\napp.run();\n`);
    const r = spawnSync(process.execPath, ["--import", "spikard/register", "src/bad.ts"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/src\/bad\.ts\(3,\d+\).*\[spikard SPK002\]/);
    expect(r.stderr).toContain("spikard/register: src/bad.ts did not compile (the diagnostics above say why).");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 150_000);

  it("serves from its disk cache, and a type changed in an imported file recompiles the handler that uses it", async () => {
    const dir = project();
    const serve = async (): Promise<number> => {
      const client = await LiveTestClient.fromModule(path.join(dir, "src", "main.ts"), { nodeArgs: ["--import", "spikard/register"], startTimeout: 120_000 });
      try {
        return (await client.post("/users", { json: NEW_USER })).statusCode;
      } finally {
        await client.close();
      }
    };
    expect(await serve()).toBe(201);
    const cache = path.join(dir, "node_modules", ".cache", "spikard", "register");
    // Each entry with its modification time: a hit reads entries, a miss writes them.
    const entries = (): Record<string, number> => Object.fromEntries(fs.readdirSync(cache).map((f) => [f, fs.statSync(path.join(cache, f)).mtimeMs]));
    const first = entries();
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(await serve()).toBe(201);
    expect(entries()).toEqual(first);
    edit(path.join(dir, "src", "types.ts"), MIN_2, MIN_3);
    expect(await serve()).toBe(422);
  }, 300_000);

  it("with node --watch, restarts when a type-only import changes and serves the new checks", async () => {
    const dir = project();
    const port = await freePort();
    const child = spawn(process.execPath, ["--watch", "--import", "spikard/register", "src/main.ts"], { cwd: dir, env: { ...process.env, PORT: String(port), SPIKARD_PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const listening = async (times: number): Promise<void> => {
      const deadline = Date.now() + 120_000;
      while (output.split(`listening on http://127.0.0.1:${port}`).length - 1 < times) {
        if (Date.now() > deadline) throw new Error(`not listening (${times}):\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const post = async (): Promise<number> => (await fetch(`http://127.0.0.1:${port}/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(NEW_USER) })).status;
    try {
      await listening(1);
      expect(await post()).toBe(201);
      // types.ts is imported type-only: its code is never loaded, so only register's report makes node --watch follow it.
      edit(path.join(dir, "src", "types.ts"), MIN_2, MIN_3);
      await listening(2);
      expect(await post()).toBe(422);
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }, 300_000);
});

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, "utf8");
  expect(text).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
}
