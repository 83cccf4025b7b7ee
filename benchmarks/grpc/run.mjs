#!/usr/bin/env node
/**
 * gRPC benchmark: unary small-message calls/s and server-streamed messages/s from h2load
 * (Debian's nghttp2-client), 50 concurrent streams on one HTTP/2 connection, against spikard's
 * listener and a plain @grpc/grpc-js server doing the same work. Servers take turns in
 * interleaved rounds, pinned to CPU 0 with h2load on CPU 1; only ratios from one run compare.
 *
 *   npm run build && node benchmarks/grpc/run.mjs [--rounds 3] [--seconds 5] [--streams 50]
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js");
const protobuf = require("protobufjs");

const here = import.meta.dirname;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const ROUNDS = arg("rounds", 3);
const SECONDS = arg("seconds", 5);
const STREAMS = arg("streams", 50);
const PER_STREAM = 100; // messages per server-streaming call
const SERVERS = ["spikard", "grpc-js"];
const pin = (cpu, cmd, args) => (fs.existsSync("/usr/bin/taskset") && os.cpus().length > 1 ? ["taskset", ["-c", String(cpu), cmd, ...args]] : [cmd, args]);

if (spawnSync("h2load", ["--version"]).status !== 0) {
  console.error("h2load not found: apt-get install nghttp2-client");
  process.exit(2);
}

const root = new protobuf.Root().loadSync(path.join(here, "bench.proto"), { keepCase: true });
const HelloRequest = root.lookupType("bench.v1.HelloRequest");
const HelloReply = root.lookupType("bench.v1.HelloReply");
function grpcBody(msg) {
  const b = HelloRequest.encode(msg).finish();
  const out = Buffer.alloc(5 + b.length);
  out.writeUInt32BE(b.length, 1);
  out.set(b, 5);
  return out;
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-bench-"));
const unaryBody = path.join(tmp, "unary.bin");
const streamBody = path.join(tmp, "stream.bin");
fs.writeFileSync(unaryBody, grpcBody({ name: "world" }));
fs.writeFileSync(streamBody, grpcBody({ name: "tick", count: PER_STREAM }));

/** Starts a server on a free port (it prints `ready <port>`). */
async function start(name) {
  const [cmd, args] = pin(0, process.execPath, [path.join(here, "servers", `${name}.mjs`)]);
  const child = spawn(cmd, args, { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      const m = /ready (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`${name} exited ${code}`)));
  });
  return { child, port };
}

/** One grpc-js call of each kind, so a server that answers fast but wrong is caught before it is timed. */
async function verify(port) {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const ser = (m) => Buffer.from(HelloRequest.encode(m).finish());
  const de = (b) => HelloReply.decode(b);
  const reply = await new Promise((res, rej) => client.makeUnaryRequest("/bench.v1.Bench/Say", ser, de, { name: "x" }, (e, r) => (e ? rej(e) : res(r))));
  if (reply.message !== "hello x") throw new Error(`unary answered ${JSON.stringify(reply)}`);
  const n = await new Promise((res, rej) => {
    let count = 0;
    const call = client.makeServerStreamRequest("/bench.v1.Bench/Stream", ser, de, { name: "t", count: PER_STREAM });
    call.on("data", () => count++);
    call.on("error", rej);
    call.on("status", (s) => (s.code === 0 ? res(count) : rej(new Error(s.details))));
  });
  if (n !== PER_STREAM) throw new Error(`stream gave ${n} messages`);
  client.close();
}

/** The process's user+system CPU time in ms (from /proc): CPU per call is robust to a busy host, throughput is not. */
function cpuMs(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function h2load(port, pathName, body, seconds, pid) {
  const [cmd, args] = pin(1, "h2load", [
    "-c", "1", "-m", String(STREAMS), "-D", String(seconds), "--warm-up-time=1",
    "-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers",
    `http://127.0.0.1:${port}${pathName}`,
  ]);
  const cpu0 = cpuMs(pid);
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  const cpu = cpuMs(pid) - cpu0;
  const out = r.stdout + r.stderr;
  const done = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(out);
  const rps = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out);
  if (!done || !rps) throw new Error(`h2load output not understood:\n${out}`);
  if (Number(done[3]) > 0) throw new Error(`h2load: ${done[3]} failed requests\n${out}`);
  const calls = Number(done[2]);
  // Warm-up calls are in `done` too but not in the timed window: CPU per call is over all of them.
  return { rate: Number(rps[1]), cpuUsPerCall: (cpu * 1000) / calls };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(SERVERS.map((s) => [s, { unary: [], stream: [], unaryCpuUs: [], streamCpuUsPerMsg: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of round % 2 ? SERVERS : [...SERVERS].reverse()) {
    const { child, port } = await start(name);
    try {
      await verify(port);
      const u = h2load(port, "/bench.v1.Bench/Say", unaryBody, SECONDS, child.pid);
      const st = h2load(port, "/bench.v1.Bench/Stream", streamBody, SECONDS, child.pid);
      const unary = u.rate;
      const stream = st.rate * PER_STREAM;
      results[name].unary.push(unary);
      results[name].stream.push(stream);
      results[name].unaryCpuUs.push(u.cpuUsPerCall);
      results[name].streamCpuUsPerMsg.push(st.cpuUsPerCall / PER_STREAM);
      console.log(`round ${round} ${name.padEnd(8)} unary ${unary.toFixed(0).padStart(7)} calls/s (${u.cpuUsPerCall.toFixed(1)} µs CPU/call)  stream ${stream.toFixed(0).padStart(8)} msgs/s (${(st.cpuUsPerCall / PER_STREAM).toFixed(2)} µs CPU/msg)`);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  }
}

// Ratios are taken within each round (the two servers ran back to back) and their median reported:
// on a shared host the speed drifts between rounds more than between neighbours.
const row = (kind, cpuKind) => {
  const S = results.spikard;
  const G = results["grpc-js"];
  const ratios = S[kind].map((v, i) => v / G[kind][i]);
  const cpuRatios = S[cpuKind].map((v, i) => G[cpuKind][i] / v);
  return {
    spikard: Math.round(median(S[kind])),
    grpcJs: Math.round(median(G[kind])),
    ratio: Number(median(ratios).toFixed(2)),
    roundRatios: ratios.map((r) => Number(r.toFixed(2))),
    cpuUs: { spikard: Number(median(S[cpuKind]).toFixed(2)), grpcJs: Number(median(G[cpuKind]).toFixed(2)), ratio: Number(median(cpuRatios).toFixed(2)) },
  };
};
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  rounds: ROUNDS,
  seconds: SECONDS,
  concurrentStreams: STREAMS,
  messagesPerStream: PER_STREAM,
  unary: row("unary", "unaryCpuUs"),
  serverStreaming: row("stream", "streamCpuUsPerMsg"),
  raw: results,
};
fs.mkdirSync(path.join(here, "results"), { recursive: true });
fs.writeFileSync(path.join(here, "results", "latest.json"), `${JSON.stringify(summary, null, 2)}\n`);
const { unary: U, serverStreaming: S } = summary;
console.log(`\nmedians of ${ROUNDS} rounds:`);
console.log(`  unary            ${U.spikard} vs ${U.grpcJs} calls/s, ratio ${U.ratio}× (rounds ${U.roundRatios.join(", ")}); CPU per call ${U.cpuUs.spikard} vs ${U.cpuUs.grpcJs} µs (${U.cpuUs.ratio}× less)`);
console.log(`  server streaming ${S.spikard} vs ${S.grpcJs} msgs/s, ratio ${S.ratio}× (rounds ${S.roundRatios.join(", ")}); CPU per message ${S.cpuUs.spikard} vs ${S.cpuUs.grpcJs} µs (${S.cpuUs.ratio}× less)`);
fs.rmSync(tmp, { recursive: true, force: true });
