import { SpikardError } from "../errors";

/**
 * HTTP/1.1 response framing, one pure function per kind of response, used by
 * every adapter so they cannot drift apart:
 * - the server computes Content-Length; a handler's own survives only on HEAD
 *   (where it describes the GET's body);
 * - Transfer-Encoding is the server's; a HEAD for a stream keeps it (its GET would be chunked);
 * - Date is the server's (uWS always writes one, and the field may appear once: RFC 9110 §6.6.1);
 * - 204 and 304 carry neither body nor length.
 * Header names and values are checked here too: CR, LF or NUL in them would
 * split the response (RFC 9110 §5.5), so such a header is refused as node:http refuses it.
 */

export interface WholeFrame {
  /** Headers to write as they are (no Content-Length among them). */
  headers: string[];
  /** The Content-Length to declare, or undefined for none. */
  contentLength: number | undefined;
  /** Whether body bytes go on the wire. */
  body: boolean;
}

export interface StreamFrame {
  headers: string[];
  /** A declared length frames the stream; otherwise it is chunked. */
  length: number | undefined;
}

export function frameWhole(status: number, headers: readonly string[], bodyLength: number, headOnly: boolean): WholeFrame {
  const trusted = Object.isFrozen(headers);
  const out: string[] = [];
  let declared: string | undefined;
  let chunked = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!trusted) checkHeader(name, value);
    if (name.length === 14 && name.toLowerCase() === "content-length") {
      declared = value;
      continue;
    }
    if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
      if (!headOnly) continue;
      chunked = true;
    }
    if (name.length === 4 && name.toLowerCase() === "date") continue;
    out.push(name, value);
  }
  if (status === 204 || status === 304) return { headers: out, contentLength: undefined, body: false };
  if (headOnly) {
    if (chunked && declared === undefined) return { headers: out, contentLength: undefined, body: false };
    const length = declared !== undefined && DIGITS.test(declared.trim()) ? Number(declared.trim()) : bodyLength;
    return { headers: out, contentLength: length, body: false };
  }
  return { headers: out, contentLength: bodyLength, body: true };
}

export function frameStream(headers: readonly string[]): StreamFrame {
  const trusted = Object.isFrozen(headers);
  const out: string[] = [];
  let length: number | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!trusted) checkHeader(name, value);
    const lower = name.toLowerCase();
    if (lower === "content-length") {
      const v = value.trim();
      length = DIGITS.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
      continue;
    }
    if (lower === "transfer-encoding" || lower === "date") continue;
    out.push(name, value);
  }
  return { headers: out, length };
}

/** Headers the server writes itself on a `101 Switching Protocols` (the handshake's own), or that cannot go on one. */
const UPGRADE_OWN = new Set(["upgrade", "connection", "sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions", "content-length", "transfer-encoding", "date", "content-type", "content-encoding"]);

/** The headers a handshake's answer adds (CORS, a request id, ...), checked as every response's are. */
export function frameUpgrade(headers: readonly string[]): string[] {
  const trusted = Object.isFrozen(headers);
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!trusted) checkHeader(name, value);
    if (!UPGRADE_OWN.has(name.toLowerCase())) out.push(name, value);
  }
  return out;
}

/** The body's size on the wire. */
export function byteLength(body: string | Uint8Array | undefined): number {
  return body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

const DIGITS = /^\d+$/;
/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Any character that ends a header line or is not allowed in a field value. */
const BAD_VALUE = /[\r\n\0]/;

/** Throws for a header that would corrupt the response: the handler's bug answers 500 and nothing of it is written. */
export function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new SpikardError("INVALID_HEADER", `name ${JSON.stringify(name)}`);
  if (BAD_VALUE.test(value)) throw new SpikardError("INVALID_HEADER", `${name}: a value containing CR, LF or NUL`);
}

/** A stream that declared its length produced more: it is not ended (the client would take it for whole). */
export const streamTooLong = (total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream produced more than its declared Content-Length of ${total} bytes`);

export const streamTooShort = (sent: number, total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream ended after ${sent} of its declared ${total} bytes`);
