// The contenders: how to build and start each one, and the port it gets.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(BENCH_DIR, "node_modules", ".bin", name);

/** Ratios are reported against these two. */
export const CEILING = "uws";
export const BASELINE = "fastify";

export const SERVERS = [
  {
    name: "spikard",
    label: "spikard",
    port: 9101,
    entry: path.join(BENCH_DIR, ".build", "spikard", "app.js"),
    build: () => run(bin("tspc"), ["-p", path.join(BENCH_DIR, "servers", "spikard", "tsconfig.json")]),
  },
  { name: "uws", label: "uWS raw (ceiling)", port: 9102, entry: path.join(BENCH_DIR, "servers", "uws.mjs") },
  { name: "fastify", label: "Fastify 5", port: 9103, entry: path.join(BENCH_DIR, "servers", "fastify.mjs") },
  { name: "hono", label: "Hono (node-server)", port: 9104, entry: path.join(BENCH_DIR, "servers", "hono.mjs") },
  { name: "node", label: "node:http", port: 9105, entry: path.join(BENCH_DIR, "servers", "node-http.mjs") },
];

export const SERVER_NAMES = SERVERS.map((s) => s.name);

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: BENCH_DIR, encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r;
}
