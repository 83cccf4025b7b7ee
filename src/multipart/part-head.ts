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
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    // busboy refuses controls other than HTAB (and CR LF between lines) in a part header: "Malformed part header".
    if ((b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) || b === 0x7f) return undefined;
  }
  const headers: Array<[string, string]> = [];
  let line = start;
  while (line < end) {
    let next = buf.indexOf(CRLF, line, "latin1");
    if (next === -1 || next > end) next = end;
    const text = buf.toString("utf8", line, next);
    const colon = text.indexOf(":");
    // A continuation line (obsolete folding), a bare CR or LF, or a name that is not a token: leave it to busboy.
    if (colon <= 0 || !TOKEN.test(text.slice(0, colon)) || /[\r\n]/.test(text)) return undefined;
    headers.push([text.slice(0, colon).toLowerCase(), text.slice(colon + 1).trim()]);
    line = next + 2;
  }
  return headers;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
