import { httpError, type ErrorPayload } from "../http-errors";

/**
 * What one request may be before anything reads it: the request target, the
 * header block, and how long a client may take to send it. Checked by every
 * adapter before dispatch (the node adapter's parser enforces the timeouts and
 * a hard cap itself); the in-memory adapter applies the same checks, so
 * TestClient answers as the socket does.
 */
export interface RequestLimits {
  /** Bytes of all header fields, counted as `name: value\r\n` (431 beyond). */
  readonly maxHeaderSize: number;
  /** Header fields (431 beyond). */
  readonly maxHeaderCount: number;
  /** Bytes of the request target, path and query (414 beyond). */
  readonly maxUriLength: number;
  /** Milliseconds an idle keep-alive connection stays open. */
  readonly keepAliveTimeout: number;
  /** Milliseconds a client has to send a request's whole header block (408 beyond: slowloris). */
  readonly headersTimeout: number;
}

export const DEFAULT_LIMITS: RequestLimits = Object.freeze({
  maxHeaderSize: 16 * 1024,
  maxHeaderCount: 100,
  maxUriLength: 8 * 1024,
  keepAliveTimeout: 5_000,
  headersTimeout: 10_000,
});

/** The field's share of the header block as the limit counts it (name, ": ", value, CRLF). */
export const headerFieldSize = (name: string, value: string): number => name.length + value.length + 4;

/** The answer for a request over a limit, or undefined. Pure: each adapter measures what its parser gives it. */
export function requestLimitError(limits: RequestLimits, uriLength: number, headerCount: number, headerBytes: number): ErrorPayload | undefined {
  if (uriLength > limits.maxUriLength) return httpError("URI_TOO_LONG", [limits.maxUriLength]);
  if (headerCount > limits.maxHeaderCount) return httpError("TOO_MANY_HEADERS", [limits.maxHeaderCount]);
  if (headerBytes > limits.maxHeaderSize) return httpError("HEADERS_TOO_LARGE", [limits.maxHeaderSize]);
  return undefined;
}
