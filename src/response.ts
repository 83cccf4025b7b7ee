import type { Readable } from "node:stream";
import { checkHeader } from "./http/header-check";

/** Header input accepted wherever users set response headers. */
export type HeadersInit =
  | Record<string, string | number | readonly string[]>
  | ReadonlyArray<readonly [string, string]>;

/**
 * What `Response` and `StreamingResponse` share, so a hook or middleware can
 * treat either alike: headers as a plain object (`res.headers["X-Frame-Options"] = "DENY"`,
 * as in the seed), read and replaced case-insensitively through `getHeader`/
 * `setHeader`, and `Set-Cookie` lines kept apart because they cannot be joined.
 */
export abstract class ResponseHeaders {
  statusCode: number;
  /** Header name → value. Names are sent lower-cased; two spellings of one name: the later one wins. */
  headers: Record<string, string>;
  /** One `Set-Cookie` line each (see `setCookie`). */
  cookies: string[];

  protected constructor(statusCode: number, init: HeadersInit | undefined) {
    this.statusCode = statusCode;
    const { headers, cookies } = normalizeHeaders(init);
    this.headers = headers;
    this.cookies = cookies;
  }

  /** Sets (replacing any spelling of) a header; returns `this` for chaining. */
  setHeader(name: string, value: string): this {
    this.deleteHeader(name);
    this.headers[name] = value;
    return this;
  }

  getHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (lower === "set-cookie") return this.cookies[0] ?? this.headers[name];
    let found: string | undefined;
    for (const k in this.headers) if (k.toLowerCase() === lower) found = this.headers[k];
    return found;
  }

  /** Removes every spelling of a header; true when one was there. */
  deleteHeader(name: string): boolean {
    const lower = name.toLowerCase();
    let had = false;
    for (const k in this.headers) {
      if (k.toLowerCase() === lower) {
        delete this.headers[k];
        had = true;
      }
    }
    return had;
  }

  /** Appends a `Set-Cookie` line. */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    this.cookies.push(serializeCookie(name, value, options));
    return this;
  }
}

export interface ResponseInit<T = unknown, S extends number = number> {
  /** Body: a string (text/plain), bytes (application/octet-stream) or any JSON value. */
  content?: T;
  statusCode?: S;
  headers?: HeadersInit;
  /** Content-Type; defaults by content kind. */
  mediaType?: string;
}

/**
 * Full control over status, headers and media type, as in the seed's
 * `Response(content=..., status_code=..., headers=..., media_type=...)`.
 * `S` is the status type: `Response<Book, 201>` documents a 201 with a `Book` body.
 * @spikardResponse
 */
export class Response<T = unknown, S extends number = number> extends ResponseHeaders {
  content: T | undefined;
  declare statusCode: S;
  mediaType: string | undefined;

  constructor(init: ResponseInit<T, S> = {}) {
    super(init.statusCode ?? 200, init.headers);
    this.content = init.content;
    this.mediaType = init.mediaType;
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
export class StreamingResponse extends ResponseHeaders {
  source: StreamSource;
  mediaType: string;

  constructor(source: StreamSource, init: StreamingResponseInit = {}) {
    super(init.statusCode ?? 200, init.headers);
    this.source = source;
    this.mediaType = init.mediaType ?? "application/octet-stream";
  }
}

/** What a handler, hook or middleware may answer with. */
export type AnyResponse = Response | StreamingResponse;

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

/** Headers init → record plus Set-Cookie lines; other repeated names are joined with ", " (RFC 9110 §5.3). */
export function normalizeHeaders(init: HeadersInit | undefined): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  if (init === undefined) return { headers, cookies };
  const add = (k: string, v: string): void => {
    if (k.toLowerCase() === "set-cookie") cookies.push(v);
    else headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  };
  if (Array.isArray(init)) for (const [k, v] of init as ReadonlyArray<readonly [string, string]>) add(k, String(v));
  else {
    for (const [k, v] of Object.entries(init as Record<string, string | number | readonly string[]>)) {
      if (Array.isArray(v)) for (const item of v) add(k, String(item));
      else add(k, String(v));
    }
  }
  return { headers, cookies };
}

/**
 * The response's headers as the sinks take them: `[name, value, ...]`, Set-Cookie lines last.
 * Every header a handler, hook or middleware set passes here on its way to the wire, so this is
 * where one that would split the response is refused.
 */
export function flattenHeaders(r: ResponseHeaders): string[] {
  const out: string[] = [];
  for (const k in r.headers) {
    checkHeader(k, r.headers[k]!);
    const lower = k.toLowerCase();
    let at = -1;
    for (let i = 0; i < out.length; i += 2) if (out[i] === lower) at = i;
    if (at === -1) out.push(lower, r.headers[k]!);
    else out[at + 1] = r.headers[k]!;
  }
  for (const c of r.cookies) {
    checkHeader("set-cookie", c);
    out.push("set-cookie", c);
  }
  return out;
}
