import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import v8 from "node:v8";
import vm from "node:vm";

export const MIB = 1024 * 1024;

/**
 * A multipart/form-data body with one file part of `size` bytes, generated on
 * the fly while the socket takes it: one 64 KiB random block is reused (never
 * mutated), so the test's own memory stays flat however large the upload.
 */
export class StreamedMultipart {
  readonly boundary = `----spikard-big-${randomBytes(8).toString("hex")}`;
  readonly contentType = `multipart/form-data; boundary=${this.boundary}`;
  /** File bytes handed to the socket so far. */
  sent = 0;
  private readonly hash = createHash("sha256");
  private readonly head: Buffer;
  private readonly tail: Buffer;
  private readonly block = randomBytes(64 * 1024);

  constructor(
    readonly size: number,
    field = "file",
    filename = "big.bin",
  ) {
    this.head = Buffer.from(`--${this.boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    this.tail = Buffer.from(`\r\n--${this.boundary}--\r\n`);
  }

  get contentLength(): number {
    return this.head.length + this.size + this.tail.length;
  }

  /** SHA-256 of the file content sent so far (all of it, once the stream ended). */
  get sha256(): string {
    return this.hash.copy().digest("hex");
  }

  /**
   * The body, produced only as fast as it is read. With `stallAfter`, production stops (without
   * ending) once that many file bytes went out, so a test can abort mid-upload with no race against
   * the upload finishing first.
   */
  stream(stallAfter = Infinity): Readable {
    const parts = async function* (this: StreamedMultipart): AsyncGenerator<Buffer> {
      yield this.head;
      while (this.sent < this.size) {
        if (this.sent >= stallAfter) await new Promise(() => undefined);
        const left = this.size - this.sent;
        const chunk = left >= this.block.length ? this.block : this.block.subarray(0, left);
        this.hash.update(chunk);
        this.sent += chunk.length;
        yield chunk;
      }
      yield this.tail;
    };
    return Readable.from(parts.call(this), { objectMode: false, highWaterMark: 64 * 1024 });
  }
}

/** `global.gc` when node runs with --expose-gc, else V8's gc obtained at run time; undefined if neither works. */
export function getGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples process RSS every `everyMs` until stopped; `peak` is the largest sample. */
export function sampleRss(everyMs = 20): { stop(): number; readonly peak: number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}
