import net from "node:net";
import { readResponses, type WireResponse } from "./responses";

export interface Exchange {
  responses: WireResponse[];
  /** The server ended or reset the connection. */
  closed: boolean;
  /** Neither every request answered nor the connection closed within the bound. */
  hung: boolean;
  /** What the server wrote that is not a whole response (cut short, or not HTTP). */
  rest: Buffer;
  malformed: boolean;
  ms: number;
}

/**
 * Sends `bytes` on a new connection (split at `splits`, a few ms apart) and
 * waits until every expected request is answered or the server closes, at most
 * `boundMs`. Truncated requests are the client giving up: after a short wait
 * for an early answer the client closes its side, and the server must close too.
 */
export function exchange(port: number, bytes: Buffer, methods: readonly string[], o: { truncated: boolean; splits: number[]; boundMs: number }): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let closed = false;
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (hung: boolean): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const { responses, rest, malformed } = readResponses(Buffer.concat(chunks), methods);
      resolve({ responses, closed, hung, rest, malformed, ms: performance.now() - started });
    };
    const check = (): void => {
      if (done) return;
      if (closed) return finish(false);
      if (!o.truncated && readResponses(Buffer.concat(chunks), methods).responses.length >= methods.length) finish(false);
    };
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      check();
    });
    const gone = (): void => {
      closed = true;
      check();
    };
    socket.on("end", gone);
    socket.on("close", gone);
    socket.on("error", gone);
    timers.push(setTimeout(() => finish(true), o.boundMs));
    socket.once("connect", () => {
      let at = 0;
      const pieces: Buffer[] = [];
      for (const s of [...o.splits, bytes.length]) {
        pieces.push(bytes.subarray(at, s));
        at = s;
      }
      let i = 0;
      const writeNext = (): void => {
        if (done || socket.destroyed) return;
        if (i < pieces.length) {
          socket.write(pieces[i++]!);
          timers.push(setTimeout(writeNext, i === 1 ? 0 : 5));
        } else if (o.truncated) {
          timers.push(setTimeout(() => socket.end(), 300));
        }
      };
      writeNext();
    });
  });
}

/** Runs `jobs` with at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await job(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
