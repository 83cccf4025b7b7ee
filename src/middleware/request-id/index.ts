import { randomUUID } from "node:crypto";
import { hasHeader } from "../../pipeline/header-list";
import { mapHeaders, type Middleware } from "../types";

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
  return {
    name: "requestId",
    handle(raw, sink, next) {
      const id = raw.header(header) ?? randomUUID();
      next(mapHeaders(sink, (_status, headers) => (hasHeader(headers, header) ? headers : [...headers, header, id])));
    },
  };
}
