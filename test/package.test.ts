import { execFileSync } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { freePort } from "./support/free-port";

const ROOT = path.resolve(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The README's promise for users: `npm pack`, install the tarball in a brand-new
 * project with TypeScript and ts-patch, add the one plugin line, `tspc`, run.
 */
describe("a fresh project using the packed package", () => {
  let project: string;
  let client: LiveTestClient | undefined;

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-user-"));
    const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-app", private: true, version: "1.0.0" }));
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true, outDir: "dist", rootDir: "src", plugins: [{ transform: "spikard/transformer" }] },
        include: ["src"],
      }),
    );
    fs.mkdirSync(path.join(project, "src"));
    fs.writeFileSync(
      path.join(project, "src", "app.ts"),
      `import { Spikard, type Body, type Int, type Query } from "spikard";
import type { tags } from "typia";

interface Payment {
  id: string & tags.MinLength<3>;
  amount: number & tags.Minimum<0>;
}

const app = new Spikard();
app.get("/search", (q: Query<string>, limit: Query<Int> = 10) => ({ query: q, limit }));
app.post("/payments", (payment: Body<Payment>): Payment => payment);
app.get("/slow", async () => {
  await new Promise((r) => setTimeout(r, 600));
  return { done: true };
});
app.run();
`,
    );
    fs.writeFileSync(
      path.join(project, "src", "threads.ts"),
      `import { threadId } from "node:worker_threads";
import { Spikard } from "spikard";

const app = new Spikard({ workers: 2 });
app.get("/thread", () => ({ thread: threadId }));
app.run();
`,
    );
    // A subpath import from a CommonJS project (moduleResolution node10, which reads package.json typesVersions).
    fs.writeFileSync(
      path.join(project, "src", "limited.ts"),
      `import { Spikard } from "spikard";
import { memoryStore, redisStore, type RateLimitStore } from "spikard/rate-limit";

const store: RateLimitStore = process.env.REDIS_URL ? redisStore({ url: process.env.REDIS_URL }) : memoryStore({ maxClients: 1000 });
const app = new Spikard({ rateLimit: { perSecond: 1, burst: 1, store }, trustProxy: 1 });
app.get("/ping", () => "pong");
app.run();
`,
    );
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", `./${packed}`, "typescript@5.9", "ts-patch@3", "@types/node@20"], { cwd: project, stdio: "pipe" });
    execFileSync(process.execPath, [path.join(project, "node_modules", "ts-patch", "bin", "tspc.js")], { cwd: project, stdio: "pipe" });
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("ships only the built package", () => {
    const installed = path.join(project, "node_modules", "spikard");
    expect(fs.existsSync(path.join(installed, "dist", "transformer", "index.js"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "dist", "src", "index.d.ts"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "src"))).toBe(false);
    expect(fs.existsSync(path.join(installed, "dist", "conformance"))).toBe(false);
  });

  it("compiles handlers into generated typia validators", () => {
    const js = fs.readFileSync(path.join(project, "dist", "app.js"), "utf8");
    expect(js).toContain("typia/lib/internal/_isTypeInt64");
    expect(js).toMatch(/3 <= input\.id\.length/);
    expect(js).toMatch(/0 <= input\.amount/);
  });

  it("serves and validates", async () => {
    client = await LiveTestClient.fromModule(path.join(project, "dist", "app.js"));
    expect((await client.get("/search", { query: { q: "ts" } })).assertStatusOk().json()).toEqual({ query: "ts", limit: 10 });
    const bad = await client.post("/payments", { json: { id: "x", amount: -5 } });
    bad.assertStatus(422);
    expect(bad.json().errors.map((e: { type: string }) => e.type)).toEqual(["greater_than_equal", "string_too_short"]);
  });

  it("serves one port from several threads with workers: 2", async () => {
    const port = await freePort();
    const threads = await LiveTestClient.fromModule(path.join(project, "dist", "threads.js"), { env: { SPIKARD_PORT: String(port) } });
    try {
      const seen = new Set<number>();
      for (let i = 0; i < 60 && seen.size < 2; i++) seen.add((await getJson(port, "/thread")).thread);
      expect(seen.size).toBe(2);
    } finally {
      threads.process!.kill("SIGTERM");
      expect(await threads.exited()).toBe(0);
    }
  });

  it("imports the rate-limit subpath with its types, and limits", async () => {
    const limited = await LiveTestClient.fromModule(path.join(project, "dist", "limited.js"));
    try {
      (await limited.get("/ping", { headers: { "x-forwarded-for": "203.0.113.1" } })).assertStatusOk();
      (await limited.get("/ping", { headers: { "x-forwarded-for": "203.0.113.1" } })).assertStatus(429);
      (await limited.get("/ping", { headers: { "x-forwarded-for": "203.0.113.2" } })).assertStatusOk();
    } finally {
      await limited.close();
    }
  });

  it("drains in-flight requests on SIGTERM, then exits", async () => {
    const slow = client!.get("/slow");
    await new Promise((r) => setTimeout(r, 150));
    client!.process!.kill("SIGTERM");
    expect((await slow).assertStatusOk().json()).toEqual({ done: true });
    expect(await client!.exited()).toBe(0);
  });
});

/** One request on its own connection, so the kernel may pick another thread each time. */
function getJson(port: number, p: string): Promise<{ thread: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: p, agent: false }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(JSON.parse(text) as { thread: number }));
      })
      .on("error", reject);
  });
}
