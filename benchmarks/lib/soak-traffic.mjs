// The upload soak's traffic, run as its own process pinned to the client CPU (see upload-soak.mjs):
// valid and invalid requests on kept-alive connections, spooled uploads, uploads aborted midway,
// uploads that stall until the server's 408, and raw hostile bytes, all at once until the deadline.
// Prints one JSON line: per kind, how many were sent and which statuses came back.
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { WORKLOADS } from "./workloads.mjs";

const SELF = fileURLToPath(import.meta.url);
const MIB = 1024 * 1024;

const stats = {};
function count(kind, outcome) {
  const k = (stats[kind] ??= { sent: 0, outcomes: {} });
  k.sent++;
  k.outcomes[outcome] = (k.outcomes[outcome] ?? 0) + 1;
}

const BOUNDARY = "----spikardsoak7MA4YWxkTrZu0gW";
const block = Buffer.alloc(64 * 1024, 0x61);
function uploadHead(fileSize) {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="description"\r\n\r\nsoak\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="soak.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return { head, tail, length: head.length + fileSize + tail.length };
}

function request(agent, port, { method, path, headers = {}, body }) {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, agent, headers: body === undefined ? headers : { ...headers, "content-length": String(body.length) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(String(res.statusCode)));
      res.on("error", () => resolve("response-error"));
    });
    req.on("error", (e) => resolve(`error:${e.code ?? e.message}`));
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.end(body);
  });
}

const VALID = WORKLOADS.filter((w) => ["hello", "query", "json-small", "urlencoded"].includes(w.name)).map((w) => ({ method: w.method, path: w.path, headers: w.headers, body: w.body === undefined ? undefined : Buffer.from(w.body) }));
const many = Buffer.from(Array.from({ length: 2500 }, (_, i) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join("") + `--${BOUNDARY}--\r\n`);
const INVALID = [
  { method: "POST", path: "/items", headers: { "content-type": "application/json" }, body: Buffer.from('{"name":"","price":-1,"quantity":0,"tags":[""]}') },
  { method: "POST", path: "/items", headers: { "content-type": "application/json" }, body: Buffer.from('{"name": "x", "price": 1,') },
  { method: "POST", path: "/items", headers: { "content-type": "text/csv" }, body: Buffer.from("a,b") },
  { method: "POST", path: "/items", headers: { "content-type": "application/json" }, body: Buffer.alloc(MIB + 10, 0x20) },
  { method: "GET", path: "/missing" },
  { method: "DELETE", path: "/hello" },
  { method: "POST", path: "/upload", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: many },
  { method: "POST", path: "/upload", headers: { "content-type": `multipart/form-data; x; boundary=${BOUNDARY}` }, body: Buffer.from(`--${BOUNDARY}--\r\n`) },
  { method: "POST", path: "/upload", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a\u0000b"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`, "latin1") },
];
const RAW = [
  "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}",
  "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
  "POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n",
  "GET /hello HTTP/1.1\r\nX A: b\r\n\r\n",
  "\u0000\u0001garbage\r\n\r\n",
  "GET /hello HTTP/1.1\r\nHost: x\r\n",
];

/** Opens a raw connection, writes `pieces`, and resolves with what happened: the first status, "closed", or "kept-open". */
function raw(port, pieces, { waitMs, destroyAfterWrite = false }) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let data = "";
    let done = false;
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish(/HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? "kept-open"), waitMs);
    s.on("data", (d) => (data += d.toString("latin1")));
    s.on("close", () => finish(/HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? "closed"));
    s.on("error", () => finish(/HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? "closed"));
    s.once("connect", async () => {
      for (const p of pieces) {
        if (done) return;
        if (!s.write(p)) await new Promise((r) => s.once("drain", r));
      }
      if (destroyAfterWrite) finish("aborted");
    });
  });
}

async function loop(deadline, body) {
  while (Date.now() < deadline) await body();
}

async function main() {
  const { port, durationS } = JSON.parse(process.argv[2]);
  const deadline = Date.now() + durationS * 1000;
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const fresh = new http.Agent({ keepAlive: false });
  let i = 0;
  const workers = [
    // Valid requests on kept-alive connections.
    ...Array.from({ length: 6 }, () => loop(deadline, async () => count("valid", await request(keepAlive, port, VALID[i++ % VALID.length])))),
    // Invalid requests, each rejected its own way.
    ...Array.from({ length: 3 }, () => loop(deadline, async () => count("invalid", await request(fresh, port, INVALID[i++ % INVALID.length])))),
    // Uploads past the spool threshold (1 MiB): written to disk, read back, removed after the answer.
    ...Array.from({ length: 2 }, () =>
      loop(deadline, async () => {
        const size = 1.5 * MIB + ((i++ * 4099) % MIB);
        const { head, tail, length } = uploadHead(size);
        const chunks = [head];
        for (let n = 0; n < size; n += block.length) chunks.push(block.subarray(0, Math.min(block.length, size - n)));
        chunks.push(tail);
        count("upload", await request(fresh, port, { method: "POST", path: "/upload", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: Buffer.concat(chunks, length) }));
      }),
    ),
    // Uploads the client abandons midway: the spooled part must be removed.
    loop(deadline, async () => {
      const { head, length } = uploadHead(4 * MIB);
      const pieces = [Buffer.from(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`), head];
      for (let n = 0; n < 1.5 * MIB; n += block.length) pieces.push(block);
      count("aborted-upload", await raw(port, pieces, { waitMs: 2000, destroyAfterWrite: true }));
      await new Promise((r) => setTimeout(r, 50));
    }),
    // Uploads that stall past the request timeout: answered 408, spool file removed, connection closed.
    loop(deadline, async () => {
      const { head, length } = uploadHead(4 * MIB);
      const pieces = [Buffer.from(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`), head];
      for (let n = 0; n < 1.2 * MIB; n += block.length) pieces.push(block);
      count("stalled-upload", await raw(port, pieces, { waitMs: 5000 }));
    }),
    // Raw hostile bytes: untrusted lengths, smuggling, bad framing, garbage, an unfinished head.
    loop(deadline, async () => {
      count("raw", await raw(port, [Buffer.from(RAW[i++ % RAW.length], "latin1")], { waitMs: 500 }));
    }),
  ];
  await Promise.all(workers);
  keepAlive.destroy();
  process.stdout.write(JSON.stringify(stats));
}

if (process.argv[1] === SELF) main();
