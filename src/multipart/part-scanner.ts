import type { PartTally } from "./limits";
import { readPartHead } from "./part-head";

const HEADER_END = Buffer.from("\r\n\r\n", "latin1");
const CRLF = Buffer.from("\r\n", "latin1");

const enum State {
  /** In a preamble or a part's content, looking for the next delimiter. */
  Content,
  /** Just after a delimiter: "--" ends the body, CRLF starts a part. */
  AfterDelimiter,
  /** In a part's header block. */
  Head,
  /** After the closing delimiter. */
  Done,
}

/**
 * Walks a streamed multipart body beside busboy, only to hold it to the
 * limits as the bytes arrive: busboy tells neither how large a part's header
 * block is nor when a text field passes a size (it truncates it silently and
 * reports that at the field's end), and a count reached mid-chunk should stop
 * the parse before busboy works through the rest of it.
 *
 * Finds delimiters with Buffer.indexOf (native) and keeps only what may
 * straddle the next chunk: a partial delimiter, or a header block (bounded by
 * the header limit). Parts are classified with the buffered parser's rules
 * (readPartHead); one it cannot read is counted as a part and left to busboy's
 * own field and file limits.
 */
export class PartScanner {
  private readonly delimiter: Buffer;
  private state = State.Content;
  /** Unprocessed bytes from the previous chunk. Starts as the CRLF busboy also assumes before the first delimiter. */
  private pending: Buffer = CRLF;
  /** Bytes of the current part's content so far, when it is a text field; -1 otherwise. */
  private fieldBytes = -1;

  constructor(
    boundary: string,
    private readonly tally: PartTally,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
  }

  /** Throws the limit's 413 (a Rejection) when this chunk passes one. */
  push(chunk: Buffer): void {
    if (this.state === State.Done) return;
    let buf = chunk;
    let pos = 0;
    const carried = this.pending;
    this.pending = EMPTY;
    if (carried.length > 0 && this.state === State.Content && chunk.length >= this.delimiter.length) {
      // Content is the common case (a file's bytes): rather than copy the chunk behind the carried bytes, only a
      // delimiter straddling the two is looked for, in a window of the carried bytes and the chunk's first few.
      const window = Buffer.concat([carried, chunk.subarray(0, this.delimiter.length - 1)]);
      const at = window.indexOf(this.delimiter);
      if (at === -1) this.content(carried.length);
      else {
        this.content(at);
        this.fieldBytes = -1;
        pos = at + this.delimiter.length - carried.length;
        this.state = State.AfterDelimiter;
      }
    } else if (carried.length > 0) {
      // A chunk too short to hold a delimiter, a few bytes after one, or one header block (bounded by its limit).
      buf = Buffer.concat([carried, chunk]);
    }
    while (pos < buf.length) {
      switch (this.state) {
        case State.Content: {
          const at = buf.indexOf(this.delimiter, pos);
          if (at === -1) {
            // Keep what could be the start of a delimiter; the rest is content.
            const keep = Math.min(buf.length - pos, this.delimiter.length - 1);
            this.content(buf.length - keep - pos);
            this.pending = Buffer.from(buf.subarray(buf.length - keep));
            return;
          }
          this.content(at - pos);
          this.fieldBytes = -1;
          pos = at + this.delimiter.length;
          this.state = State.AfterDelimiter;
          break;
        }
        case State.AfterDelimiter: {
          if (buf.length - pos < 2) {
            this.pending = Buffer.from(buf.subarray(pos));
            return;
          }
          if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) {
            this.state = State.Done;
            return;
          }
          if (buf[pos] === 0x0d && buf[pos + 1] === 0x0a) {
            this.tally.part();
            // The header block is searched from this CRLF, so an empty one ends at once.
            this.state = State.Head;
          } else {
            // busboy ends the part here and ignores what follows until the next delimiter.
            this.state = State.Content;
          }
          break;
        }
        case State.Head: {
          // `pos` is at the delimiter line's CRLF; the header lines start after it.
          const end = buf.indexOf(HEADER_END, pos);
          if (end === -1) {
            this.tally.headerSize(buf.length - pos - 2);
            this.pending = Buffer.from(buf.subarray(pos));
            return;
          }
          const start = pos + 2;
          this.tally.headerSize(end + 4 - start);
          const head = end >= start ? readPartHead(buf, start, end) : undefined;
          if (head !== undefined) {
            if (head.isFile) this.tally.file();
            else {
              this.tally.field();
              this.fieldBytes = 0;
            }
          }
          pos = end + 4;
          this.state = State.Content;
          break;
        }
        default:
          return;
      }
    }
  }

  private content(n: number): void {
    if (this.fieldBytes === -1 || n === 0) return;
    this.fieldBytes += n;
    this.tally.fieldSize(this.fieldBytes);
  }
}

const EMPTY = Buffer.alloc(0);
