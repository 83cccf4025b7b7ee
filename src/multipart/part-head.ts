import { parseContentType } from "../http/content-type";
import { isFilePart } from "./parts";

// `name="value"` with no escapes inside, or a bare token: what browsers, curl and every HTTP client send.
const PARAM = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"([^"\\]*)"|([^\s;"]*))\s*$/;
const CRLF = "\r\n";

/** A part's header block, read. */
export interface PartHead {
  headers: Array<[string, string]>;
  name: string;
  /** As sent (directories not yet cut); undefined when absent or empty. */
  filename: string | undefined;
  mimeType: string;
  /** busboy's rule: a filename, or application/octet-stream. */
  isFile: boolean;
}

/**
 * Reads the header lines `buf[start, end)` of one part (no trailing blank
 * line), or returns undefined when they are anything but the plain form every
 * client sends: folded or encoded lines, `filename*`, escapes, a non-UTF-8
 * charset, a part without a form-data name, bytes busboy refuses in a header
 * (controls, a name that is not a token). busboy then decides, so the result
 * never differs from its own.
 */
export function readPartHead(buf: Buffer, start: number, end: number): PartHead | undefined {
  const headers = parseHeaders(buf, start, end);
  if (headers === undefined) return undefined;
  const disposition = headers.find(([k]) => k === "content-disposition")?.[1];
  if (disposition === undefined) return undefined;
  const parts = disposition.split(";");
  if (parts[0]!.trim().toLowerCase() !== "form-data") return undefined;
  let name: string | undefined;
  let filename: string | undefined;
  for (let i = 1; i < parts.length; i++) {
    const m = PARAM.exec(parts[i]!);
    if (m === null) return undefined;
    const key = m[1]!.toLowerCase();
    const value = m[2] ?? m[3]!;
    // As busboy: an empty name or filename counts as absent.
    if (key === "name") name = value || undefined;
    else if (key === "filename") filename = value || undefined;
  }
  if (name === undefined) return undefined;
  let mimeType = "text/plain";
  const typeHeader = headers.find(([k]) => k === "content-type")?.[1];
  if (typeHeader !== undefined) {
    const ct = parseContentType(typeHeader);
    if (ct !== undefined) {
      const charset = ct.params.charset?.toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return undefined;
      mimeType = ct.mediaType;
    }
  }
  return { headers, name, filename, mimeType, isFile: isFilePart(mimeType, filename) };
}

function parseHeaders(buf: Buffer, start: number, end: number): Array<[string, string]> | undefined {
  // One decode for the block: CR and LF are ASCII, so UTF-8 decoding the lines together or apart gives the same text.
  const block = buf.toString("utf8", start, end);
  if (!PLAIN_BLOCK.test(block)) return undefined;
  const headers: Array<[string, string]> = [];
  let line = 0;
  for (;;) {
    // The name is a token, so the line's first colon ends it.
    const colon = block.indexOf(":", line);
    let next = block.indexOf(CRLF, colon);
    if (next === -1) next = block.length;
    headers.push([block.slice(line, colon).toLowerCase(), block.slice(colon + 1, next).trim()]);
    if (next === block.length) return headers;
    line = next + 2;
  }
}

/**
 * The header lines as busboy reads them without complaint, and as every
 * client sends them: each a token name, a colon, then no control other than
 * HTAB (busboy answers "Malformed part header"), joined by CRLF (no bare CR or
 * LF, no folded line, no space before the colon). Anything else is left to
 * busboy. One RegExp over the block, not a JavaScript loop over its bytes: it
 * runs on every buffered upload, and the byte loop plus a per-line name check
 * cost ~4 000 instructions a request.
 */
const NAME = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const VALUE = "[^\\x00-\\x08\\x0a-\\x1f\\x7f]*";
const PLAIN_BLOCK = new RegExp(`^${NAME}:${VALUE}(?:\\r\\n${NAME}:${VALUE})*$`);
