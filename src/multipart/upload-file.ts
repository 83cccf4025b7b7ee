import fs from "node:fs";
import { Readable } from "node:stream";

/**
 * A file from a multipart request, as the seed's UploadFile. Content up to the
 * spool threshold lives in memory; larger files were written to a temporary
 * file while the request streamed in (`rolledToDisk`). The temporary file is
 * removed after the response, also when validation fails or the client aborts.
 *
 * Sync (`read`, `write`, `seek`, `close`) and async (`aread`, ...) variants
 * share one position, like Python's file objects.
 *
 * Type arguments constrain the part, checked before the handler runs (422 at
 * `loc: ["files", field]`): `UploadFile<"image/png" | "image/jpeg">` accepts only
 * those content types; `UploadFile<"image/png", true>` also checks the
 * content's magic numbers agree with the declared type (and rejects empty files).
 * @spikardUpload
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export class UploadFile<Accept extends string = string, CheckContent extends boolean = false> {
  /** The client's file name. */
  readonly filename: string;
  /** The part's Content-Type (application/octet-stream when the client sent none). */
  readonly contentType: string;
  /** The part's headers, lower-case names, in the order sent. */
  readonly headers: Array<[string, string]>;
  /** Size in bytes. */
  size: number;
  /** True when the content was spooled to a temporary file. */
  rolledToDisk: boolean;

  #memory: Buffer | undefined;
  #path: string | undefined;
  #fd: number | undefined;
  #position = 0;

  /** @internal Built by the multipart parser. */
  constructor(init: { filename: string; contentType: string; headers: Array<[string, string]>; size: number; memory?: Buffer; path?: string }) {
    this.filename = init.filename;
    this.contentType = init.contentType;
    this.headers = init.headers;
    this.size = init.size;
    this.#memory = init.memory;
    this.#path = init.path;
    this.rolledToDisk = init.path !== undefined;
  }

  /** Reads up to `size` bytes from the current position (all remaining when negative or omitted). */
  read(size = -1): Buffer {
    const n = this.#count(size);
    let out: Buffer;
    if (this.#memory !== undefined) out = Buffer.from(this.#memory.subarray(this.#position, this.#position + n));
    else {
      out = Buffer.alloc(n);
      const read = fs.readSync(this.#open(), out, 0, n, this.#position);
      out = out.subarray(0, read);
    }
    this.#position += out.length;
    return out;
  }

  async aread(size = -1): Promise<Buffer> {
    if (this.#memory !== undefined) return this.read(size);
    const n = this.#count(size);
    const out = Buffer.alloc(n);
    const handle = await fs.promises.open(this.#path!, "r");
    try {
      const { bytesRead } = await handle.read(out, 0, n, this.#position);
      this.#position += bytesRead;
      return out.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** Writes at the current position (overwriting, extending the file past its end). Returns bytes written. */
  write(data: string | Uint8Array): number {
    const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.#memory !== undefined) {
      const end = this.#position + buf.length;
      if (end > this.#memory.length) {
        const grown = Buffer.alloc(end);
        this.#memory.copy(grown);
        this.#memory = grown;
      }
      buf.copy(this.#memory, this.#position);
    } else {
      fs.writeSync(this.#open(), buf, 0, buf.length, this.#position);
    }
    this.#position += buf.length;
    this.size = Math.max(this.size, this.#position);
    return buf.length;
  }

  async awrite(data: string | Uint8Array): Promise<number> {
    return this.write(data);
  }

  /** Moves the position: `whence` 0 = from start, 1 = from current, 2 = from end. Returns the new position. */
  seek(offset: number, whence: 0 | 1 | 2 = 0): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.#position : this.size;
    this.#position = Math.max(0, base + offset);
    return this.#position;
  }

  async aseek(offset: number, whence: 0 | 1 | 2 = 0): Promise<number> {
    return this.seek(offset, whence);
  }

  /** Releases the open descriptor (the temporary file is removed after the response). */
  close(): void {
    if (this.#fd !== undefined) {
      fs.closeSync(this.#fd);
      this.#fd = undefined;
    }
  }

  async aclose(): Promise<void> {
    this.close();
  }

  /** The whole content (the seed's `as_bytes_io`). */
  asBuffer(): Buffer {
    return this.#memory !== undefined ? Buffer.from(this.#memory) : fs.readFileSync(this.#path!);
  }

  /** The first `n` bytes, without moving the position. */
  peek(n: number): Buffer {
    if (this.#memory !== undefined) return Buffer.from(this.#memory.subarray(0, n));
    const out = Buffer.alloc(Math.min(n, this.size));
    const read = fs.readSync(this.#open(), out, 0, out.length, 0);
    return out.subarray(0, read);
  }

  /** The content as text. */
  text(encoding: BufferEncoding = "utf8"): string {
    return this.asBuffer().toString(encoding);
  }

  /** A Node Readable over the content, from the start. */
  stream(): Readable {
    return this.#memory !== undefined ? Readable.from([Buffer.from(this.#memory)]) : fs.createReadStream(this.#path!);
  }

  /** @internal Removes the temporary file. */
  dispose(): void {
    this.close();
    if (this.#path !== undefined) {
      fs.rm(this.#path, { force: true }, () => undefined);
      this.#path = undefined;
    }
    this.#memory = undefined;
  }

  #count(size: number): number {
    const remaining = Math.max(0, this.size - this.#position);
    return size < 0 ? remaining : Math.min(size, remaining);
  }

  #open(): number {
    return (this.#fd ??= fs.openSync(this.#path!, "r+"));
  }
}
