import { isMainThread, parentPort, threadId, Worker, workerData } from "node:worker_threads";
import { sharedWorkerData } from "./shared-memory";

/**
 * `workers`: the app module runs again in each worker thread and serves the
 * same port (uWebSockets.js listens with SO_REUSEPORT, so the kernel spreads
 * connections). The main thread owns the signals and asks workers to drain.
 */
const MARK = "spikard:worker";

export interface WorkerRole {
  ready(url: string): void;
  onClose(close: () => Promise<void>): void;
}

/** In a Spikard worker thread: how to report readiness and receive shutdown. */
export function workerRole(): WorkerRole | undefined {
  if (isMainThread || (workerData as { mark?: string } | undefined)?.mark !== MARK || parentPort === null) return undefined;
  const port = parentPort;
  return {
    ready: (url) => port.postMessage({ type: "ready", url, threadId }),
    onClose: (close) =>
      port.on("message", (m: { type?: string }) => {
        if (m?.type === "close") void close().then(() => port.postMessage({ type: "closed" }));
      }),
  };
}

/** Starts `count` threads running the entry module; `ready` resolves once all listen, `close()` drains and stops them. */
export function spawnWorkers(count: number, logger: Pick<Console, "error">): { ready: Promise<void>; close(): Promise<void> } {
  const entry = process.argv[1];
  if (entry === undefined) return { ready: Promise.resolve(), close: () => Promise.resolve() };
  // Buffers the app made at load (the rate limiter's buckets) go to every worker: one store per process.
  const shared = sharedWorkerData();
  const workers = Array.from({ length: count }, () => {
    const w = new Worker(entry, { workerData: { mark: MARK, ...shared }, argv: process.argv.slice(2), env: process.env });
    w.on("error", (err) => logger.error("spikard: worker failed", err));
    return w;
  });
  const ready = Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.on("message", (m: { type?: string }) => m?.type === "ready" && resolve());
          w.once("exit", (code) => reject(new Error(`worker exited with code ${code} before listening`)));
        }),
    ),
  ).then(() => undefined);
  return {
    ready,
    close: () =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              const done = (): void => void w.terminate().then(() => resolve(), () => resolve());
              w.once("exit", () => resolve());
              w.on("message", (m: { type?: string }) => m?.type === "closed" && done());
              w.postMessage({ type: "close" });
            }),
        ),
      ).then(() => undefined),
  };
}
