import zlib from "node:zlib";
import type { ResponseSink } from "../../pipeline/sink";
import { headerValue } from "../../pipeline/header-list";
import type { Middleware } from "../types";

export interface CompressionOptions {
  gzip?: boolean;
  brotli?: boolean;
  /** Smallest body (bytes) worth compressing. Default 1024. */
  minSize?: number;
  /** gzip 0-9 / brotli 0-11. Default 6 (gzip) / 4 (brotli). */
  quality?: number;
}

type Encoding = "br" | "gzip";

/**
 * Compresses responses the client accepts (brotli preferred on equal q, then
 * gzip), when they are large enough and not already encoded, ranged, images
 * (except SVG), event streams or gRPC. Adds `Vary: Accept-Encoding` whenever
 * the response was eligible. Streams are compressed chunk by chunk with the
 * same backpressure as uncompressed ones.
 */
export function compression(options: CompressionOptions = {}): Middleware {
  const minSize = options.minSize ?? 1024;
  const enabled: Encoding[] = [...(options.brotli !== false ? (["br"] as const) : []), ...(options.gzip !== false ? (["gzip"] as const) : [])];
  return {
    name: "compression",
    handle(raw, sink, next) {
      const accepted = negotiate(raw.header("accept-encoding"), enabled);
      next(compressingSink(sink, accepted, minSize, options.quality));
    },
  };
}

function compressingSink(sink: ResponseSink, encoding: Encoding | undefined, minSize: number, quality: number | undefined): ResponseSink {
  let stream: zlib.Gzip | zlib.BrotliCompress | undefined;
  let sinkBlocked = false;
  return {
    get aborted() {
      return sink.aborted;
    },
    onAbort: (cb) => sink.onAbort(cb),
    send(status, headers, body, headOnly) {
      if (!eligible(status, headers)) return sink.send(status, headers, body, headOnly);
      const size = body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      const vary = withVary(headers);
      if (encoding === undefined || size < minSize || body === undefined) return sink.send(status, vary, body, headOnly);
      const out = encoding === "br" ? zlib.brotliCompressSync(body, brotliParams(quality)) : zlib.gzipSync(body, { level: quality ?? 6 });
      sink.send(status, [...vary, "content-encoding", encoding], out, headOnly);
    },
    startStream(status, headers) {
      if (!eligible(status, headers) || encoding === undefined) return sink.startStream(status, eligible(status, headers) ? withVary(headers) : headers);
      stream = encoding === "br" ? zlib.createBrotliCompress(brotliParams(quality)) : zlib.createGzip({ level: quality ?? 6 });
      // The declared length is the uncompressed one; the compressed stream goes out chunked.
      sink.startStream(status, [...withoutLength(withVary(headers)), "content-encoding", encoding]);
      stream.on("data", (chunk: Buffer) => {
        if (!sink.write(chunk)) sinkBlocked = true;
      });
      stream.on("end", () => sink.endStream());
    },
    write(chunk) {
      if (stream === undefined) return sink.write(chunk);
      // Flush per chunk so a slow stream still reaches the client as it goes.
      const ok = stream.write(chunk);
      stream.flush();
      return ok && !sinkBlocked;
    },
    onDrain(cb) {
      if (stream === undefined) return sink.onDrain(cb);
      if (sinkBlocked) {
        sink.onDrain(() => {
          sinkBlocked = false;
          cb();
        });
      } else stream.once("drain", cb);
    },
    endStream() {
      if (stream === undefined) return sink.endStream();
      stream.end();
    },
    close() {
      stream?.destroy();
      sink.close();
    },
  };
}

function brotliParams(quality: number | undefined): zlib.BrotliOptions {
  return { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality ?? 4 } };
}

function eligible(status: number, headers: readonly string[]): boolean {
  if (status === 204 || status === 304 || status < 200) return false;
  if (headerValue(headers, "content-encoding") !== undefined || headerValue(headers, "content-range") !== undefined) return false;
  const type = (headerValue(headers, "content-type") ?? "").toLowerCase();
  if (type.startsWith("image/") && !type.startsWith("image/svg+xml")) return false;
  return !type.startsWith("text/event-stream") && !type.startsWith("application/grpc");
}

function withoutLength(headers: string[]): string[] {
  return headers.filter((_, i, a) => a[i - (i % 2)]!.toLowerCase() !== "content-length");
}

// A module constant: a regular expression literal is a new RegExp object each time it is evaluated (per response here).
const ACCEPT_ENCODING = /accept-encoding/i;

function withVary(headers: readonly string[]): string[] {
  const vary = headerValue(headers, "vary");
  if (vary !== undefined && ACCEPT_ENCODING.test(vary)) return [...headers];
  return [...headers.filter((_, i, a) => !(i % 2 === 0 && a[i]!.toLowerCase() === "vary") && !(i % 2 === 1 && a[i - 1]!.toLowerCase() === "vary")), "vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding"];
}

/** The best enabled encoding by q-value; ties prefer brotli. */
export function negotiate(header: string | undefined, enabled: Encoding[]): Encoding | undefined {
  if (!header) return undefined;
  let best: Encoding | undefined;
  let bestQ = 0;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    q.set(name!.trim().toLowerCase(), qParam ? Number(qParam.slice(2)) : 1);
  }
  for (const enc of enabled) {
    const value = q.get(enc) ?? (enc === "gzip" ? q.get("x-gzip") : undefined) ?? q.get("*") ?? 0;
    if (value > bestQ) {
      best = enc;
      bestQ = value;
    }
  }
  return best;
}
