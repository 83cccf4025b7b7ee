import http from "node:http";
import { Readable } from "node:stream";

export interface Posted {
  status: number;
  body: string;
}

/**
 * POSTs a body streamed from `source` with node:http (no buffering on the client's side).
 * `onRequest` gets the request, to abort it. A server may answer before the body is complete
 * (413, an error): sending stops then, and the answer is what resolves.
 */
export function postStream(base: string, pathname: string, headers: Record<string, string>, source: Readable, onRequest?: (req: http.ClientRequest) => void): Promise<Posted> {
  const url = new URL(pathname, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent: false, headers }, (res) => {
      source.unpipe(req);
      source.destroy();
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    source.pipe(req);
    onRequest?.(req);
  });
}

/** Polls `check` every 20 ms; rejects after `timeoutMs` naming `what`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with `promise`'s value, or with `fallback` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}

/** `source` with a pause after every chunk: a client slower than the server, which reads answers as they come. */
export function paced(source: Readable, ms: number): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of source) {
        yield chunk as Buffer;
        await new Promise((r) => setTimeout(r, ms));
      }
    })(),
    { objectMode: false },
  );
}
