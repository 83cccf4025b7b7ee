import { randomBytes } from "node:crypto";

export type QueryValue = string | number | boolean | bigint | null | undefined | ReadonlyArray<string | number | boolean | bigint>;

export interface FileInput {
  filename?: string;
  content: string | Uint8Array;
  contentType?: string;
}

/** Options for a test request, as in the seed's TestClient. */
export interface RequestOptions {
  /** Query parameters; arrays repeat the key. Or a raw query string. */
  query?: Record<string, QueryValue> | string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** JSON body (sets content-type application/json). */
  json?: unknown;
  /** URL-encoded form body, or multipart when `files` is also given. */
  form?: Record<string, QueryValue>;
  /** Multipart files by field name; an array repeats the field. */
  files?: Record<string, FileInput | FileInput[]>;
  /** Raw body. */
  body?: string | Uint8Array;
}

export interface EncodedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Builds the wire form of a test request: shared by TestClient and LiveTestClient. */
export function encodeRequest(method: string, url: string, o: RequestOptions, defaults: { headers?: Record<string, string>; cookies?: Record<string, string> } = {}): EncodedRequest {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  let query = q === -1 ? "" : url.slice(q + 1);
  if (o.query !== undefined) {
    const extra = typeof o.query === "string" ? o.query.replace(/^\?/, "") : encodeForm(o.query);
    query = query && extra ? `${query}&${extra}` : query || extra;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...defaults.headers, ...o.headers })) headers[k.toLowerCase()] = v;
  const cookies = { ...defaults.cookies, ...o.cookies };
  if (Object.keys(cookies).length > 0) {
    const line = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; ");
    headers.cookie = headers.cookie ? `${headers.cookie}; ${line}` : line;
  }
  let body: Buffer = Buffer.alloc(0);
  if (o.files !== undefined) {
    const boundary = `----spikard${randomBytes(12).toString("hex")}`;
    body = encodeMultipart(boundary, o.form ?? {}, o.files);
    headers["content-type"] ??= `multipart/form-data; boundary=${boundary}`;
  } else if (o.form !== undefined) {
    body = Buffer.from(encodeForm(o.form));
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  } else if (o.json !== undefined) {
    body = Buffer.from(JSON.stringify(o.json));
    headers["content-type"] ??= "application/json";
  } else if (o.body !== undefined) {
    body = typeof o.body === "string" ? Buffer.from(o.body) : Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength);
  }
  if (body.length > 0 || ["POST", "PUT", "PATCH"].includes(method)) headers["content-length"] ??= String(body.length);
  return { method, path, query, headers, body };
}

export function encodeForm(values: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    for (const item of list) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(item === null ? "" : String(item))}`);
  }
  return parts.join("&");
}

function encodeMultipart(boundary: string, fields: Record<string, QueryValue>, files: Record<string, FileInput | FileInput[]>): Buffer {
  const chunks: Buffer[] = [];
  const push = (s: string): void => void chunks.push(Buffer.from(s));
  for (const [name, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${item === null ? "" : String(item)}\r\n`);
    }
  }
  for (const [name, v] of Object.entries(files)) {
    for (const file of Array.isArray(v) ? v : [v]) {
      const filename = file.filename !== undefined ? `; filename="${file.filename}"` : "";
      push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename}\r\nContent-Type: ${file.contentType ?? "application/octet-stream"}\r\n\r\n`);
      chunks.push(typeof file.content === "string" ? Buffer.from(file.content) : Buffer.from(file.content));
      push("\r\n");
    }
  }
  push(`--${boundary}--\r\n`);
  return Buffer.concat(chunks);
}
