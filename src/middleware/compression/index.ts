import zlib from "node:zlib";
import { afterNext, readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { responseBody } from "../../pipeline/respond";
import { Response, type AnyResponse, type StreamSource } from "../../response";

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
 * the response was eligible. Streams are compressed chunk by chunk, flushed
 * as they go, with the same backpressure as uncompressed ones.
 */
export function compression(options: CompressionOptions = {}): Middleware {
  const minSize = options.minSize ?? 1024;
  const enabled: Encoding[] = [...(options.brotli !== false ? (["br"] as const) : []), ...(options.gzip !== false ? (["gzip"] as const) : [])];
  return readOnlyBeforeNext(function compression(req, next) {
    const encoding = negotiate(req.header("accept-encoding"), enabled);
    return afterNext(next(), (res) => compress(res, encoding, minSize, options.quality));
  });
}

function compress(res: AnyResponse, encoding: Encoding | undefined, minSize: number, quality: number | undefined): AnyResponse {
  const whole = res instanceof Response ? responseBody(res) : undefined;
  const type = res.getHeader("content-type") ?? (whole ? whole.type : res.mediaType) ?? "";
  if (!eligible(res, type)) return res;
  addVary(res);
  if (encoding === undefined) return res;
  if (whole !== undefined) {
    const body = whole.body;
    const size = body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    if (body === undefined || size < minSize) return res;
    const r = res as Response;
    r.content = encoding === "br" ? zlib.brotliCompressSync(body, brotliParams(quality)) : zlib.gzipSync(body, { level: quality ?? 6 });
    if (r.getHeader("content-type") === undefined && whole.type !== undefined) r.setHeader("content-type", whole.type);
    r.setHeader("content-encoding", encoding);
    return r;
  }
  const stream = res as Exclude<AnyResponse, Response>;
  // The declared length is the uncompressed one; the compressed stream goes out chunked.
  stream.deleteHeader("content-length");
  stream.setHeader("content-encoding", encoding);
  stream.source = compressed(stream.source, encoding, quality);
  return stream;
}

/** The source through a compressor, each chunk flushed so a slow stream still reaches the client as it goes. */
async function* compressed(source: StreamSource, encoding: Encoding, quality: number | undefined): AsyncGenerator<Buffer> {
  const z = encoding === "br" ? zlib.createBrotliCompress(brotliParams(quality)) : zlib.createGzip({ level: quality ?? 6 });
  const out: Buffer[] = [];
  z.on("data", (c: Buffer) => out.push(c));
  const flushed = (): Promise<void> => new Promise((resolve) => z.flush(() => resolve()));
  try {
    for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
      z.write(chunk);
      await flushed();
      if (out.length > 0) yield Buffer.concat(out.splice(0));
    }
    // "end" (not end()'s callback, which is "finish"): the last bytes, the gzip trailer among them, come out before it.
    await new Promise<void>((resolve, reject) => {
      z.once("end", resolve).once("error", reject);
      z.end();
    });
    if (out.length > 0) yield Buffer.concat(out.splice(0));
  } finally {
    z.destroy();
  }
}

function brotliParams(quality: number | undefined): zlib.BrotliOptions {
  return { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality ?? 4 } };
}

function eligible(res: AnyResponse, type: string): boolean {
  const status = res.statusCode;
  if (status === 204 || status === 304 || status < 200) return false;
  if (res.getHeader("content-encoding") !== undefined || res.getHeader("content-range") !== undefined) return false;
  const t = type.toLowerCase();
  if (t.startsWith("image/") && !t.startsWith("image/svg+xml")) return false;
  return !t.startsWith("text/event-stream") && !t.startsWith("application/grpc");
}

// A module constant: a regular expression literal is a new RegExp object each time it is evaluated (per response here).
const ACCEPT_ENCODING = /accept-encoding/i;

function addVary(res: AnyResponse): void {
  const vary = res.getHeader("vary");
  if (vary !== undefined && ACCEPT_ENCODING.test(vary)) return;
  res.setHeader("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
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
