import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import busboy from "busboy";
import { Rejection } from "../http-errors";
import { addField } from "./parts";
import { UploadFile } from "./upload-file";

export interface UploadOptions {
  /** Files larger than this many bytes are written to `dir` while they stream in. */
  spoolThreshold: number;
  /** Where spooled files go. */
  dir: string;
}

/**
 * Streams a multipart body through busboy into a record of fields: text parts
 * as strings, file parts as UploadFile (repeated names become arrays). Memory
 * stays bounded: a file past the spool threshold goes to disk, and while the
 * disk falls behind, busboy (and through `write`'s promise, the socket) pauses.
 */
/** The disk failed while spooling (missing or unwritable upload dir, disk full): a server fault, not the client's. */
class StorageError extends Error {
  constructor(readonly cause: unknown) {
    super("upload storage failed");
  }
}

export class MultipartCollector {
  private readonly parser: busboy.Busboy;
  private readonly fields: Record<string, unknown> = Object.create(null);
  private readonly files: UploadFile[] = [];
  private readonly pending: Array<Promise<void>> = [];
  /** Every spool file with the stream writing it; removed once that stream has closed. */
  private readonly spools: Array<{ stream: fs.WriteStream; path: string }> = [];
  private disposed = false;
  private failure: unknown;
  private readonly closed: Promise<void>;

  constructor(contentType: string, private readonly options: UploadOptions) {
    this.parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8" });
    this.parser.on("field", (name, value) => this.add(name, value));
    this.parser.on("file", (name, stream, info) => {
      const received = this.receive(name, stream, info);
      // Awaited by end(); after an abort nobody does, and a storage error then must not become an unhandled rejection.
      received.catch(() => undefined);
      this.pending.push(received);
    });
    this.closed = new Promise((resolve, reject) => {
      this.parser.on("close", resolve);
      this.parser.on("error", (err: unknown) => {
        this.failure = err;
        reject(err);
      });
    });
    this.closed.catch(() => undefined);
  }

  /** Feeds a chunk; the returned promise (when any) resolves once the parser can take more. */
  write(chunk: Buffer): void | Promise<void> {
    if (this.failure !== undefined) throw this.malformed(this.failure);
    if (this.parser.write(chunk)) return undefined;
    return new Promise((resolve) => this.parser.once("drain", resolve));
  }

  /** Ends the body; resolves with the collected fields once every file is stored. */
  async end(): Promise<Record<string, unknown>> {
    this.parser.end();
    try {
      await this.closed;
      await Promise.all(this.pending);
    } catch (err) {
      // A storage failure answers 500 (logged, no paths in the response); anything else is the client's malformed body.
      if (err instanceof StorageError) throw err.cause;
      throw this.malformed(err);
    }
    return this.fields;
  }

  /** Removes every temporary file (after the response, or when the request failed or was aborted). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const f of this.files) f.dispose();
    for (const { stream, path: p } of this.spools) {
      const remove = (): void => fs.rm(p, { force: true }, () => undefined);
      // A stream still opening or writing would recreate or keep the file: remove it once the stream has closed.
      if (stream.closed) remove();
      else {
        stream.once("close", remove);
        stream.destroy();
      }
    }
  }

  private malformed(err: unknown): Rejection {
    const message = err instanceof Error ? err.message : String(err);
    return new Rejection("MULTIPART_PARSE", message);
  }

  private add(name: string, value: unknown): void {
    addField(this.fields, name, value);
  }

  private receive(name: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, info: busboy.FileInfo): Promise<void> {
    const { spoolThreshold, dir } = this.options;
    const headers: Array<[string, string]> = [
      ["content-disposition", `form-data; name="${name}"${info.filename !== undefined ? `; filename="${info.filename}"` : ""}`],
      ["content-type", info.mimeType],
    ];
    return new Promise<void>((resolve, reject) => {
      let chunks: Buffer[] = [];
      let size = 0;
      let disk: fs.WriteStream | undefined;
      let diskPath: string | undefined;
      let failed = false;
      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        reject(err instanceof Rejection ? err : new StorageError(err));
        // Keep draining the part so busboy reaches the end of the body and the request can be answered.
        stream.resume();
      };
      stream.on("data", (chunk: Buffer) => {
        if (failed || this.disposed) return;
        size += chunk.length;
        if (disk === undefined && size > spoolThreshold) {
          diskPath = path.join(dir, `spikard-upload-${randomBytes(12).toString("hex")}`);
          disk = fs.createWriteStream(diskPath);
          this.spools.push({ stream: disk, path: diskPath });
          disk.on("error", fail);
          for (const c of chunks) disk.write(c);
          chunks = [];
        }
        if (disk === undefined) chunks.push(chunk);
        else if (!disk.write(chunk)) {
          stream.pause();
          disk.once("drain", () => stream.resume());
        }
      });
      stream.on("error", (err: unknown) => {
        failed = true;
        reject(err);
      });
      stream.on("end", () => {
        if (failed) return;
        const done = (file: UploadFile | undefined): void => {
          if (file !== undefined) {
            this.files.push(file);
            this.add(name, file);
            if (this.disposed) file.dispose();
          }
          resolve();
        };
        const base = { filename: info.filename ?? "", contentType: info.mimeType || "application/octet-stream", headers, size };
        // A browser sends an empty part with filename="" for "no file chosen": that is no file.
        if (size === 0 && !info.filename) return done(undefined);
        if (disk === undefined) return done(new UploadFile({ ...base, memory: Buffer.concat(chunks, size) }));
        const d = disk;
        d.end((err?: Error | null) => {
          if (err) return fail(err);
          if (!failed) done(new UploadFile({ ...base, path: diskPath! }));
        });
      });
    });
  }
}
