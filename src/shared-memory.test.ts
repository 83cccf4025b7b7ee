import path from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";

// The built modules, as worker threads load them (vitest transforms only this thread's imports).
const dist = (p: string): string => path.resolve(__dirname, "../dist/src", p);
const { sharedMemory, sharedWorkerData } = require(dist("shared-memory.js")) as typeof import("./shared-memory");

/** Runs `code` in a worker given `workerData`; resolves with what it posts. */
function inWorker(code: string, workerData: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(`const dist = ${JSON.stringify(dist(""))} + "/"; ${code}`, { eval: true, workerData });
    w.once("message", resolve);
    w.once("error", reject);
  });
}

describe("sharedMemory", () => {
  it("gives a worker the main thread's buffer for the same ask, in order", async () => {
    const first = sharedMemory("test:shared", 8);
    const second = sharedMemory("test:shared", 8);
    expect(first.inherited || second.inherited).toBe(false);
    new Int32Array(second.buffer)[0] = 42;
    const seen = await inWorker(
      `const { sharedMemory } = require(dist + "shared-memory.js");
       const a = sharedMemory("test:shared", 8), b = sharedMemory("test:shared", 8);
       new Int32Array(a.buffer)[1] = 7;
       require("node:worker_threads").parentPort.postMessage([a.inherited, b.inherited, new Int32Array(b.buffer)[0]]);`,
      sharedWorkerData(),
    );
    expect(seen).toEqual([true, true, 42]);
    expect(new Int32Array(first.buffer)[1]).toBe(7);
  });

  it("warns in a Spikard worker whose store the main thread did not make before starting it", async () => {
    const warnings = await inWorker(
      `const warnings = [];
       process.on("warning", (w) => warnings.push(w.code));
       const { memoryStore } = require(dist + "middleware/rate-limit/memory-store.js");
       memoryStore({ maxClients: 10 });
       setImmediate(() => require("node:worker_threads").parentPort.postMessage(warnings));`,
      { mark: "spikard:worker", spikardShared: {} },
    );
    expect(warnings).toEqual(["SPIKARD_RATE_LIMIT_UNSHARED"]);
  });
});
