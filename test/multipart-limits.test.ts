import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerConfig } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildGuardedApp } from "./apps/guarded";
import { GuardedServers } from "./support/guarded-child";

// Issue 14, item 9: a multipart body is held to part, field, file, field-size and part-header
// limits (ServerConfig multipartLimits, safe defaults), answered 413 as soon as it passes one,
// whether it is buffered (small bodies) or streamed.

const TIMEOUT = 120_000;
const B = "XyZlimits";
const field = (name: string, value: string): string => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const file = (name: string, content: string): string => `--${B}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`;
const close = `--${B}--\r\n`;
const CT = { "content-type": `multipart/form-data; boundary=${B}` };
const tooLarge = (message: string): unknown => ({ error: "Payload Too Large", message });

const limits = { maxParts: 6, maxFields: 4, maxFiles: 2, maxFieldSize: 64, maxPartHeaderSize: 256 };
// A spool threshold of 16 bytes makes every multipart body stream through busboy; the default buffers small ones.
const configs: Array<[string, ServerConfig]> = [
  ["buffered", { multipartLimits: limits }],
  ["streamed", { multipartLimits: limits, uploadSpoolThreshold: 16 }],
];

const servers = new GuardedServers();
afterAll(() => servers.close());

describe.each(configs)("multipart limits (%s)", (_name, config) => {
  const clients: Array<[string, () => TestClient | LiveTestClient]> = [];
  const inProcess = new TestClient(buildGuardedApp(config));
  let child: LiveTestClient;
  beforeAll(async () => {
    ({ client: child } = await servers.start(config));
  }, TIMEOUT);
  clients.push(["TestClient", () => inProcess], ["the app in its own process", () => child]);

  describe.each(clients)("over %s", (_n, client) => {
    const post = (body: string) => client().post("/upload", { body, headers: CT });

    it("accepts a body at every limit", async () => {
      const res = await post(file("file", "hello") + field("note", "n".repeat(64)) + field("a", "1") + field("b", "2") + field("c", "3") + file("other", "x") + close);
      expect(res.json()).toMatchObject({ filename: "file.txt", size: 5, note: "n".repeat(64) });
    });

    it.each([
      ["one part too many (parts without a disposition count)", file("file", "x") + field("a", "1") + field("b", "2") + field("c", "3") + `--${B}\r\nX-No-Disposition: 1\r\n\r\nz\r\n`.repeat(3) + close, "6 parts"],
      ["one field too many", file("file", "x") + field("a", "1") + field("b", "2") + field("c", "3") + field("d", "4") + field("e", "5") + close, "4 fields"],
      ["one file too many", file("file", "x") + file("f2", "y") + file("f3", "z") + close, "2 files"],
      ["a field one byte over its size", file("file", "x") + field("note", "n".repeat(65)) + close, "64 bytes in one field"],
      ["a part header over its size", `--${B}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nX-Pad: ${"p".repeat(300)}\r\n\r\nx\r\n` + close, "256 bytes in one part's headers"],
    ])("refuses %s with 413", async (_what, body, limit) => {
      const res = await post(body);
      res.assertStatus(413);
      expect(res.json()).toEqual(tooLarge(`Multipart body exceeds the limit of ${limit}`));
    });
  });
});

describe("the default limits", () => {
  const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => field(`f${i}`, "vvvv")).join("") + close, "latin1");
  const live = new LiveTestClient(buildGuardedApp({}));
  afterAll(() => live.close());

  it("refuse a 19.6 MiB body of 300 000 fields fast, without stalling other requests", async () => {
    expect(body.length / 1024 / 1024).toBeCloseTo(19.6, 1);
    const url = new URL(await live.url);
    (await live.get("/health")).assertStatusOk();
    // The server runs in this process: the histogram is its event loop's delay while it handles the body.
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    let pings = 0;
    let slowestPing = 0;
    let pinging = true;
    const pinger = (async () => {
      while (pinging) {
        const t = performance.now();
        await fetch(`${url.origin}/health`).then((r) => r.arrayBuffer());
        slowestPing = Math.max(slowestPing, performance.now() - t);
        pings++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const started = performance.now();
    const answer = await new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: "/form", method: "POST", agent: false, headers: { ...CT, "content-length": String(body.length) } }, (res) => {
        const ms = performance.now() - started;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms }));
      });
      // The server may answer and stop reading before the body is sent: that ends the request here, not an error.
      req.on("error", (err) => (err.message.includes("EPIPE") || err.message.includes("ECONNRESET") ? undefined : reject(err)));
      req.end(body);
    });
    await new Promise((r) => setTimeout(r, 200));
    pinging = false;
    await pinger;
    delay.disable();
    expect(answer.status, answer.body.slice(0, 300)).toBe(413);
    expect(JSON.parse(answer.body)).toEqual(tooLarge("Multipart body exceeds the limit of 1000 fields"));
    const maxDelayMs = delay.max / 1e6;
    console.log(`300 000 fields: 413 after ${answer.ms.toFixed(0)} ms; event-loop delay max ${maxDelayMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms; ${pings} pings, slowest ${slowestPing.toFixed(0)} ms`);
    // Generous bounds for a shared 2-core machine: parsing the whole body took 3-6 s of CPU in blocks of up to 0.4 s.
    expect(answer.ms).toBeLessThan(2000);
    expect(maxDelayMs).toBeLessThan(150);
    expect(slowestPing).toBeLessThan(250);
    expect(pings).toBeGreaterThan(0);
    (await live.get("/health")).assertStatusOk();
  }, TIMEOUT);
});
