/**
 * gRPC-Web (grpc/doc/PROTOCOL-WEB.md) as pure functions, for serving the same handlers on the
 * HTTP/1.1 port: content types, the base64 `-text` body, and the trailer frame that replaces
 * HTTP/2 trailers. Messages are framed exactly as in gRPC (framing.ts).
 */

export interface WebContentType {
  /** `application/grpc-web-text`: the body is base64. */
  text: boolean;
  /** The content type to answer with (same family as the request's). */
  responseType: string;
}

/** Understands `application/grpc-web`, `+proto`, `-text` and `-text+proto`; undefined for anything else (415). */
export function parseWebContentType(contentType: string | undefined): WebContentType | undefined {
  if (contentType === undefined) return undefined;
  const base = contentType.split(";")[0]!.trim().toLowerCase();
  switch (base) {
    case "application/grpc-web":
    case "application/grpc-web+proto":
      return { text: false, responseType: base };
    case "application/grpc-web-text":
    case "application/grpc-web-text+proto":
      return { text: true, responseType: base };
    default:
      return undefined;
  }
}

/** Flag of the frame that carries trailers (the MSB of the flag byte). */
export const TRAILER_FLAG = 0x80;

/** The trailer frame: `key: value\r\n` lines (lower-case keys) after a 5-byte prefix with flag 0x80. */
export function encodeTrailerFrame(trailers: Record<string, string | string[]>): Buffer {
  let block = "";
  for (const [key, value] of Object.entries(trailers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (/[\r\n]/.test(v) || /[\r\n:]/.test(key)) throw new TypeError(`gRPC-Web trailer ${JSON.stringify(key)} has a CR, LF or colon where none may be`);
      block += `${key.toLowerCase()}: ${v}\r\n`;
    }
  }
  const body = Buffer.from(block, "latin1");
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = TRAILER_FLAG;
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
}

/** The inverse, for clients and tests: the trailer block (without its prefix) as a header record. */
export function parseTrailerBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.toString("latin1").split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new SyntaxError(`Malformed gRPC-Web trailer line ${JSON.stringify(line.slice(0, 64))}`);
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}

/**
 * Incremental decoder for a `-text` request body: base64 arrives in chunks that need not end on
 * a 4-character boundary, and a client may send several padded base64 segments back to back.
 */
export class Base64BodyDecoder {
  private carry = "";

  push(chunk: Buffer | string): Buffer {
    const text = this.carry + (typeof chunk === "string" ? chunk : chunk.toString("latin1")).replace(/\s+/g, "");
    if (/[^A-Za-z0-9+/=_-]/.test(text)) throw new SyntaxError("gRPC-Web text body is not base64");
    const whole = text.length - (text.length % 4);
    this.carry = text.slice(whole);
    // 4-character groups decode independently; a group with padding ends one segment.
    const out: Buffer[] = [];
    let start = 0;
    for (let g = 0; g < whole; g += 4) {
      const pad = text.indexOf("=", g);
      if (pad !== -1 && pad < g + 4) {
        if (pad < g + 2 || /[^=]/.test(text.slice(pad, g + 4))) throw new SyntaxError("gRPC-Web text body has misplaced base64 padding");
        out.push(Buffer.from(text.slice(start, g + 4), "base64"));
        start = g + 4;
      }
    }
    if (start < whole) out.push(Buffer.from(text.slice(start, whole), "base64"));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** True when the body ended with base64 characters that do not make a whole group. */
  get partial(): boolean {
    return this.carry.length > 0;
  }
}

/** A response chunk for a `-text` client: each written chunk is its own padded base64 segment. */
export function encodeTextChunk(chunk: Buffer): Buffer {
  return Buffer.from(chunk.toString("base64"), "latin1");
}

/**
 * Response headers for a gRPC-Web answer. Trailers-only answers put status in the headers, which
 * PROTOCOL-WEB.md allows; browsers can read them once `Access-Control-Expose-Headers` lists them.
 */
export function webResponseHeaders(contentType: WebContentType, metadata: Record<string, string | string[]>): Record<string, string | string[]> {
  return { ...metadata, "content-type": contentType.responseType, "access-control-expose-headers": "grpc-status,grpc-message,grpc-encoding" };
}
