import { Rejection } from "../http-errors";
import { addField, uploadFilename } from "./parts";
import { DEFAULT_MULTIPART_LIMITS, PartTally, type ResolvedMultipartLimits } from "./limits";
import { readPartHead } from "./part-head";
import { UploadFile } from "./upload-file";

// Searched as latin1 strings: Buffer.indexOf takes them as they are, where a Buffer per
// request (the boundary differs per client) would churn the Buffer pool at every upload.
const HEADER_END = "\r\n\r\n";

/**
 * Parses a whole, already-buffered multipart body into fields and in-memory
 * files, or returns undefined when the body is anything but the plain form
 * every client sends (a preamble, folded or encoded headers, `filename*`, a
 * non-UTF-8 charset, a missing closing delimiter): busboy then parses it.
 * A body past one of `limits` (counted as the streaming collector counts,
 * PartTally) stops the parse there and is left to the collector too, whose
 * scanner answers the 413 at the same point: one code path decides it.
 *
 * Written by hand because busboy's streaming machinery (a stream per part,
 * events, Streamsearch) costs more than the request for small uploads; here
 * it is a few Buffer.indexOf calls. Only used for bodies below the spool
 * threshold, so nothing it returns needs a temporary file.
 */
export function parseBufferedMultipart(buf: Buffer, boundary: string, limits: ResolvedMultipartLimits = DEFAULT_MULTIPART_LIMITS): Record<string, unknown> | undefined {
  try {
    return parse(buf, boundary, new PartTally(limits));
  } catch (err) {
    if (err instanceof Rejection) return undefined;
    throw err;
  }
}

function parse(buf: Buffer, boundary: string, tally: PartTally): Record<string, unknown> | undefined {
  const delimiter = `--${boundary}`;
  const between = `\r\n--${boundary}`;
  if (buf.indexOf(delimiter, 0, "latin1") !== 0) return undefined;
  const fields: Record<string, unknown> = Object.create(null);
  let pos = delimiter.length;
  for (;;) {
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) return fields; // "--": the closing delimiter; the epilogue is ignored
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) return undefined;
    tally.part();
    const headStart = pos + 2;
    // Searched from the delimiter line's own CRLF, so an empty header block ends at once, as in the streaming scanner.
    const headEnd = buf.indexOf(HEADER_END, pos, "latin1");
    if (headEnd === -1) {
      tally.headerSize(buf.length - headStart);
      return undefined;
    }
    tally.headerSize(headEnd + 4 - headStart);
    if (headEnd < headStart) return undefined;
    const contentEnd = buf.indexOf(between, headEnd + 4, "latin1");
    if (contentEnd === -1) return undefined;
    const head = readPartHead(buf, headStart, headEnd);
    if (head === undefined) return undefined;
    const content = buf.subarray(headEnd + 4, contentEnd);
    if (!head.isFile) {
      tally.field();
      tally.fieldSize(content.length);
      addField(fields, head.name, content.toString("utf8"));
    } else {
      tally.file();
      // A browser sends an empty part with filename="" for "no file chosen": that is no file.
      if (content.length > 0 || head.filename !== undefined) {
        addField(fields, head.name, new UploadFile({ filename: uploadFilename(head.filename), contentType: head.mimeType, headers: head.headers, size: content.length, memory: content }));
      }
    }
    pos = contentEnd + between.length;
  }
}
