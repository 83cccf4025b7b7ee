// WebSocket and SSE benchmarks (issue 16): `node benchmarks/realtime/run.mjs [--rounds=3] [--duration=5]
// [--servers=spikard,uws,ws] [--only=echo,sse,fanout]`, after `npm run build` and `npm --prefix benchmarks ci`.
//
// Every round starts each server in turn, alone, pinned to CPU 0, with the load generator (load.mjs, a raw-socket
// client) pinned to CPU 1. Throughput moves with whatever else the shared machine runs; the server's own CPU time
// per message (from /proc) barely does, so both are reported, with ratios taken within each round.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENT_CPU, cpuBusy, pinned, pinSelf, sampleCpu, startServer } from "../lib/proc.mjs";
import { run } from "../lib/servers.mjs";
import { median } from "../lib/stats.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BENCH = path.resolve(HERE, "..");
const log = (m) => console.error(`[realtime] ${m}`);

const SERVERS = [
  { name: "spikard", label: "spikard", port: 9121, entry: path.join(BENCH, ".build", "realtime", "app.js"), workloads: ["echo", "sse", "fanout"] },
  { name: "uws", label: "uWS raw (ceiling)", port: 9122, entry: path.join(HERE, "servers", "uws.mjs"), workloads: ["echo", "sse", "fanout"] },
  { name: "ws", label: "ws 8 on node:http", port: 9123, entry: path.join(HERE, "servers", "ws.mjs"), workloads: ["echo", "fanout"] },
];

const WORKLOADS = {
  echo: { what: "WebSocket echo of a typed JSON message, 50 connections", unit: "msg/s", options: (o) => ({ connections: 50, durationS: o.duration }) },
  sse: { what: "SSE events to 50 clients", unit: "events/s", options: (o) => ({ connections: 50, durationS: o.duration }) },
  fanout: { what: "one publish to 1 000 subscribers, time to the last delivery", unit: "ms", options: () => ({ subscribers: 1000, publishes: 50 }) },
};

function args() {
  const o = { rounds: 3, duration: 5, servers: SERVERS.map((s) => s.name), only: Object.keys(WORKLOADS) };
  for (const a of process.argv.slice(2)) {
    const [k, v] = a.replace(/^--/, "").split("=");
    if (k === "rounds" || k === "duration") o[k] = Number(v);
    else if (k === "servers" || k === "only") o[k] = v.split(",");
  }
  return o;
}

function load(mode, port, options) {
  const [cmd, argv] = pinned(CLIENT_CPU, process.execPath, [path.join(HERE, "load.mjs"), mode, String(port), JSON.stringify(options)]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", () => {
      try {
        const r = JSON.parse(out.trim().split("\n").pop());
        if (r.error) reject(new Error(r.error));
        else resolve(r);
      } catch {
        reject(new Error(`load ${mode}: ${out}`));
      }
    });
  });
}

async function main() {
  const o = args();
  pinSelf();
  const busy = await cpuBusy();
  if (busy.some((p) => p > 10)) log(`warning: the machine is busy before starting (CPU busy ${busy.join("%, ")}%)`);
  log("building the spikard app");
  run(path.join(BENCH, "node_modules", ".bin", "tspc"), ["-p", path.join(HERE, "servers", "spikard", "tsconfig.json")]);
  const servers = SERVERS.filter((s) => o.servers.includes(s.name));
  const workloads = Object.keys(WORKLOADS).filter((w) => o.only.includes(w));
  // cells[workload][server] = [result per round]
  const cells = Object.fromEntries(workloads.map((w) => [w, Object.fromEntries(servers.map((s) => [s.name, []]))]));
  for (let round = 0; round < o.rounds; round++) {
    for (const s of servers) {
      log(`round ${round + 1}/${o.rounds}: ${s.name}`);
      const server = await startServer(s.entry, s.port, { env: { SPIKARD_PORT: String(s.port) } });
      try {
        for (const w of workloads) {
          if (!s.workloads.includes(w)) continue;
          // A short run first: JIT warm-up, and the connections' first handshakes.
          if (w !== "fanout") await load(w, s.port, { ...WORKLOADS[w].options(o), durationS: 1 });
          const cpu = sampleCpu(server.pid);
          const r = await load(w, s.port, WORKLOADS[w].options(o));
          Object.assign(r, cpu.stop());
          r.cpuUsPerItem = r.serverCpuMs !== undefined && r.count > 0 ? (r.serverCpuMs * 1000) / r.count : undefined;
          cells[w][s.name][round] = r;
          log(`  ${w}: ${w === "fanout" ? `${r.medianMs.toFixed(2)} ms median, ${r.p99Ms.toFixed(2)} ms p99` : `${Math.round(r.rate)} ${WORKLOADS[w].unit}`}, server CPU ${r.serverPct}% (others ${r.otherPct}%), ${r.cpuUsPerItem?.toFixed(2)} µs CPU each`);
        }
      } finally {
        await server.stop();
      }
    }
  }
  const doc = { meta: { date: new Date().toISOString(), node: process.versions.node, cpus: os.cpus().length, cpuBusyBeforePct: busy, commit: commit(), rounds: o.rounds, durationS: o.duration }, workloads: WORKLOADS, results: summarize(cells), raw: cells };
  const dir = path.join(BENCH, "results");
  fs.mkdirSync(dir, { recursive: true });
  const name = o.rounds >= 3 && o.servers.length === SERVERS.length && o.only.length === Object.keys(WORKLOADS).length ? "realtime" : "realtime-partial";
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  const md = markdown(doc);
  fs.writeFileSync(path.join(dir, `${name}.md`), md);
  console.log(md);
}

/** Medians per server, and per-round ratios of spikard to each other server (throughput, and items per CPU-second). */
function summarize(cells) {
  const out = {};
  for (const [w, byServer] of Object.entries(cells)) {
    const row = {};
    for (const [s, rounds] of Object.entries(byServer)) {
      const rs = rounds.filter(Boolean);
      if (rs.length === 0) continue;
      row[s] = w === "fanout" ? { medianMs: median(rs.map((r) => r.medianMs)), p99Ms: median(rs.map((r) => r.p99Ms)), cpuUsPerItem: median(rs.map((r) => r.cpuUsPerItem)) } : { rate: median(rs.map((r) => r.rate)), cpuUsPerItem: median(rs.map((r) => r.cpuUsPerItem)), serverPct: median(rs.map((r) => r.serverPct)), otherPct: median(rs.map((r) => r.otherPct)) };
    }
    const mine = byServer.spikard ?? [];
    for (const other of Object.keys(byServer)) {
      if (other === "spikard") continue;
      const pairs = mine.map((m, i) => [m, byServer[other][i]]).filter(([a, b]) => a && b);
      if (pairs.length === 0) continue;
      row[`spikard/${other}`] =
        w === "fanout"
          ? { latency: median(pairs.map(([a, b]) => a.medianMs / b.medianMs)) }
          : { rate: median(pairs.map(([a, b]) => a.rate / b.rate)), cpu: median(pairs.map(([a, b]) => b.cpuUsPerItem / a.cpuUsPerItem)) };
    }
    out[w] = row;
  }
  return out;
}

function markdown(doc) {
  const r = doc.results;
  const f = (n, d = 0) => (n === undefined || Number.isNaN(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
  const lines = [`# Realtime benchmarks`, "", `${doc.meta.date}, commit ${doc.meta.commit}, Node ${doc.meta.node}, ${doc.meta.cpus} CPUs (busy before start: ${doc.meta.cpuBusyBeforePct.join("%, ")}%), medians of ${doc.meta.rounds} rounds of ${doc.meta.durationS} s; ratios are medians of per-round ratios. "CPU" ratios compare items per server CPU-second (robust to other load on the machine).`, ""];
  lines.push("| workload | spikard | uWS raw | ws | spikard × uWS (rate / CPU) | spikard × ws (rate / CPU) | CPU µs per item (spikard / uWS / ws) |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const w of ["echo", "sse"]) {
    if (!r[w]) continue;
    const x = r[w];
    lines.push(
      `| ${doc.workloads[w].what} (${doc.workloads[w].unit}) | ${f(x.spikard?.rate)} | ${f(x.uws?.rate)} | ${f(x.ws?.rate)} | ${f(x["spikard/uws"]?.rate, 2)} / ${f(x["spikard/uws"]?.cpu, 2)} | ${x["spikard/ws"] ? `${f(x["spikard/ws"].rate, 2)} / ${f(x["spikard/ws"].cpu, 2)}` : "–"} | ${f(x.spikard?.cpuUsPerItem, 2)} / ${f(x.uws?.cpuUsPerItem, 2)} / ${f(x.ws?.cpuUsPerItem, 2)} |`,
    );
  }
  if (r.fanout) {
    const x = r.fanout;
    lines.push(`| ${doc.workloads.fanout.what}: median (p99) | ${f(x.spikard?.medianMs, 2)} (${f(x.spikard?.p99Ms, 2)}) ms | ${f(x.uws?.medianMs, 2)} (${f(x.uws?.p99Ms, 2)}) ms | ${f(x.ws?.medianMs, 2)} (${f(x.ws?.p99Ms, 2)}) ms | ${f(x["spikard/uws"]?.latency, 2)}× the time | ${f(x["spikard/ws"]?.latency, 2)}× the time | ${f(x.spikard?.cpuUsPerItem, 2)} / ${f(x.uws?.cpuUsPerItem, 2)} / ${f(x.ws?.cpuUsPerItem, 2)} per delivery |`);
  }
  return `${lines.join("\n")}\n`;
}

function commit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: BENCH, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
