import { SpikardError } from "../errors";

/**
 * HTTP/1.1 response framing, one pure function per kind of response, used by
 * every adapter so they cannot drift apart:
 * - the server computes Content-Length; a handler's own survives only on HEAD
 *   (where it describes the GET's body);
 * - Transfer-Encoding is the server's; a HEAD for a stream keeps it (its GET would be chunked);
 * - Date is the server's (uWS always writes one, and the field may appear once: RFC 9110 §6.6.1);
 * - 204 and 304 carry neither body nor length.
 * Header names and values were checked where they entered (src/http/header-check.ts:
 * every Response's headers when flattened, HttpError's): the framework's own constant
 * lists need no check, and framing stays free of per-header work.
 */

export interface WholeFrame {
  /** Headers to write as they are (no Content-Length or Connection among them). */
  headers: readonly string[];
  /** Without a body on the wire: the Content-Length to declare, or undefined for none. With one, undefined: it is the body's own length. */
  contentLength: number | undefined;
  /** Whether body bytes go on the wire. */
  body: boolean;
  /** The handler said `Connection: close`: the adapter closes the connection after this response (and writes the header itself). */
  close: boolean;
}

export interface StreamFrame {
  headers: string[];
  /** A declared length frames the stream; otherwise it is chunked. */
  length: number | undefined;
  close: boolean;
}

/**
 * The one frame `frameWhole` fills and returns: every response is framed, and a new object (and header
 * list) per response is what the young generation then collects. Valid until the next call: adapters
 * read it at once, synchronously.
 */
const WHOLE: WholeFrame = { headers: [], contentLength: undefined, body: true, close: false };

export function frameWhole(status: number, headers: readonly string[], body: string | Uint8Array | undefined, headOnly: boolean): WholeFrame {
  // A copy only once a header is left out: most responses keep their list as it is.
  let out: string[] | undefined;
  let declared: string | undefined;
  let chunked = false;
  let close = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    let drop = false;
    if (name.length === 14 && name.toLowerCase() === "content-length") {
      declared = value;
      drop = true;
    } else if (name.length === 10 && name.toLowerCase() === "connection") {
      // Connection is hop-by-hop and the server's to write: "close" is honoured by closing, not just by saying so.
      close ||= closes(value);
      drop = true;
    } else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
      if (headOnly) chunked = true;
      else drop = true;
    } else if (name.length === 4 && name.toLowerCase() === "date") drop = true;
    if (drop) out ??= headers.slice(0, i);
    else if (out !== undefined) out.push(name, value);
  }
  const f = WHOLE;
  f.headers = out ?? headers;
  f.close = close;
  if (status === 204 || status === 304) {
    f.contentLength = undefined;
    f.body = false;
  } else if (headOnly) {
    f.contentLength = chunked && declared === undefined ? undefined : declared !== undefined && DIGITS.test(declared.trim()) ? Number(declared.trim()) : byteLength(body);
    f.body = false;
  } else {
    f.contentLength = undefined;
    f.body = true;
  }
  return f;
}

const closes = (value: string): boolean => value.split(",").some((t) => t.trim().toLowerCase() === "close");

export function frameStream(headers: readonly string[]): StreamFrame {
  const out: string[] = [];
  let length: number | undefined;
  let close = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === "content-length") {
      const v = value.trim();
      length = DIGITS.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
      continue;
    }
    if (lower === "connection") {
      close ||= closes(value);
      continue;
    }
    if (lower === "transfer-encoding" || lower === "date") continue;
    out.push(name, value);
  }
  return { headers: out, length, close };
}

/** Headers the server writes itself on a `101 Switching Protocols` (the handshake's own), or that cannot go on one. */
const UPGRADE_OWN = new Set(["upgrade", "connection", "sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions", "content-length", "transfer-encoding", "date", "content-type", "content-encoding"]);

/** The headers a handshake's answer adds (CORS, a request id, ...; checked where they entered, as every response's are). */
export function frameUpgrade(headers: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (!UPGRADE_OWN.has(name.toLowerCase())) out.push(name, headers[i + 1]!);
  }
  return out;
}

/** The body's size on the wire. */
export function byteLength(body: string | Uint8Array | undefined): number {
  return body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

const DIGITS = /^\d+$/;

/** A stream that declared its length produced more: it is not ended (the client would take it for whole). */
export const streamTooLong = (total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream produced more than its declared Content-Length of ${total} bytes`);

export const streamTooShort = (sent: number, total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream ended after ${sent} of its declared ${total} bytes`);
