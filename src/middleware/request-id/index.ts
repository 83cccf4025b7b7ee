import { randomUUID } from "node:crypto";
import { afterNext, readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";

export interface RequestIdOptions {
  /** Header carrying the id. Default "x-request-id". */
  header?: string;
  /** Longest incoming id that is kept; a longer one is replaced. Default 128 (a UUID is 36, a W3C traceparent 55). */
  maxLength?: number;
}

/**
 * Gives every request an id: the client's `X-Request-ID` when it is a plausible
 * id (1 to `maxLength` visible ASCII characters), otherwise a new UUID v4; the
 * response carries it back (unless the handler set one). The id is echoed and
 * logged, so what a client sends there must not be able to carry a payload:
 * no spaces, controls or non-ASCII bytes, and no unbounded length.
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = (options.header ?? "x-request-id").toLowerCase();
  const maxLength = options.maxLength ?? 128;
  return readOnlyBeforeNext(function requestId(req, next) {
    const incoming = req.header(header);
    const id = incoming !== undefined && isPlausibleId(incoming, maxLength) ? incoming : randomUUID();
    return afterNext(next(), (res) => {
      if (res.getHeader(header) === undefined) res.setHeader(header, id);
      return res;
    });
  });
}

/** 1 to `max` characters, each visible ASCII (RFC 5234 VCHAR, 0x21–0x7E). */
export function isPlausibleId(value: string, max: number): boolean {
  const n = value.length;
  if (n === 0 || n > max) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
