import { parseContentType } from "../http/content-type";
import { addField, isFilePart, uploadFilename } from "./parts";
import { UploadFile } from "./upload-file";

// Searched as latin1 strings: Buffer.indexOf takes them as they are, where a Buffer per
// request (the boundary differs per client) would churn the Buffer pool at every upload.
const CRLF = "\r\n";
const HEADER_END = "\r\n\r\n";
// `name="value"` with no escapes inside, or a bare token: what browsers, curl and every HTTP client send.
const PARAM = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"([^"\\]*)"|([^\s;"]*))\s*$/;

/**
 * Parses a whole, already-buffered multipart body into fields and in-memory
 * files, or returns undefined when the body is anything but the plain form
 * every client sends (a preamble, folded or encoded headers, `filename*`, a
 * non-UTF-8 charset, a missing closing delimiter): busboy then parses it.
 *
 * Written by hand because busboy's streaming machinery (a stream per part,
 * events, Streamsearch) costs more than the request for small uploads; here
 * it is a few Buffer.indexOf calls. Only used for bodies below the spool
 * threshold, so nothing it returns needs a temporary file.
 */
export function parseBufferedMultipart(buf: Buffer, boundary: string): Record<string, unknown> | undefined {
  const delimiter = `--${boundary}`;
  const between = `\r\n--${boundary}`;
  if (buf.indexOf(delimiter, 0, "latin1") !== 0) return undefined;
  const fields: Record<string, unknown> = Object.create(null);
  let pos = delimiter.length;
  for (;;) {
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) return fields; // "--": the closing delimiter; the epilogue is ignored
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) return undefined;
    const headStart = pos + 2;
    const headEnd = buf.indexOf(HEADER_END, headStart, "latin1");
    if (headEnd === -1) return undefined;
    const contentEnd = buf.indexOf(between, headEnd + 4, "latin1");
    if (contentEnd === -1) return undefined;
    const head = parseHeaders(buf, headStart, headEnd);
    if (head === undefined || !addPart(fields, head, buf.subarray(headEnd + 4, contentEnd))) return undefined;
    pos = contentEnd + between.length;
  }
}

function parseHeaders(buf: Buffer, start: number, end: number): Array<[string, string]> | undefined {
  const headers: Array<[string, string]> = [];
  let line = start;
  while (line < end) {
    let next = buf.indexOf(CRLF, line, "latin1");
    if (next === -1 || next > end) next = end;
    const text = buf.toString("utf8", line, next);
    const colon = text.indexOf(":");
    // A continuation line (obsolete folding) or a line without a name: leave it to busboy.
    if (colon <= 0 || text.charCodeAt(0) === 0x20 || text.charCodeAt(0) === 0x09) return undefined;
    headers.push([text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()]);
    line = next + 2;
  }
  return headers;
}

function addPart(fields: Record<string, unknown>, headers: Array<[string, string]>, content: Buffer): boolean {
  const disposition = headers.find(([k]) => k === "content-disposition")?.[1];
  if (disposition === undefined) return false;
  const parts = disposition.split(";");
  if (parts[0]!.trim().toLowerCase() !== "form-data") return false;
  let name: string | undefined;
  let filename: string | undefined;
  for (let i = 1; i < parts.length; i++) {
    const m = PARAM.exec(parts[i]!);
    if (m === null) return false;
    const key = m[1]!.toLowerCase();
    const value = m[2] ?? m[3]!;
    // As busboy: an empty name or filename counts as absent.
    if (key === "name") name = value || undefined;
    else if (key === "filename") filename = value || undefined;
  }
  if (name === undefined) return false;
  let mimeType = "text/plain";
  const typeHeader = headers.find(([k]) => k === "content-type")?.[1];
  if (typeHeader !== undefined) {
    const ct = parseContentType(typeHeader);
    if (ct !== undefined) {
      const charset = ct.params.charset?.toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return false;
      mimeType = ct.mediaType;
    }
  }
  if (!isFilePart(mimeType, filename)) {
    addField(fields, name, content.toString("utf8"));
    return true;
  }
  // A browser sends an empty part with filename="" for "no file chosen": that is no file.
  if (content.length === 0 && filename === undefined) return true;
  const file = new UploadFile({ filename: uploadFilename(filename), contentType: mimeType, headers, size: content.length, memory: content });
  addField(fields, name, file);
  return true;
}
