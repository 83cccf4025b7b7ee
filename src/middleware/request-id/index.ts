import { randomUUID } from "node:crypto";
import { afterNext, readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";

export interface RequestIdOptions {
  /** Header carrying the id. Default "x-request-id". */
  header?: string;
}

/**
 * Gives every request an id: the client's `X-Request-ID` when present,
 * otherwise a new UUID v4; the response carries it back (unless the handler set one).
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = (options.header ?? "x-request-id").toLowerCase();
  return readOnlyBeforeNext(function requestId(req, next) {
    const id = req.header(header) ?? randomUUID();
    return afterNext(next(), (res) => {
      if (res.getHeader(header) === undefined) res.setHeader(header, id);
      return res;
    });
  });
}
