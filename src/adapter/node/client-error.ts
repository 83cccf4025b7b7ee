import type { Socket } from "node:net";
import { httpError, type ErrorPayload } from "../../http-errors";
import { byteLength, frameWhole } from "../framing";
import type { RequestLimits } from "../request-limits";
import { reason } from "./reasons";

export interface ClientErrorAnswer {
  payload: ErrorPayload;
  /** The refused request was a HEAD: headers only. */
  headOnly: boolean;
  /** For a 400: what llhttp found wrong. */
  malformed?: string;
}

/**
 * What to answer for a request llhttp refused before any handler saw it, from
 * the HTTP_ERRORS table: 431/414 past its size cap, 408 when the header
 * block did not arrive in time, 505 for another HTTP version, 400 for the
 * rest. Undefined for a connection error (nothing to answer).
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number; reason?: string }, limits: RequestLimits): ClientErrorAnswer | undefined {
  const code = err.code ?? "";
  const seen = err.rawPacket;
  const headOnly = seen !== undefined && seen.subarray(0, 5).toString("latin1") === "HEAD ";
  if (code === "HPE_HEADER_OVERFLOW") {
    // Past the cap before the request line ended: the target is what is too long.
    const parsed = seen === undefined ? undefined : seen.subarray(0, err.bytesParsed ?? seen.length);
    const inRequestLine = parsed !== undefined && parsed.indexOf(LF) === -1 && REQUEST_LINE_START.test(parsed.subarray(0, 16).toString("latin1"));
    return { payload: inRequestLine ? httpError("URI_TOO_LONG", [limits.maxUriLength]) : httpError("HEADERS_TOO_LARGE", [limits.maxHeaderSize]), headOnly };
  }
  if (code === "ERR_HTTP_REQUEST_TIMEOUT" || code === "HPE_HEADER_TIMEOUT") return { payload: httpError("REQUEST_TIMEOUT", []), headOnly };
  if (code === "HPE_INVALID_VERSION" && seen !== undefined) {
    const version = VERSION.exec(seen.subarray(0, Math.min(seen.length, 8192)).toString("latin1"));
    if (version !== null && version[1] !== "1.0" && version[1] !== "1.1") return { payload: httpError("VERSION_NOT_SUPPORTED", [version[1]!]), headOnly };
  }
  if (!code.startsWith("HPE_")) return undefined;
  const malformed = `Malformed request: ${err.reason ?? code}`;
  return { payload: httpError("BAD_REQUEST", [malformed]), headOnly, malformed };
}

/** Writes a whole response on a connection whose parser gave up, then closes it. */
export function writeRaw(socket: Socket, p: ErrorPayload, headOnly: boolean): void {
  if (!socket.writable) return void socket.destroy();
  const frame = frameWhole(p.status, p.headers, p.body, headOnly);
  const length = frame.body ? byteLength(p.body) : frame.contentLength;
  let head = `HTTP/1.1 ${p.status} ${reason(p.status)}\r\nDate: ${new Date().toUTCString()}\r\n`;
  for (let i = 0; i < frame.headers.length; i += 2) head += `${frame.headers[i]}: ${frame.headers[i + 1]}\r\n`;
  if (length !== undefined) head += `Content-Length: ${length}\r\n`;
  socket.end(`${head}Connection: close\r\n\r\n${frame.body && p.body !== undefined ? p.body : ""}`);
  socket.destroySoon();
}

const LF = 10;
const REQUEST_LINE_START = /^[A-Z]+ /;
const VERSION = /^[A-Z]+ \S+ HTTP\/(\d\.\d)\r?\n/;
