import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { freePort } from "./support/free-port";

const ROOT = path.resolve(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

type Route = "spikard gen" | "tspc";
const HEADINGS: Record<Route, string> = { "spikard gen": "### With `spikard gen`", tspc: "### With `tspc`" };

/** One of the README's two ways to set up a new project: the code blocks of its section, in order. */
function readmeSteps(route: Route): { shell: string[]; tsconfig: string; app: string } {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const from = readme.indexOf(HEADINGS[route]);
  expect(from, `README has a section "${HEADINGS[route]}"`).toBeGreaterThan(0);
  const section = readme.slice(from, readme.indexOf("\n#", from + 1));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, body: body! }));
  const of = (lang: string): string[] => blocks.filter((b) => b.lang === lang).map((b) => b.body);
  return { shell: of("bash").flatMap((b) => b.split("\n").filter((l) => l.trim() !== "")), tsconfig: of("json")[0]!, app: of("ts")[0]! };
}

/** The package as `npm pack` makes it, once for both routes. */
let tarball = "";
const tarballDir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-pack-"));
beforeAll(() => {
  const name = execFileSync(npm, ["pack", "--silent", "--pack-destination", tarballDir], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
  tarball = path.join(tarballDir, name);
}, 300_000);
afterAll(() => fs.rmSync(tarballDir, { recursive: true, force: true }));

/** A brand-new folder set up by the route's steps, verbatim, up to its last line (build and run), with the packed spikard. */
function followReadme(route: Route, extraModules: Record<string, string>): { project: string; build: string; steps: ReturnType<typeof readmeSteps> } {
  const steps = readmeSteps(route);
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-user-"));
  fs.copyFileSync(tarball, path.join(project, path.basename(tarball)));
  fs.writeFileSync(path.join(project, "tsconfig.json"), steps.tsconfig);
  fs.mkdirSync(path.join(project, "src"));
  fs.writeFileSync(path.join(project, "src", "app.ts"), steps.app);
  for (const [file, text] of Object.entries(extraModules)) fs.writeFileSync(path.join(project, "src", file), text);
  for (const line of steps.shell.slice(0, -1)) {
    const command = line.startsWith("npm install ") ? `${line.replace(/^npm install spikard /, `npm install ./${path.basename(tarball)} `)} --no-audit --no-fund --loglevel=error` : line;
    execFileSync("bash", ["-c", command], { cwd: project, stdio: "pipe" });
  }
  return { project, build: steps.shell.at(-1)!, steps };
}

/** Runs the README's last line (build, then start) and waits until the app listens on `port`. */
async function buildAndServe(project: string, build: string, port: number): Promise<ChildProcess> {
  const run = spawn("bash", ["-c", build], { cwd: project, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening:\n${output}`)), 180_000);
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
  return run;
}

/** The README's last line serves its app: /hello answers. */
async function servesHello(project: string, build: string): Promise<void> {
  const port = await freePort();
  const run = await buildAndServe(project, build, port);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/hello?name=ts`);
    expect(await res.json()).toEqual({ hello: "ts" });
  } finally {
    await stop(run);
  }
}

async function stop(run: ChildProcess): Promise<void> {
  if (run.exitCode !== null || run.signalCode !== null) return;
  const exited = new Promise((r) => run.once("exit", r));
  run.kill("SIGTERM");
  await exited;
}

const SHOP = `import { Spikard, type Body, type Int, type Query } from "spikard";
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
`;

/**
 * The README's promise for users, run verbatim in a brand-new folder: `npm init`,
 * its install line (with the packed tarball in place of the registry's spikard),
 * its tsconfig.json and src/app.ts, then `npx tspc && node dist/app.js`. More
 * modules beside app.ts exercise validation, threads and shutdown.
 */
describe("a fresh project following the README's tspc route, with the packed package", () => {
  let project: string;
  let client: LiveTestClient | undefined;
  let steps: ReturnType<typeof readmeSteps>;
  let build = "";

  beforeAll(() => {
    // A subpath import from a CommonJS project (moduleResolution node10, which reads package.json typesVersions).
    const limited = `import { Spikard } from "spikard";
import { memoryStore, redisStore, type RateLimitStore } from "spikard/rate-limit";

const store: RateLimitStore = process.env.REDIS_URL ? redisStore({ url: process.env.REDIS_URL }) : memoryStore({ maxClients: 1000 });
const app = new Spikard({ rateLimit: { perSecond: 1, burst: 1, store }, trustProxy: 1 });
app.get("/ping", () => "pong");
app.run();
`;
    const threads = `import { threadId } from "node:worker_threads";
import { Spikard } from "spikard";

const app = new Spikard({ workers: 2 });
app.get("/thread", () => ({ thread: threadId }));
app.run();
`;
    ({ project, build, steps } = followReadme("tspc", { "shop.ts": SHOP, "threads.ts": threads, "limited.ts": limited }));
  }, 300_000);
  afterAll(async () => {
    await client?.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("builds and serves with the README's last line, `npx tspc && node dist/app.js`", async () => {
    expect(build).toBe("npx tspc && node dist/app.js");
    expect(JSON.parse(steps.tsconfig).compilerOptions).toMatchObject({ strict: true, outDir: "dist", types: ["node"] });
    await servesHello(project, build);
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
    // typia's run-time helpers come through spikard (beside TypeScript 7 npm installs typia under spikard).
    expect(js).toContain("spikard/runtime/typia/_isTypeInt64");
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

/**
 * The other route, as verbatim: `npm install spikard typescript` (TypeScript 7,
 * the registry's latest), a tsconfig without a plugin, an app importing
 * ./spikard.gen, then `npx spikard gen && npx tsc && node dist/app.js`. The
 * packed package brings its own TypeScript 5.9 for `spikard gen`, and typia
 * (installed under spikard beside TypeScript 7) is reached through it.
 */
describe("a fresh project following the README's spikard gen route, with the packed package", () => {
  let project: string;
  let build = "";
  let steps: ReturnType<typeof readmeSteps>;
  beforeAll(() => {
    // typia's tags taken through spikard, as the README says for this route (typia is not importable beside TypeScript 7).
    const shop = `import "./spikard.gen";\n${SHOP.replace(`import type { tags } from "typia";`, `import type { tags } from "spikard";`)}`;
    ({ project, build, steps } = followReadme("spikard gen", { "shop.ts": shop }));
  }, 300_000);
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it("installs TypeScript 7 and no ts-patch", () => {
    const installed = (name: string): string | undefined => {
      const file = path.join(project, "node_modules", name, "package.json");
      return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version : undefined;
    };
    expect(installed("typescript")).toMatch(/^7\./);
    expect(installed("ts-patch")).toBeUndefined();
    expect(JSON.parse(steps.tsconfig).compilerOptions.plugins).toBeUndefined();
    expect(steps.app.split("\n")[0]).toMatch(/^import "\.\/spikard\.gen";/);
  });

  it("builds and serves with the README's last line, `npx spikard gen && npx tsc && node dist/app.js`", async () => {
    expect(build).toBe("npx spikard gen && npx tsc && node dist/app.js");
    await servesHello(project, build);
    expect(fs.existsSync(path.join(project, "src", "spikard.gen", "app.ts"))).toBe(true);
  }, 300_000);

  it("serves and validates from the generated metadata, and `spikard gen --check` passes on what it wrote", async () => {
    const client = await LiveTestClient.fromModule(path.join(project, "dist", "shop.js"));
    try {
      expect((await client.get("/search", { query: { q: "ts", limit: "3" } })).assertStatusOk().json()).toEqual({ query: "ts", limit: 3 });
      const bad = await client.post("/payments", { json: { id: "x", amount: -5 } });
      bad.assertStatus(422);
      expect(bad.json().errors.map((e: { type: string }) => e.type)).toEqual(["greater_than_equal", "string_too_short"]);
    } finally {
      await client.close();
    }
    expect(execFileSync("bash", ["-c", "npx spikard gen --check && echo fresh"], { cwd: project, encoding: "utf8" })).toContain("fresh");
  }, 120_000);

  it("says which import to change when a module takes typia's tags from typia itself (not installed beside TypeScript 7)", () => {
    fs.writeFileSync(path.join(project, "src", "direct.ts"), SHOP.replace(`app.run();`, ``));
    const r = spawnSync("bash", ["-c", "npx spikard gen"], { cwd: project, encoding: "utf8" });
    fs.rmSync(path.join(project, "src", "direct.ts"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/src\/direct\.ts\(2,\d+\): error .*\[spikard SPK020\] src\/direct\.ts imports "typia", which does not resolve from this project/);
  }, 120_000);
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
