import path from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { BucketTable, type TakeResult } from "./bucket-table";

const table = (maxClients: number): BucketTable => new BucketTable(new SharedArrayBuffer(BucketTable.bytes(maxClients)), maxClients, true);
const out = (): TakeResult => ({ allowed: false, tokens: 0 });

describe("BucketTable", () => {
  it("starts a bucket full, takes one token a request, and refills at the rate up to the burst", () => {
    const t = table(10);
    const r = out();
    // 2 tokens a second = 0.002 a millisecond, burst 3.
    for (let i = 0; i < 3; i++) expect(t.take("a", 0.002, 3, 1000, r).allowed).toBe(true);
    expect(t.take("a", 0.002, 3, 1000, r)).toEqual({ allowed: false, tokens: 0 });
    expect(t.take("a", 0.002, 3, 1250, r)).toEqual({ allowed: false, tokens: 0.5 });
    expect(t.take("a", 0.002, 3, 1500, r)).toEqual({ allowed: true, tokens: 0 });
    // A long quiet spell refills only to the burst.
    expect(t.take("a", 0.002, 3, 1_000_000, r)).toEqual({ allowed: true, tokens: 2 });
  });

  it("refills nothing when the clock steps back, and does not move the bucket's time back", () => {
    const t = table(10);
    const r = out();
    t.take("a", 0.001, 1, 10_000, r);
    expect(t.take("a", 0.001, 1, 5_000, r).allowed).toBe(false);
    // Measured from 10 000, not 5 000.
    expect(t.take("a", 0.001, 1, 10_999, r).allowed).toBe(false);
    expect(t.take("a", 0.001, 1, 11_001, r).allowed).toBe(true);
  });

  it("keeps one bucket per key", () => {
    const t = table(10);
    const r = out();
    expect(t.take("10.0.0.1", 0.001, 1, 0, r).allowed).toBe(true);
    expect(t.take("10.0.0.1", 0.001, 1, 0, r).allowed).toBe(false);
    expect(t.take("10.0.0.2", 0.001, 1, 0, r).allowed).toBe(true);
    expect(t.size).toBe(2);
  });

  it("holds at most its capacity however many clients come, in memory fixed at creation", () => {
    const t = table(1000);
    expect(t.capacity).toBeGreaterThanOrEqual(1000);
    expect(t.capacity).toBeLessThan(1000 + 64);
    expect(BucketTable.bytes(1000)).toBeLessThan(1000 * 64);
    const r = out();
    for (let i = 0; i < 50_000; i++) t.take(`client-${i}`, 0.001, 5, 0, r);
    expect(t.size).toBe(t.capacity);
  });

  it("evicts a bucket not used since the clock hand last passed, keeping the recently used (clock/LRU)", () => {
    const t = table(3);
    const r = out();
    for (const k of ["a", "b", "c"]) t.take(k, 0.000001, 2, 0, r);
    // The hand clears every reference bit and evicts "a"; "b" and "c" are then unreferenced, "d" referenced.
    t.take("d", 0.000001, 2, 0, r);
    t.take("b", 0.000001, 2, 0, r); // b used again: referenced
    t.take("e", 0.000001, 2, 0, r); // the hand, now past a, clears b's bit and evicts c
    expect(t.size).toBe(3);
    // "b" kept its state (one token left of 2, now taken), "c" and "a" start over full.
    expect(t.take("b", 0.000001, 2, 0, r).allowed).toBe(false);
    expect(t.take("c", 0.000001, 2, 0, r)).toEqual({ allowed: true, tokens: 1 });
  });

  it("after heavy eviction holds exactly the keys a reference clock would, each with its own state", () => {
    // One shard (under 512 buckets), so the reference below sees the same entries in the same order.
    const cap = 300;
    const t = table(cap);
    const r = out();
    const slots: Array<{ key: string; ref: boolean }> = [];
    let hand = 0;
    const reference = (key: string): void => {
      const hit = slots.find((s) => s.key === key);
      if (hit) return void (hit.ref = true);
      if (slots.length < cap) return void slots.push({ key, ref: true });
      while (slots[hand]!.ref) {
        slots[hand]!.ref = false;
        hand = (hand + 1) % cap;
      }
      slots[hand] = { key, ref: true };
      hand = (hand + 1) % cap;
    };
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      // Mostly new keys, some repeats of recent ones.
      const key = random() < 0.3 ? `k${Math.max(0, i - Math.floor(random() * 400))}` : `k${i}`;
      reference(key);
      t.take(key, 1e-9, 1e6, 0, r);
    }
    expect(t.size).toBe(cap);
    // A present key answers its own remaining tokens (a fresh bucket would answer 1e6 - 1).
    for (const { key } of slots) expect(t.take(key, 1e-9, 1e6, 0, r).tokens, key).toBeLessThan(1e6 - 1);
    expect(t.size).toBe(cap);
  });

  it("refuses a buffer laid out for another size, and one never initialised", () => {
    const buf = new SharedArrayBuffer(BucketTable.bytes(100));
    expect(() => new BucketTable(buf, 100, false)).toThrow(/another layout/);
    new BucketTable(buf, 100, true);
    expect(() => new BucketTable(buf, 100, false)).not.toThrow();
    expect(() => new BucketTable(buf, 5000, false)).toThrow(RangeError);
  });

  it("never spends a token twice when four threads take from one bucket at once", async () => {
    const maxClients = 1000;
    const buffer = new SharedArrayBuffer(BucketTable.bytes(maxClients));
    new BucketTable(buffer, maxClients, true);
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const module = path.resolve(__dirname, "../../../dist/src/middleware/rate-limit/bucket-table.js");
    const code = `
      const { workerData, parentPort } = require("node:worker_threads");
      const { BucketTable } = require(workerData.module);
      const t = new BucketTable(workerData.buffer, workerData.maxClients, false);
      const r = { allowed: false, tokens: 0 };
      parentPort.postMessage("ready");
      Atomics.wait(workerData.gate, 0, 0); // all four start together
      let allowed = 0;
      // Contend on one key while churning others through the same shards.
      for (let i = 0; i < 200000; i++) {
        if (t.take("shared", 0, 1e7, 1, r).allowed) allowed++;
        if (i % 4 === 0) t.take("k" + (i % 3000), 0, 1e7, 1, r);
      }
      parentPort.postMessage(allowed);
    `;
    const workers = Array.from({ length: 4 }, () => new Worker(code, { eval: true, workerData: { buffer, maxClients, module, gate } }));
    const results = workers.map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          w.on("message", (m: unknown) => typeof m === "number" && resolve(m));
          w.once("error", reject);
        }),
    );
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const counts = await Promise.all(results);
    expect(counts).toEqual([200000, 200000, 200000, 200000]);
    // Every take left its mark: a lost update (two threads writing back the same count) would leave more.
    const t = new BucketTable(buffer, maxClients, false);
    expect(t.take("shared", 0, 1e7, 1, out()).tokens).toBe(1e7 - 800001);
  });
});
