// The contenders: how to build and start each one, and the port it gets.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(BENCH_DIR, "node_modules", ".bin", name);

/** Ratios are reported against these two. */
export const CEILING = "uws";
export const BASELINE = "fastify";

let spikardBuilt = false;
/** One tspc build of the spikard app, for both adapters. */
function buildSpikard() {
  if (spikardBuilt) return;
  run(bin("tspc"), ["-p", path.join(BENCH_DIR, "servers", "spikard", "tsconfig.json")]);
  spikardBuilt = true;
}

export const SERVERS = [
  { name: "spikard", label: "spikard", port: 9101, entry: path.join(BENCH_DIR, ".build", "spikard", "app.js"), build: buildSpikard },
  // The same build served by the node:http adapter (ServerConfig's default adapter, through SPIKARD_ADAPTER).
  { name: "spikard-node", label: "spikard (node adapter)", port: 9107, entry: path.join(BENCH_DIR, ".build", "spikard", "app.js"), build: buildSpikard, env: { SPIKARD_ADAPTER: "node" } },
  { name: "uws", label: "uWS raw (ceiling)", port: 9102, entry: path.join(BENCH_DIR, "servers", "uws.mjs") },
  { name: "fastify", label: "Fastify 5", port: 9103, entry: path.join(BENCH_DIR, "servers", "fastify.mjs") },
  { name: "hono", label: "Hono (node-server)", port: 9104, entry: path.join(BENCH_DIR, "servers", "hono.mjs") },
  { name: "node", label: "node:http", port: 9105, entry: path.join(BENCH_DIR, "servers", "node-http.mjs") },
];

/**
 * A/B in one run: SPIKARD_BENCH_BASE=<another spikard checkout, built> adds
 * "spikard-base", the same app built with that checkout's transformer and
 * runtime, so a change on the request path is measured against its parent in
 * the same interleaved rounds (`--servers=spikard,spikard-base,uws`).
 */
const BASE = process.env.SPIKARD_BENCH_BASE;
if (BASE) {
  const out = path.join(BENCH_DIR, ".build", "spikard-base");
  SERVERS.splice(1, 0, {
    name: "spikard-base",
    label: `spikard at ${path.basename(BASE)}`,
    port: 9106,
    entry: path.join(out, "app.js"),
    build: () => buildBase(path.resolve(BASE), out),
  });
}

function buildBase(base, out) {
  fs.mkdirSync(path.join(out, "node_modules"), { recursive: true });
  const link = path.join(out, "node_modules", "spikard");
  fs.rmSync(link, { force: true });
  fs.symlinkSync(base, link, "dir");
  const tsconfig = path.join(out, "tsconfig.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "commonjs", moduleResolution: "node10", strict: true, esModuleInterop: true, skipLibCheck: true,
        outDir: out, rootDir: path.join(BENCH_DIR, "servers", "spikard"),
        baseUrl: out, paths: { spikard: [path.join(base, "dist", "src", "index.d.ts")] },
        plugins: [{ transform: path.join(base, "dist", "transformer", "index.js") }],
      },
      files: [path.join(BENCH_DIR, "servers", "spikard", "app.ts")],
    }),
  );
  run(bin("tspc"), ["-p", tsconfig]);
}

export const SERVER_NAMES = SERVERS.map((s) => s.name);

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: BENCH_DIR, encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r;
}
