import type { Readable } from "node:stream";

/** Header input accepted wherever users set response headers. */
export type HeadersInit =
  | Record<string, string | number | readonly string[]>
  | ReadonlyArray<readonly [string, string]>;

export interface ResponseInit<T = unknown> {
  /** Body: a string (text/plain), bytes (application/octet-stream) or any JSON value. */
  content?: T;
  statusCode?: number;
  headers?: HeadersInit;
  /** Content-Type; defaults by content kind. */
  mediaType?: string;
}

/**
 * Full control over status, headers and media type, as in the seed's
 * `Response(content=..., status_code=..., headers=..., media_type=...)`.
 *
 * `S` documents the status a handler answers with: a return type of
 * `Response<Book, 201> | Response<Problem, 404>` puts both statuses, each with
 * its body's schema, in the OpenAPI document. It is read at build time only;
 * `statusCode` sets the status on the wire.
 * @spikardResponse
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export class Response<T = unknown, S extends number = number> {
  content: T | undefined;
  statusCode: number;
  headers: Array<[string, string]>;
  mediaType: string | undefined;

  constructor(init: ResponseInit<T> = {}) {
    this.content = init.content;
    this.statusCode = init.statusCode ?? 200;
    this.headers = normalizeHeaders(init.headers);
    this.mediaType = init.mediaType;
  }

  /** Sets (replacing) a header; returns `this` for chaining. */
  setHeader(name: string, value: string): this {
    const lower = name.toLowerCase();
    this.headers = this.headers.filter(([n]) => n.toLowerCase() !== lower);
    this.headers.push([name, value]);
    return this;
  }

  getHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [n, v] of this.headers) if (n.toLowerCase() === lower) return v;
    return undefined;
  }

  /** Appends a `Set-Cookie` header. */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    this.headers.push(["set-cookie", serializeCookie(name, value, options)]);
    return this;
  }
}

export type StreamSource =
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | Readable;

export interface StreamingResponseInit {
  statusCode?: number;
  headers?: HeadersInit;
  mediaType?: string;
}

/**
 * Streams an (async) iterable of strings/bytes or a Node Readable with
 * backpressure: the next chunk is pulled only once the socket drained.
 * @spikardResponse
 */
export class StreamingResponse {
  readonly source: StreamSource;
  statusCode: number;
  headers: Array<[string, string]>;
  mediaType: string;

  constructor(source: StreamSource, init: StreamingResponseInit = {}) {
    this.source = source;
    this.statusCode = init.statusCode ?? 200;
    this.headers = normalizeHeaders(init.headers);
    this.mediaType = init.mediaType ?? "application/octet-stream";
  }
}

export interface CookieOptions {
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  let out = `${name}=${encodeURIComponent(value)}`;
  if (o.maxAge !== undefined) out += `; Max-Age=${Math.floor(o.maxAge)}`;
  if (o.expires) out += `; Expires=${o.expires.toUTCString()}`;
  if (o.domain) out += `; Domain=${o.domain}`;
  out += `; Path=${o.path ?? "/"}`;
  if (o.secure) out += "; Secure";
  if (o.httpOnly) out += "; HttpOnly";
  if (o.sameSite) out += `; SameSite=${o.sameSite}`;
  return out;
}

export function normalizeHeaders(init: HeadersInit | undefined): Array<[string, string]> {
  if (init === undefined) return [];
  if (Array.isArray(init)) return init.map(([k, v]) => [k, String(v)]);
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(init as Record<string, string | number | readonly string[]>)) {
    if (Array.isArray(v)) for (const item of v) out.push([k, String(item)]);
    else out.push([k, String(v)]);
  }
  return out;
}
