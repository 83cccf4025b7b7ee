// Fallback load generator for machines without wrk. autocannon runs in Node,
// so it gets its own process pinned to the client CPU rather than sharing
// the orchestrator's event loop; that process is this file run as a script.
import { fileURLToPath } from "node:url";
import { runPinnedScript } from "./proc.mjs";
import { WORKLOADS } from "./workloads.mjs";

const SELF = fileURLToPath(import.meta.url);

/** @returns {Promise<import("./wrk-output.mjs").LoadResult>} */
export function runAutocannon({ port, workload, durationS, connections }) {
  return runPinnedScript(SELF, { port, workload: workload.name, durationS, connections }, "autocannon");
}

/** autocannon reports latency in milliseconds and statuses per code. */
export function fromAutocannon(r, expectStatus) {
  const requests = Object.values(r.statusCodeStats ?? {}).reduce((a, s) => a + s.count, 0);
  const good =
    expectStatus < 300
      ? Object.entries(r.statusCodeStats ?? {}).reduce((a, [code, s]) => a + (code.startsWith("2") ? s.count : 0), 0)
      : (r.statusCodeStats?.[expectStatus]?.count ?? 0);
  const rps = requests / r.duration;
  return {
    requests,
    bad: requests - good,
    socketErrors: r.errors + r.timeouts,
    rps,
    okRps: good / r.duration,
    latencyUs: { p50: r.latency.p50 * 1e3, p99: r.latency.p99 * 1e3, p999: r.latency.p99_9 * 1e3 },
  };
}

async function main() {
  const { port, workload: name, durationS, connections } = JSON.parse(process.argv[2]);
  const w = WORKLOADS.find((x) => x.name === name);
  const { default: autocannon } = await import("autocannon");
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${w.path}`,
    method: w.method,
    headers: w.headers,
    body: w.body === undefined ? undefined : Buffer.from(w.body),
    connections,
    duration: durationS,
  });
  process.stdout.write(JSON.stringify(fromAutocannon(r, w.expect.status)));
}

if (process.argv[1] === SELF) main();
