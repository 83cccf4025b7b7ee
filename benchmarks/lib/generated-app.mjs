// spikard's costs that grow with the app rather than the request: start-up
// time of a 100-route app and the build time on 200 routes (tspc with the
// transformer, `spikard gen`, and plain tsc for reference),
// measured on generated apps that mix the handler shapes real apps use.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pinned, SERVER_CPU, startServer } from "./proc.mjs";
import { BENCH_DIR } from "./servers.mjs";
import { median } from "./stats.mjs";

const bin = (name) => path.join(BENCH_DIR, "node_modules", ".bin", name);

/** One route per index, cycling through query, body, array-query and path+body handlers, each with its own types. */
export function generateAppSource(routes) {
  const out = [
    `import { Spikard, type Body, type Int, type Path, type Query } from "spikard";`,
    `import type { tags } from "typia";`,
    ``,
    `const app = new Spikard();`,
    `app.get("/hello", () => "Hello, World!");`,
  ];
  for (let i = 0; i < routes; i++) {
    switch (i % 4) {
      case 0:
        out.push(`app.get("/r${i}/{id:int}", (id: Path<Int>, q: Query<string & tags.MinLength<1>> = "x", limit: Query<Int & tags.Minimum<1>> = 10) => ({ id, q, limit, route: ${i} }));`);
        break;
      case 1:
        out.push(
          `interface Item${i} { name: string & tags.MinLength<1>; price: number & tags.Minimum<0>; quantity: Int; tags: string[]; meta?: { note: string & tags.MaxLength<200> } }`,
          `app.post("/r${i}", (item: Body<Item${i}>): Item${i} => item);`,
        );
        break;
      case 2:
        out.push(`app.get("/r${i}", (active: Query<boolean>, ids?: Query<number[]>) => ({ active, ids: ids ?? [], route: ${i} }));`);
        break;
      default:
        out.push(
          `interface Patch${i} { name: string; nested: { a: Int & tags.Minimum<0>; b: Array<string & tags.Pattern<"^[a-z]+$">> } }`,
          `app.put("/r${i}/{id}", (id: Path<number>, patch: Body<Patch${i}>) => ({ id, ...patch }));`,
        );
    }
  }
  out.push(``, `app.run();`, ``);
  return out.join("\n");
}

/** Writes the app plus two tsconfigs that differ only in the transformer plugin. */
function writeApp(dir, routes) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "app.ts"), generateAppSource(routes));
  const base = { target: "ES2022", module: "commonjs", moduleResolution: "node10", strict: true, esModuleInterop: true, skipLibCheck: true, rootDir: "." };
  const config = (outDir, plugins) => JSON.stringify({ compilerOptions: { ...base, outDir, plugins }, files: ["app.ts"] }, null, 2);
  fs.writeFileSync(path.join(dir, "tsconfig.json"), config("out", [{ transform: "spikard/transformer" }]));
  fs.writeFileSync(path.join(dir, "tsconfig.plain.json"), config("out-plain", []));
}

/** Wall-clock milliseconds of one compiler run, pinned like the servers so it is not disturbed by anything else. */
function timeCompile(compiler, tsconfig, extraArgs = []) {
  const [cmd, args] = pinned(SERVER_CPU, bin(compiler), [...extraArgs, "-p", tsconfig]);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: BENCH_DIR, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${compiler} ${extraArgs.join(" ")} -p ${tsconfig} failed:\n${r.stdout}${r.stderr}`);
  return ms;
}

export async function measureStartup({ routes = 100, runs, port }) {
  const dir = path.join(BENCH_DIR, ".build", `startup-${routes}`);
  writeApp(dir, routes);
  timeCompile("tspc", path.join(dir, "tsconfig.json"));
  const runsMs = [];
  for (let i = 0; i < runs; i++) {
    const server = await startServer(path.join(dir, "out", "app.js"), port);
    runsMs.push(server.startupMs);
    await server.stop();
  }
  return { routes, runsMs, medianMs: median(runsMs) };
}

export function measureBuild({ routes = 200, runs }) {
  const dir = path.join(BENCH_DIR, ".build", `build-${routes}`);
  writeApp(dir, routes);
  const tspcMs = [];
  const tscMs = [];
  const genMs = [];
  // Alternating keeps any drift from favouring one compiler. `spikard gen` reads the plain tsconfig (it ignores plugins) and
  // writes ./spikard.gen/, which that tsconfig's `files` leaves out, so plain tsc's figure stays that of the app alone.
  for (let i = 0; i < runs; i++) {
    tspcMs.push(timeCompile("tspc", path.join(dir, "tsconfig.json")));
    tscMs.push(timeCompile("tsc", path.join(dir, "tsconfig.plain.json")));
    fs.rmSync(path.join(dir, "spikard.gen"), { recursive: true, force: true });
    genMs.push(timeCompile("spikard", path.join(dir, "tsconfig.plain.json"), ["gen"]));
  }
  return { routes, tspcMs, tscMs, genMs, tspcMedianMs: median(tspcMs), tscMedianMs: median(tscMs), genMedianMs: median(genMs) };
}
