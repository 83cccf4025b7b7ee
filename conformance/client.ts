import http from "node:http";
import zlib from "node:zlib";

export interface WireResponse {
  status: number;
  /** Lower-case names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
}

export interface WireRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Sends one request on a fresh connection and decodes a compressed body. */
export function send(port: number, req: WireRequest, timeoutMs = 10_000): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: "127.0.0.1", port, method: req.method, path: req.path, headers: req.headers, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers: Record<string, string[]> = {};
          for (let i = 0; i < res.rawHeaders.length; i += 2) (headers[res.rawHeaders[i]!.toLowerCase()] ??= []).push(res.rawHeaders[i + 1]!);
          resolve({ status: res.statusCode ?? 0, headers, body: decode(Buffer.concat(chunks), headers["content-encoding"]?.[0]) });
        });
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`no response within ${timeoutMs} ms`)));
    r.on("error", reject);
    r.end(req.body);
  });
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (body.length === 0) return body;
  switch (encoding) {
    case "gzip":
      return zlib.gunzipSync(body);
    case "br":
      return zlib.brotliDecompressSync(body);
    case "deflate":
      return zlib.inflateSync(body);
    default:
      return body;
  }
}
