// Orchestrator: build, probe, warm up, then interleaved rounds (every server
// once per round, in turn), so slow drift of the machine affects all servers
// alike; writes results/latest.json and results/latest.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAutocannon } from "./lib/autocannon.mjs";
import { parseArgs, resultName, USAGE } from "./lib/cli.mjs";
import { measureBuild, measureStartup } from "./lib/generated-app.mjs";
import { measureSoak } from "./lib/soak.mjs";
import { measureUploadSoak } from "./lib/upload-soak.mjs";
import { cpuBusy, pinSelf, sampleCpu, sampleRss, startServer } from "./lib/proc.mjs";
import { probe } from "./lib/probe.mjs";
import { renderMarkdown, renderSoakMarkdown } from "./lib/report.mjs";
import { BASELINE, BENCH_DIR, CEILING, SERVERS, SERVER_NAMES } from "./lib/servers.mjs";
import { summarizeWorkload } from "./lib/stats.mjs";
import { WORKLOADS, WORKLOAD_NAMES } from "./lib/workloads.mjs";
import { ensureWrk, runWrk } from "./lib/wrk.mjs";

const STARTUP_PORT = 9110;
const SOAK_PORT = 9111;
const UPLOAD_SOAK_PORT = 9112;
const log = (msg) => console.error(`[bench] ${msg}`);

async function main() {
  const opts = parseArgs(process.argv.slice(2), { workloads: WORKLOAD_NAMES, servers: SERVER_NAMES });
  if (opts.help) return console.log(USAGE);
  if (opts.soakOnly) return uploadSoak(opts);
  const t0 = performance.now();
  const servers = SERVERS.filter((s) => opts.servers.includes(s.name));
  const workloads = WORKLOADS.filter((w) => opts.workloads.includes(w.name));
  if (os.cpus().length < 2) log("warning: fewer than 2 CPUs; server and load generator will share a core");
  else if (!pinSelf()) log("warning: taskset unavailable; nothing is pinned");

  const busyBefore = await cpuBusy();
  if (busyBefore.some((p) => p > 10)) log(`warning: the machine is busy before starting (CPU busy ${busyBefore.join("%, ")}%); expect noisy numbers`);

  let loadTool = opts.tool ?? "wrk";
  if (loadTool === "wrk" && !ensureWrk(log)) {
    log("WARNING: wrk is unavailable and could not be installed; falling back to autocannon (numbers are not comparable with wrk runs)");
    loadTool = "autocannon";
  }
  const load = loadTool === "wrk" ? runWrk : runAutocannon;

  for (const s of servers) {
    if (s.build) {
      log(`building ${s.name}`);
      s.build();
    }
  }

  // cells[workload][server] = { unsupported?: reason, rounds: [result per round] }
  const cells = Object.fromEntries(workloads.map((w) => [w.name, Object.fromEntries(servers.map((s) => [s.name, { rounds: [] }]))]));

  for (let round = 0; round < opts.rounds; round++) {
    for (const s of servers) {
      log(`round ${round + 1}/${opts.rounds}: ${s.name}`);
      let server;
      try {
        server = await startServer(s.entry, s.port, { env: s.env });
      } catch (err) {
        // Reported like a failed probe, so the other servers' numbers still come out.
        log(`  ${s.name} did not start: ${err.message}`);
        for (const w of workloads) cells[w.name][s.name].unsupported ??= `server did not start: ${err.message.split("\n")[0]}`;
        continue;
      }
      try {
        const live = [];
        for (const w of workloads) {
          const cell = cells[w.name][s.name];
          // Probed on every start: a server that answers wrongly in any round is not measured at all.
          const wrong = cell.unsupported ?? (await probe(s.port, w));
          if (wrong) {
            if (!cell.unsupported) log(`  ${w.name}: unsupported (${wrong})`);
            cell.unsupported = wrong;
          } else live.push(w);
        }
        // One concurrent warm-up over every workload reaches all routes' JIT in a single window.
        const per = Math.max(1, Math.floor(opts.connections / Math.max(1, live.length)));
        await Promise.all(live.map((w) => load({ port: s.port, workload: w, durationS: opts.warmupS, connections: per })));
        for (const w of live) {
          const rss = sampleRss(server.pid);
          const cpu = sampleCpu(server.pid);
          const result = await load({ port: s.port, workload: w, durationS: opts.durationS, connections: opts.connections });
          result.rssKb = rss.stop();
          Object.assign(result, cpu.stop());
          cells[w.name][s.name].rounds[round] = result;
          log(`  ${w.name}: ${Math.round(result.okRps)} req/s${result.bad ? ` (${result.bad} wrong answers)` : ""}`);
        }
      } finally {
        await server.stop();
      }
    }
  }

  const doc = {
    meta: {
      date: new Date().toISOString(),
      node: process.versions.node,
      cpus: os.cpus().length,
      cpuBusyBeforePct: busyBefore,
      commit: gitCommit(),
      loadTool,
      quick: opts.quick,
      rounds: opts.rounds,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      connections: opts.connections,
    },
    ceiling: CEILING,
    baseline: BASELINE,
    servers: servers.map(({ name, label }) => ({ name, label })),
    workloads: workloads.map((w) => w.name),
    results: Object.fromEntries(workloads.map((w) => [w.name, summarizeWorkload(cells[w.name], { ceiling: CEILING, baseline: BASELINE })])),
    raw: cells,
  };

  if (opts.extras && opts.servers.includes("spikard")) {
    log("spikard start-up time, 100 generated routes");
    doc.startup = await measureStartup({ routes: 100, runs: opts.quick ? 3 : 7, port: STARTUP_PORT });
    const spikard = SERVERS.find((s) => s.name === "spikard");
    const soakWorkloads = workloads.filter((w) => cells[w.name].spikard && !cells[w.name].spikard.unsupported);
    const soakS = opts.quick ? 10 : 60;
    log(`spikard RSS over ${soakS} s of every workload at once`);
    // V8 sizes its heap to the load over the first seconds; growth per request is what counts, so the minute starts after that.
    doc.soak = await measureSoak({ entry: spikard.entry, port: SOAK_PORT, workloads: soakWorkloads, load, durationS: soakS, warmupS: opts.quick ? 3 : 15, connections: opts.connections });
    log("tspc vs spikard gen vs tsc build time, 200 generated routes");
    doc.build = measureBuild({ routes: 200, runs: opts.extraRuns });
  }

  const dir = path.join(BENCH_DIR, "results");
  fs.mkdirSync(dir, { recursive: true });
  // Only a full run (every server and workload, full length) replaces the published results.
  const base = resultName(opts, { workloads: WORKLOAD_NAMES, servers: SERVER_NAMES });
  fs.writeFileSync(path.join(dir, `${base}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  const md = renderMarkdown(doc);
  fs.writeFileSync(path.join(dir, `${base}.md`), md);
  console.log(md);
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s; wrote benchmarks/results/${base}.json and ${base}.md`);
}

/** `--soak-only`: the upload soak alone, written to results/soak.json and soak.md. */
async function uploadSoak(opts) {
  const t0 = performance.now();
  if (!pinSelf()) log("warning: taskset unavailable; nothing is pinned");
  const spikard = SERVERS.find((s) => s.name === "spikard");
  log("building spikard");
  spikard.build();
  // A few minutes' run gets a 30 s warm-in (V8 sizes its heap to the load first); a short one a tenth of itself.
  const warmupS = Math.min(30, Math.max(3, Math.round(opts.soakMinutes * 6)));
  const soak = await measureUploadSoak({ entry: path.join(path.dirname(spikard.entry), "soak.js"), port: UPLOAD_SOAK_PORT, minutes: opts.soakMinutes, warmupS, log });
  const doc = { meta: { date: new Date().toISOString(), node: process.versions.node, cpus: os.cpus().length, commit: gitCommit() }, soak };
  const dir = path.join(BENCH_DIR, "results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "soak.json"), `${JSON.stringify(doc, null, 2)}\n`);
  const md = renderSoakMarkdown(doc);
  fs.writeFileSync(path.join(dir, "soak.md"), md);
  console.log(md);
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s; wrote benchmarks/results/soak.json and soak.md`);
  const flat = soak.rss?.flat && soak.fds?.flat && soak.fileFds?.flat;
  if (!flat || soak.leftInUploadDir.length > 0 || !soak.alive || soak.serverErrors > 0) process.exitCode = 1;
}

function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: BENCH_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
