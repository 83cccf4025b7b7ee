import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fixtureDifference } from "../src/codegen/fixtures/check";
import { loadFixtures, type Fixture } from "../src/codegen/fixtures/fixtures";
import { generateApp, PRELUDE, type GeneratedApp } from "../src/codegen/fixtures/generate-app";
import { skipReason, skipReasonOf } from "./skips";
import { loadChannelFixtures, specProtocol, type ChannelFixture } from "./channel-fixtures";
import { generateChannelApps, type ChannelApp } from "./channel-apps";
import { runGrpcFixtures } from "./grpc/run";

const NODE_HAS_NO_WEBSOCKETS = "The node:http adapter serves no WebSockets (it answers the handshake 426; README, Choosing an adapter): WebSocket fixtures run in the uWS adapter's run.";

/**
 * `npm run conformance -- DIR [--json FILE] [--ratchet FILE] [--only cat1,cat2] [--adapter uws|node]`
 *
 * Generates a typed app per fixture, compiles all of them in one `tspc` run
 * with spikard/transformer, serves each on a real socket, sends the fixture's
 * request and compares the response.
 */

const ROOT = path.resolve(__dirname, "..", "..");

interface Result {
  id: string;
  category: string;
  status: "passed" | "failed" | "skipped";
  detail?: string;
}

interface Args {
  dir: string;
  json?: string;
  ratchet?: string;
  only?: Set<string>;
  /** The adapter every generated app serves on (ServerConfig's default, through SPIKARD_ADAPTER). */
  adapter?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") args.json = argv[++i];
    else if (a === "--ratchet") args.ratchet = argv[++i];
    else if (a === "--only") args.only = new Set(argv[++i]!.split(","));
    else if (a === "--adapter") args.adapter = argv[++i];
    else if (!a.startsWith("--")) args.dir = a;
  }
  if (!args.dir) throw new Error("usage: npm run conformance -- DIR [--json FILE] [--ratchet FILE] [--only categories] [--adapter uws|node]");
  if (args.adapter !== undefined && args.adapter !== "uws" && args.adapter !== "node") throw new Error(`--adapter must be uws or node, got ${JSON.stringify(args.adapter)}`);
  return args as Args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.adapter !== undefined) process.env.SPIKARD_ADAPTER = args.adapter;
  const dir = path.resolve(args.dir);
  const all = loadFixtures(dir).filter((f) => !args.only || args.only.has(f.category));
  const results: Result[] = [];
  const runnable: Fixture[] = [];
  for (const f of all) {
    const reason = skipReason(f);
    if (reason) results.push({ id: f.id, category: f.category, status: "skipped", detail: reason });
    else runnable.push(f);
  }

  // WebSocket, SSE and AsyncAPI fixtures: apps per channel or spec (see channel-fixtures.ts).
  const channelFixtures = loadChannelFixtures(dir).filter((f) => !args.only || args.only.has(f.category));
  // The node:http adapter serves no WebSockets (it answers a handshake 426, by design): those fixtures are the uWS run's.
  const unsupported = (f: ChannelFixture): string | undefined =>
    args.adapter === "node" && (f.kind === "spec" ? specProtocol(f.spec) === "websocket" : f.category === "websockets") ? NODE_HAS_NO_WEBSOCKETS : undefined;
  const notApplicable = new Set<string>();
  for (const f of channelFixtures) {
    const reason = skipReasonOf(f.id) ?? unsupported(f);
    if (reason) results.push({ id: f.id, category: f.category, status: "skipped", detail: reason });
    if (reason === NODE_HAS_NO_WEBSOCKETS) notApplicable.add(f.id);
  }
  const channelApps = generateChannelApps(channelFixtures.filter((f) => !skipReasonOf(f.id) && !unsupported(f)));

  const buildDir = path.join(ROOT, ".conformance-build", createHash("sha1").update(dir).digest("hex").slice(0, 10));
  const apps = writeApps(buildDir, runnable, channelApps);
  const compileErrors = apps.length > 0 || channelApps.length > 0 ? compile(buildDir, apps, channelApps) : new Map<string, string>();

  for (const app of apps) {
    const f = app.fixture;
    const compileError = compileErrors.get(f.id);
    if (compileError) {
      results.push({ id: f.id, category: f.category, status: "failed", detail: `compile: ${compileError}` });
      continue;
    }
    results.push({ id: f.id, category: f.category, ...(await runOne(buildDir, app)) });
  }
  for (const app of channelApps) {
    const category = app.module;
    const failed = app.ids.map((id) => compileErrors.get(id)).find((e) => e !== undefined);
    if (failed) {
      for (const id of app.ids) results.push({ id, category, status: "failed", detail: `compile: ${failed}` });
      continue;
    }
    for (const [id, problem] of await runChannelApp(buildDir, app)) results.push({ id, category, ...(problem === undefined ? { status: "passed" } : { status: "failed", detail: problem }) });
  }
  // gRPC fixtures (protobuf/): their own runner, one gRPC server per fixture.
  results.push(...(await runGrpcFixtures(dir, (f) => skipReason(f as unknown as Fixture), args.only)));
  results.sort((a, b) => a.id.localeCompare(b.id));
  report(results);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
  if (args.ratchet) return checkRatchet(args.ratchet, results, notApplicable);
  // Without a ratchet every fixture must pass (the project's own testing_data).
  return results.some((r) => r.status === "failed") ? 1 : 0;
}

function writeApps(buildDir: string, fixtures: Fixture[], channelApps: ChannelApp[]): Array<GeneratedApp & { module: string }> {
  fs.rmSync(buildDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(buildDir, "src"), { recursive: true });
  const byCategory = new Map<string, Array<GeneratedApp & { module: string }>>();
  fixtures.forEach((f, i) => {
    const app = { ...generateApp(f, i), module: f.category };
    byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), app]);
  });
  for (const app of [...byCategory.values()].flat()) {
    for (const f of app.files) {
      const target = path.join(buildDir, "static", f.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.content);
    }
  }
  for (const [category, apps] of byCategory) {
    fs.writeFileSync(path.join(buildDir, "src", `${category}.ts`), `${PRELUDE}\n${apps.map((a) => a.code).join("\n\n")}\n`);
  }
  for (const [module, list] of groupBy(channelApps, (a) => a.module)) {
    fs.writeFileSync(path.join(buildDir, "src", `${module}.ts`), `${PRELUDE}\n${list.map((a) => a.code).join("\n\n")}\n`);
  }
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node10",
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmitOnError: false,
      outDir: "out",
      rootDir: "src",
      baseUrl: ".",
      types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules", "@types")],
      paths: { spikard: [path.join(ROOT, "dist", "src", "index")], "spikard/fixtures": [path.join(ROOT, "dist", "src", "codegen", "fixtures", "index")], typia: [path.join(ROOT, "node_modules", "typia")] },
      // The fixtures pin Spikard's wire behaviour, where an unresolvable dependency answers 500 per request.
      plugins: [{ transform: path.join(ROOT, "dist", "transformer", "index.js"), dependencyErrors: "respond" }],
    },
    include: ["src/*.ts"],
  };
  fs.writeFileSync(path.join(buildDir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  return [...byCategory.values()].flat();
}

/** One tspc run for every generated app; returns the first compile error per fixture. */
function compile(buildDir: string, apps: Array<GeneratedApp & { module: string }>, channelApps: ChannelApp[]): Map<string, string> {
  const tspc = path.join(ROOT, "node_modules", "ts-patch", "bin", "tspc.js");
  const run = spawnSync(process.execPath, [tspc, "-p", path.join(buildDir, "tsconfig.json")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const errors = new Map<string, string>();
  const output = `${run.stdout}${run.stderr}`;
  // Attribute "src/<category>.ts(line,col): error ..." to the fixture whose code spans that line.
  const spans = new Map<string, Array<{ ids: string[]; from: number; to: number }>>();
  const owners = [...apps.map((a) => ({ module: a.module, ids: [a.fixture.id], code: a.code })), ...channelApps.map((a) => ({ module: a.module, ids: a.ids, code: a.code }))];
  for (const [category, list] of groupBy(owners, (a) => a.module)) {
    let line = PRELUDE.split("\n").length + 1;
    const entries: Array<{ ids: string[]; from: number; to: number }> = [];
    for (const a of list) {
      const n = a.code.split("\n").length;
      entries.push({ ids: a.ids, from: line, to: line + n - 1 });
      line += n + 1;
    }
    spans.set(category, entries);
  }
  for (const m of output.matchAll(/src\/([\w-]+)\.ts\((\d+),\d+\): error ([^\n]+)/g)) {
    const entry = spans.get(m[1]!)?.find((e) => Number(m[2]) >= e.from && Number(m[2]) <= e.to);
    for (const id of entry?.ids ?? []) if (!errors.has(id)) errors.set(id, m[3]!);
  }
  if (run.status !== 0 && errors.size === 0 && !fs.existsSync(path.join(buildDir, "out"))) throw new Error(`tspc failed:\n${output}`);
  return errors;
}

async function runOne(buildDir: string, app: GeneratedApp & { module: string }): Promise<Omit<Result, "id" | "category">> {
  let server: { port: number; close(): Promise<void> } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(buildDir, "out", `${app.module}.js`)) as Record<string, () => { serve(o: object): Promise<{ port: number; close(): Promise<void> }> }>;
    const spikardApp = mod[app.factory]!();
    server = await spikardApp.serve({ host: "127.0.0.1", port: 0 });
    const diff = await fixtureDifference(app.fixture, server.port);
    return diff ? { status: "failed", detail: diff } : { status: "passed" };
  } catch (err) {
    return { status: "failed", detail: `error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}` };
  } finally {
    await server?.close();
  }
}

/** Serves a channel app and runs its fixtures' exchanges (WebSocket messages, event streams, the AsyncAPI document). */
async function runChannelApp(buildDir: string, app: ChannelApp): Promise<Map<string, string | undefined>> {
  let server: { port: number; close(): Promise<void> } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(buildDir, "out", `${app.module}.js`)) as Record<string, () => { serve(o: object): Promise<{ port: number; close(): Promise<void> }> }>;
    server = await mod[app.factory]!().serve({ host: "127.0.0.1", port: 0 });
    return await app.check(server.port);
  } catch (err) {
    const detail = `error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
    return new Map(app.ids.map((id) => [id, detail]));
  } finally {
    await server?.close();
  }
}

function report(results: Result[]): void {
  const byCat = groupBy(results, (r) => r.category);
  const width = Math.max(...[...byCat.keys()].map((k) => k.length), 8);
  for (const [cat, list] of byCat) {
    const counted = list.filter((r) => r.status !== "skipped");
    const passed = counted.filter((r) => r.status === "passed").length;
    const skipped = list.length - counted.length;
    console.log(`${cat.padEnd(width)}  ${passed}/${counted.length}${skipped ? ` (${skipped} skipped)` : ""}`);
  }
  for (const r of results) if (r.status === "failed") console.log(`FAIL ${r.id}: ${r.detail}`);
  const n = (s: Result["status"]): number => results.filter((r) => r.status === s).length;
  console.log(`${n("passed")} passed, ${n("failed")} failed, ${n("skipped")} skipped`);
}

/** Fixtures listed in the ratchet file must keep passing, except those this run's adapter cannot serve. */
function checkRatchet(file: string, results: Result[], notApplicable: ReadonlySet<string>): number {
  const must = new Set((JSON.parse(fs.readFileSync(file, "utf8")) as string[]).filter((id) => id && !notApplicable.has(id)));
  const passed = new Set(results.filter((r) => r.status === "passed").map((r) => r.id));
  const regressed = [...must].filter((id) => !passed.has(id));
  const fresh = [...passed].filter((id) => !must.has(id));
  if (fresh.length) console.log(`ratchet: ${fresh.length} newly passing fixture(s); add them to ${path.relative(process.cwd(), file)}:\n  ${fresh.join("\n  ")}`);
  if (regressed.length) {
    console.log(`ratchet: ${regressed.length} fixture(s) that passed before now fail:\n  ${regressed.join("\n  ")}`);
    return 1;
  }
  return 0;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
  return m;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
