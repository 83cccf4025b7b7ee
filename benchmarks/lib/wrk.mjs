// wrk, pinned to the client CPU, one thread (the machine has one core to spare).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CLIENT_CPU, pinned } from "./proc.mjs";
import { BENCH_DIR } from "./servers.mjs";
import { parseWrkOutput } from "./wrk-output.mjs";

const SCRIPT = path.join(BENCH_DIR, "wrk", "request.lua");
const BODIES = path.join(BENCH_DIR, ".build", "requests");

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/** True when wrk is (or could be made) available; installs the Debian package when missing. */
export function ensureWrk(log) {
  if (has("wrk")) return true;
  log("wrk not found; trying apt-get install -y wrk");
  const apt = (args) => spawnSync("apt-get", args, { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
  // A fresh container has no package lists yet, so retry once after an update.
  if (!apt(["install", "-y", "wrk"])) apt(["update"]) && apt(["install", "-y", "wrk"]);
  return has("wrk");
}

/** Bodies go through files so wrk/request.lua sends the exact bytes (CRLFs of multipart included). */
function bodyFile(workload) {
  if (workload.body === undefined) return "";
  fs.mkdirSync(BODIES, { recursive: true });
  const file = path.join(BODIES, `${workload.name}.body`);
  fs.writeFileSync(file, workload.body);
  return file;
}

/** @returns {Promise<import("./wrk-output.mjs").LoadResult>} */
export function runWrk({ port, workload, durationS, connections }) {
  const url = `http://127.0.0.1:${port}${workload.path}`;
  const args = ["-t1", `-c${connections}`, `-d${Math.max(1, Math.round(durationS))}s`, "--timeout", "5s", "--latency", "-s", SCRIPT, url];
  const env = {
    ...process.env,
    BENCH_METHOD: workload.method,
    BENCH_HEADERS: Object.entries(workload.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n"),
    BENCH_BODY_FILE: bodyFile(workload),
    // 2xx successes are counted by wrk itself; any other expected status needs the Lua counter.
    BENCH_EXPECT_STATUS: workload.expect.status >= 300 ? String(workload.expect.status) : "",
  };
  const [cmd, argv] = pinned(CLIENT_CPU, "wrk", args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      try {
        resolve(parseWrkOutput(out));
      } catch (err) {
        reject(err);
      }
    });
  });
}
