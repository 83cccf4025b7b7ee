import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveTestClient } from "spikard/testing";
import { GuardedServers } from "../support/guarded-child";
import { exchange, pool, type Exchange } from "../support/fuzz/exchange";
import { Random } from "../support/fuzz/random";
import { generateCases, KNOWN_PARSER_DEFECTS, SMUGGLED, type FuzzCase } from "../support/fuzz/requests";

// Issue 14: a raw-socket HTTP fuzzer with a fixed seed. Against the app in its own process (an
// exception escaping a uWS callback ends it), a few thousand mutated requests: no crash, no 5xx,
// no answer to a smuggled request, every connection answered or closed within the bound.
// SPIKARD_FUZZ_SEED / SPIKARD_FUZZ_CASES run other seeds or more cases.

const SEED = Number(process.env.SPIKARD_FUZZ_SEED ?? 0x5eed14);
const COUNT = Number(process.env.SPIKARD_FUZZ_CASES ?? 3000);
const BOUND_MS = 3000;
const KNOWN_BOUND_MS = 1000;
const CONCURRENCY = 48;

const servers = new GuardedServers();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-fuzz-"));
const uploads = path.join(dir, "uploads");
const statics = path.join(dir, "public");
fs.mkdirSync(uploads);
fs.mkdirSync(statics);
fs.writeFileSync(path.join(statics, "hello.txt"), "hello");
let child: LiveTestClient;
let port: number;
beforeAll(async () => {
  ({ client: child, port } = await servers.start({
    // A body that stops short is answered 408 after a second instead of holding the connection.
    requestTimeout: 1,
    uploadDir: uploads,
    enableRequestId: true,
    cors: { allowedOrigins: ["https://a.example"], allowedMethods: ["GET", "POST"] },
    staticFiles: [{ directory: statics, routePrefix: "/static" }],
  }));
}, 60_000);
afterAll(async () => {
  await servers.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  c: FuzzCase;
  x: Exchange;
}

const show = (o: Outcome): string =>
  `#${o.c.id} [${o.c.tags.join(" ")}] ${JSON.stringify(o.c.bytes.toString("latin1").slice(0, 300))} -> ${o.x.responses.map((r) => r.status).join(",") || "-"}${o.x.closed ? " closed" : ""}${o.x.hung ? " HUNG" : ""} ${Math.round(o.x.ms)} ms`;
const known = (c: FuzzCase): boolean => c.tags.some((t) => KNOWN_PARSER_DEFECTS.has(t));
/** A HEAD whose Content-Length/Transfer-Encoding the adapter refused: its 400 carries a body (see the it.fails below). */
const refusedHead = (o: Outcome): boolean => o.c.methods[0] === "HEAD" && o.x.responses[0]?.status === 400 && o.c.tags.some((t) => t.startsWith("transfer-encoding:") || t.startsWith("content-length:"));

describe(`HTTP fuzzing (seed ${SEED}, ${COUNT} cases)`, () => {
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    const cases = generateCases(SEED, COUNT, (s) => new Random(s));
    const started = performance.now();
    // Cases on a known parser defect are only watched for crashes, 5xx and smuggling: a shorter wait keeps the run short.
    outcomes = await pool(cases, CONCURRENCY, async (c) => ({ c, x: await exchange(port, c.bytes, c.methods, { truncated: c.truncated, splits: c.splits, boundMs: known(c) ? KNOWN_BOUND_MS : BOUND_MS }) }));
    const statuses = new Map<number, number>();
    for (const o of outcomes) for (const r of o.x.responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const hung = outcomes.filter((o) => o.x.hung);
    console.log(
      `fuzz: ${outcomes.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s; statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ")}; ` +
        `closed without an answer ${outcomes.filter((o) => o.x.closed && o.x.responses.length === 0).length}; hung ${hung.length} (all on known parser defects: ${hung.every((o) => known(o.c))})`,
    );
    if (process.env.SPIKARD_FUZZ_DUMP) fs.writeFileSync(process.env.SPIKARD_FUZZ_DUMP, outcomes.map(show).join("\n"));
  }, 170_000);

  it("never crashes the server, which still answers afterwards", async () => {
    expect(child.process!.exitCode, child.output.slice(-2000)).toBeNull();
    expect(child.process!.signalCode).toBeNull();
    (await child.get("/health")).assertStatusOk();
  });

  it("never answers 5xx", () => {
    const failed = outcomes.filter((o) => o.x.responses.some((r) => r.status >= 500));
    expect(failed.map(show)).toEqual([]);
    expect(child.output).not.toMatch(/unhandled error/i);
  });

  it("never answers a smuggled request", () => {
    const smuggled = outcomes.filter((o) => o.x.responses.some((r) => r.body.toString("latin1").includes(SMUGGLED)));
    expect(smuggled.map(show)).toEqual([]);
  });

  it("writes only well-formed responses (outside HEAD requests refused for their framing, below)", () => {
    expect(outcomes.filter((o) => o.x.malformed && !refusedHead(o)).map(show)).toEqual([]);
  });

  it(`answers or closes every connection within ${BOUND_MS} ms (outside the parser defects issue 14 item 5 lists)`, () => {
    expect(outcomes.filter((o) => o.x.hung && !known(o.c)).map(show)).toEqual([]);
  });

  it("answers the unmutated requests, every one, none as a bad request", () => {
    const plain = outcomes.filter((o) => o.c.tags.length === 0 || o.c.tags.every((t) => t === "async"));
    expect(plain.length).toBeGreaterThan(COUNT / 10);
    const wrong = (s: number): boolean => s === 400 || s === 408 || s === 413 || s === 431 || s >= 500;
    expect(plain.filter((o) => o.x.responses.length !== o.c.methods.length || o.x.responses.some((r) => wrong(r.status))).map(show)).toEqual([]);
  });

  it("leaves no upload behind", async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(fs.readdirSync(uploads)).toEqual([]);
  });
});
