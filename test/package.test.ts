import { execFileSync, spawn } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { freePort } from "./support/free-port";

const ROOT = path.resolve(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The README's steps for a new project: its code blocks from "In your own project" to the next section, in order. */
function readmeSteps(): { shell: string[]; tsconfig: string; app: string } {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("In your own project"), readme.indexOf("## How handlers are read"));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, body: body! }));
  const of = (lang: string): string[] => blocks.filter((b) => b.lang === lang).map((b) => b.body);
  return { shell: of("bash").flatMap((b) => b.split("\n").filter((l) => l.trim() !== "")), tsconfig: of("json")[0]!, app: of("ts")[0]! };
}

/**
 * The README's promise for users, run verbatim in a brand-new folder: `npm init`,
 * its install line (with the packed tarball in place of the registry's spikard),
 * its tsconfig.json and src/app.ts, then `npx tspc && node dist/app.js`. More
 * modules beside app.ts exercise validation, threads and shutdown.
 */
describe("a fresh project following the README, with the packed package", () => {
  let project: string;
  let client: LiveTestClient | undefined;
  const steps = readmeSteps();
  let build = "";

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-user-"));
    const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
    fs.writeFileSync(path.join(project, "tsconfig.json"), steps.tsconfig);
    fs.mkdirSync(path.join(project, "src"));
    fs.writeFileSync(path.join(project, "src", "app.ts"), steps.app);
    fs.writeFileSync(
      path.join(project, "src", "shop.ts"),
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
    // Every line but the last (build and run), as written; the registry's spikard is the packed one here.
    for (const line of steps.shell.slice(0, -1)) {
      const command = line.startsWith("npm install ") ? `${line.replace(/^npm install spikard /, `npm install ./${packed} `)} --no-audit --no-fund --loglevel=error` : line;
      execFileSync("bash", ["-c", command], { cwd: project, stdio: "pipe" });
    }
    build = steps.shell.at(-1)!;
  }, 300_000);
  afterAll(async () => {
    await client?.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("builds and serves with the README's last line, `npx tspc && node dist/app.js`", async () => {
    expect(build).toBe("npx tspc && node dist/app.js");
    expect(JSON.parse(steps.tsconfig).compilerOptions).toMatchObject({ strict: true, outDir: "dist", types: ["node"] });
    const port = await freePort();
    const run = spawn("bash", ["-c", build], { cwd: project, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening:\n${output}`)), 120_000);
        const seen = (c: Buffer): void => {
          output += c.toString();
          if (output.includes(`listening on http://127.0.0.1:${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        };
        run.stdout!.on("data", seen);
        run.stderr!.on("data", seen);
        run.once("exit", (code) => reject(new Error(`exited ${code}:\n${output}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/hello?name=ts`);
      expect(await res.json()).toEqual({ hello: "ts" });
    } finally {
      if (run.exitCode === null && run.signalCode === null) {
        const exited = new Promise((r) => run.once("exit", r));
        run.kill("SIGTERM");
        await exited;
      }
    }
  }, 180_000);

  it("ships only the built package", () => {
    const installed = path.join(project, "node_modules", "spikard");
    expect(fs.existsSync(path.join(installed, "dist", "transformer", "index.js"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "dist", "src", "index.d.ts"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "src"))).toBe(false);
    expect(fs.existsSync(path.join(installed, "dist", "conformance"))).toBe(false);
  });

  it("ships docs/errors.md, which the README links", () => {
    expect(fs.existsSync(path.join(project, "node_modules", "spikard", "docs", "errors.md"))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain("(docs/errors.md)");
  });

  it("compiles handlers into generated typia validators", () => {
    const js = fs.readFileSync(path.join(project, "dist", "shop.js"), "utf8");
    expect(js).toContain("typia/lib/internal/_isTypeInt64");
    expect(js).toMatch(/3 <= input\.id\.length/);
    expect(js).toMatch(/0 <= input\.amount/);
  });

  it("serves and validates", async () => {
    client = await LiveTestClient.fromModule(path.join(project, "dist", "shop.js"));
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
