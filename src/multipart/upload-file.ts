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
  /**
   * @internal Read position and where the bytes are. A plain property: a module WeakMap costs an
   * ephemeron entry per upload that only a full GC clears (at 55k uploads/s: a full GC every
   * ~0.7 s and a young generation grown to its limit), and #private fields are listed by the
   * checker as properties validators would demand. `unknown` keeps validators from descending
   * into it where JSDoc (and so `@internal`) is not parsed; non-enumerable, so strict
   * (no extra properties) bodies do not count it either.
   */
  declare private readonly _state: unknown;


  /** @internal Built by the multipart parser. */
  constructor(init: { filename: string; contentType: string; headers: Array<[string, string]>; size: number; memory?: Buffer; path?: string }) {
    this.filename = init.filename;
    this.contentType = init.contentType;
    this.headers = init.headers;
    this.size = init.size;
    const state: FileState = { memory: init.memory, path: init.path, fd: undefined, position: 0 };
    Object.defineProperty(this, "_state", { value: state });
    this.rolledToDisk = init.path !== undefined;
  }

  /** Reads up to `size` bytes from the current position (all remaining when negative or omitted). */
  read(size = -1): Buffer {
    const s = st(this);
    const n = count(this, size);
    let out: Buffer;
    if (s.memory !== undefined) out = Buffer.from(s.memory.subarray(s.position, s.position + n));
    else {
      out = Buffer.alloc(n);
      const read = fs.readSync(openFd(this), out, 0, n, s.position);
      out = out.subarray(0, read);
    }
    s.position += out.length;
    return out;
  }

  async aread(size = -1): Promise<Buffer> {
    const s = st(this);
    if (s.memory !== undefined) return this.read(size);
    const n = count(this, size);
    const out = Buffer.alloc(n);
    const handle = await fs.promises.open(s.path!, "r");
    try {
      const { bytesRead } = await handle.read(out, 0, n, s.position);
      s.position += bytesRead;
      return out.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** Writes at the current position (overwriting, extending the file past its end). Returns bytes written. */
  write(data: string | Uint8Array): number {
    const s = st(this);
    const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (s.memory !== undefined) {
      const end = s.position + buf.length;
      if (end > s.memory.length) {
        const grown = Buffer.alloc(end);
        s.memory.copy(grown);
        s.memory = grown;
      }
      buf.copy(s.memory, s.position);
    } else {
      fs.writeSync(openFd(this), buf, 0, buf.length, s.position);
    }
    s.position += buf.length;
    this.size = Math.max(this.size, s.position);
    return buf.length;
  }

  async awrite(data: string | Uint8Array): Promise<number> {
    return this.write(data);
  }

  /** Moves the position: `whence` 0 = from start, 1 = from current, 2 = from end. Returns the new position. */
  seek(offset: number, whence: 0 | 1 | 2 = 0): number {
    const s = st(this);
    const base = whence === 0 ? 0 : whence === 1 ? s.position : this.size;
    s.position = Math.max(0, base + offset);
    return s.position;
  }

  async aseek(offset: number, whence: 0 | 1 | 2 = 0): Promise<number> {
    return this.seek(offset, whence);
  }

  /** Releases the open descriptor (the temporary file is removed after the response). */
  close(): void {
    const s = st(this);
    if (s.fd !== undefined) {
      fs.closeSync(s.fd);
      s.fd = undefined;
    }
  }

  async aclose(): Promise<void> {
    this.close();
  }

  /** The whole content (the seed's `as_bytes_io`). */
  asBuffer(): Buffer {
    const s = st(this);
    return s.memory !== undefined ? Buffer.from(s.memory) : fs.readFileSync(s.path!);
  }

  /** The first `n` bytes, without moving the position. */
  peek(n: number): Buffer {
    const s = st(this);
    if (s.memory !== undefined) return Buffer.from(s.memory.subarray(0, n));
    const out = Buffer.alloc(Math.min(n, this.size));
    const read = fs.readSync(openFd(this), out, 0, out.length, 0);
    return out.subarray(0, read);
  }

  /** The content as text. */
  text(encoding: BufferEncoding = "utf8"): string {
    return this.asBuffer().toString(encoding);
  }

  /** A Node Readable over the content, from the start. */
  stream(): Readable {
    const s = st(this);
    return s.memory !== undefined ? Readable.from([Buffer.from(s.memory)]) : fs.createReadStream(s.path!);
  }

  /** @internal Removes the temporary file. */
  dispose(): void {
    const s = st(this);
    this.close();
    if (s.path !== undefined) {
      fs.rm(s.path, { force: true }, () => undefined);
      s.path = undefined;
    }
    s.memory = undefined;
  }

}

interface FileState {
  memory: Buffer | undefined;
  path: string | undefined;
  fd: number | undefined;
  position: number;
}

function st(file: UploadFile): FileState {
  return (file as unknown as { _state: FileState })._state;
}

function count(file: UploadFile, size: number): number {
  const remaining = Math.max(0, file.size - st(file).position);
  return size < 0 ? remaining : Math.min(size, remaining);
}

function openFd(file: UploadFile): number {
  const s = st(file);
  return (s.fd ??= fs.openSync(s.path!, "r+"));
}
