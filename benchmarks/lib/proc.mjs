// Server processes: started alone on one CPU, the load generator on the other,
// so the two never compete for a core; plus peak-RSS sampling from /proc.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";

export const SERVER_CPU = "0";
export const CLIENT_CPU = "1";

/** `taskset` execs its command, so the child's pid is the server's own pid. */
export function pinned(cpu, cmd, args) {
  return hasTaskset() ? ["taskset", ["-c", cpu, cmd, ...args]] : [cmd, args];
}

/** Moves the calling process (the orchestrator) off the server's core, so its timers and probes never steal from it. */
export function pinSelf(cpu = CLIENT_CPU) {
  return hasTaskset() && spawnSync("taskset", ["-p", "-c", cpu, String(process.pid)], { stdio: "ignore" }).status === 0;
}

let tasksetChecked;
function hasTaskset() {
  tasksetChecked ??= fs.existsSync("/usr/bin/taskset") || fs.existsSync("/bin/taskset");
  return tasksetChecked;
}

/**
 * Runs `node script payload` pinned to the client CPU (a Node load generator gets a process of its
 * own rather than the orchestrator's event loop) and resolves with the JSON it prints.
 */
export function runPinnedScript(script, payload, label) {
  const [cmd, argv] = pinned(CLIENT_CPU, process.execPath, [script, JSON.stringify(payload)]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${label} exited ${code}:\n${err}`))));
  });
}

/** One GET with a fresh connection; resolves with the status, or rejects when nothing answers. */
export function ping(port, path = "/hello") {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.setTimeout(1000, () => req.destroy(new Error("timeout")));
  });
}

/**
 * Spawns `node entry` pinned to the server CPU and resolves once it answers,
 * with the milliseconds from spawn to that first answer.
 */
export async function startServer(entry, port, { timeoutMs = 20_000, env = {} } = {}) {
  const [cmd, args] = pinned(SERVER_CPU, process.execPath, [entry]);
  const t0 = performance.now();
  const child = spawn(cmd, args, { env: { ...process.env, NODE_ENV: "production", PORT: String(port), ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  child.on("exit", () => (exited = true));
  while (!exited) {
    try {
      await ping(port);
      return { child, pid: child.pid, startupMs: performance.now() - t0, stop: () => stopProcess(child), output: () => stderr };
    } catch {
      if (performance.now() - t0 > timeoutMs) break;
      await sleep(2);
    }
  }
  await stopProcess(child);
  throw new Error(`${entry} did not answer on port ${port}${exited ? ` (exited ${child.exitCode})` : ""}\n${stderr}`);
}

export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const TICKS_PER_S = 100; // USER_HZ, the unit of /proc/stat and /proc/<pid>/stat on Linux

function cpuTicks(cpu) {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`cpu${cpu} `));
  const [user, nice, system] = line.split(/\s+/).slice(1).map(Number);
  return user + nice + system;
}

function processTicks(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/**
 * How the server's CPU was used during one measurement: `serverPct` well below
 * 100 means the client side (wrk, or other processes on its CPU) was the bottleneck;
 * `otherPct` is time other processes took from the server's core.
 */
export function sampleCpu(pid, cpu = SERVER_CPU) {
  try {
    const t0 = performance.now();
    const core0 = cpuTicks(cpu);
    const proc0 = processTicks(pid);
    return {
      stop() {
        try {
          const ticks = ((performance.now() - t0) / 1000) * TICKS_PER_S;
          const server = processTicks(pid) - proc0;
          const other = Math.max(0, cpuTicks(cpu) - core0 - server);
          return { serverPct: Math.round((100 * server) / ticks), otherPct: Math.round((100 * other) / ticks), serverCpuMs: (server * 1000) / TICKS_PER_S };
        } catch {
          return {};
        }
      },
    };
  } catch {
    return { stop: () => ({}) };
  }
}

/** Per-CPU busy percentage over `ms`, from /proc/stat; taken before anything starts, it shows whether someone else is using the machine. */
export async function cpuBusy(ms = 500) {
  const read = () =>
    fs
      .readFileSync("/proc/stat", "utf8")
      .split("\n")
      .filter((l) => /^cpu\d/.test(l))
      .map((l) => {
        const [user, nice, system, idle, iowait, irq, softirq, steal] = l.split(/\s+/).slice(1).map(Number);
        return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
      });
  try {
    const a = read();
    await sleep(ms);
    return read().map((b, i) => Math.round((100 * (b.busy - a[i].busy)) / Math.max(1, b.total - a[i].total)));
  } catch {
    return [];
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function statusKb(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : undefined;
}

/**
 * Peak RSS of one measurement window. Resetting the kernel's high-water mark
 * (clear_refs "5") makes VmHWM exact per workload even though the server runs
 * all of them; where that is not permitted, RSS is polled instead.
 */
export function sampleRss(pid, intervalMs = 50) {
  let hwm = false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    hwm = true;
  } catch {}
  let max = 0;
  const poll = () => {
    try {
      max = Math.max(max, statusKb(pid, "VmRSS") ?? 0);
    } catch {}
  };
  const timer = hwm ? undefined : setInterval(poll, intervalMs);
  return {
    /** kB */
    stop() {
      clearInterval(timer);
      poll();
      if (hwm) {
        try {
          max = Math.max(max, statusKb(pid, "VmHWM") ?? 0);
        } catch {}
      }
      return max;
    },
  };
}
