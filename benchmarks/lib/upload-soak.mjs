// The upload soak (`node benchmarks/run.mjs --soak-only --minutes 10`): spikard under minutes of
// mixed valid and invalid traffic with uploads, aborted uploads and stalled uploads (soak-traffic.mjs,
// in its own process on the client CPU), its RSS and open file descriptors sampled every second.
// Flat means the median of the last tenth of the samples is within ±5% of the first tenth's; the
// descriptors are also counted idle before and after, and the upload directory must end empty.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPinnedScript, sleep, startServer } from "./proc.mjs";
import { rssKb } from "./soak.mjs";
import { summarizeSoak } from "./stats.mjs";

const TRAFFIC = path.join(path.dirname(fileURLToPath(import.meta.url)), "soak-traffic.mjs");

/** Open descriptors of `pid`: all of them, and those that are not sockets (files, pipes, eventfds). */
export function openFds(pid) {
  const dir = `/proc/${pid}/fd`;
  let total = 0;
  let files = 0;
  for (const fd of fs.readdirSync(dir)) {
    let target;
    try {
      target = fs.readlinkSync(path.join(dir, fd));
    } catch {
      continue; // closed while listing
    }
    total++;
    if (!target.startsWith("socket:")) files++;
  }
  return { total, files };
}

function runTraffic(port, durationS) {
  return runPinnedScript(TRAFFIC, { port, durationS }, "soak traffic");
}

export async function measureUploadSoak({ entry, port, minutes, warmupS, log }) {
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-soak-uploads-"));
  const server = await startServer(entry, port, { env: { SPIKARD_UPLOAD_DIR: uploadDir } });
  try {
    await sleep(500);
    const idleBefore = openFds(server.pid);
    const durationS = Math.round(minutes * 60);
    log?.(`upload soak: ${warmupS} s warm-in, then ${durationS} s sampled`);
    const traffic = runTraffic(port, warmupS + durationS);
    await sleep(warmupS * 1000);
    const rss = [];
    const fds = [];
    const fileFds = [];
    const spoolFiles = [];
    let running = true;
    const stop = () => (running = false);
    traffic.then(stop, stop);
    const started = Date.now();
    while (running && Date.now() - started < durationS * 1000) {
      try {
        rss.push(rssKb(server.pid));
        const f = openFds(server.pid);
        fds.push(f.total);
        fileFds.push(f.files);
        spoolFiles.push(fs.readdirSync(uploadDir).length);
      } catch {}
      await sleep(1000);
    }
    const stats = await traffic;
    // Connections the traffic left (kept-alive, the 408s' closes) settle; then nothing of it may remain.
    await sleep(3000);
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    if (!alive) log?.(`the server died (exit ${server.child.exitCode}, signal ${server.child.signalCode}):\n${server.output()}`);
    const idleAfter = alive ? openFds(server.pid) : { total: 0, files: 0 };
    const leftInUploadDir = fs.readdirSync(uploadDir);
    const requests = Object.values(stats).reduce((a, k) => a + k.sent, 0);
    const serverErrors = Object.values(stats).reduce((a, k) => a + Object.entries(k.outcomes).filter(([s]) => /^5\d\d$/.test(s)).reduce((b, [, n]) => b + n, 0), 0);
    return {
      minutes,
      warmupS,
      requests,
      serverErrors,
      traffic: stats,
      rss: summarizeSoak(rss),
      fds: summarizeSoak(fds),
      fileFds: summarizeSoak(fileFds),
      maxSpoolFiles: Math.max(0, ...spoolFiles),
      idleFdsBefore: idleBefore,
      idleFdsAfter: idleAfter,
      leftInUploadDir,
      alive,
      serverOutput: server.output().slice(-2000),
    };
  } finally {
    await server.stop();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  }
}
