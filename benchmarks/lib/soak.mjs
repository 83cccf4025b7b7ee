// spikard's memory over a long run: every workload at once (valid and invalid
// requests, bodies, uploads) for a minute, RSS sampled each second, so
// growth per request shows as drift between the first and the last tenth.
import fs from "node:fs";
import { sleep, startServer } from "./proc.mjs";
import { summarizeSoak } from "./stats.mjs";

export function rssKb(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : undefined;
}

export async function measureSoak({ entry, port, workloads, load, durationS, warmupS, connections }) {
  const server = await startServer(entry, port);
  try {
    const per = Math.max(1, Math.floor(connections / workloads.length));
    const all = (seconds) => Promise.all(workloads.map((w) => load({ port, workload: w, durationS: seconds, connections: per })));
    await all(warmupS);
    const samplesKb = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        try {
          samplesKb.push(rssKb(server.pid));
        } catch {}
        await sleep(1000);
      }
    })();
    const results = await all(durationS);
    running = false;
    await sampling;
    const requests = results.reduce((a, r) => a + (r.requests ?? 0), 0);
    const bad = results.reduce((a, r) => a + (r.bad ?? 0), 0);
    return { durationS, warmupS, workloads: workloads.map((w) => w.name), requests, bad, samplesKb, ...summarizeSoak(samplesKb) };
  } finally {
    await server.stop();
  }
}
