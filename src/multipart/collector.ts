import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import busboy from "busboy";
import { Rejection } from "../http-errors";
import { addField } from "./parts";
import { DEFAULT_MULTIPART_LIMITS, multipartLimitError, PartTally, type ResolvedMultipartLimits } from "./limits";
import { PartScanner } from "./part-scanner";
import { UploadFile } from "./upload-file";
import { parseContentType } from "../http/content-type";

export interface UploadOptions {
  /** Files larger than this many bytes are written to `dir` while they stream in. */
  spoolThreshold: number;
  /** Where spooled files go. */
  dir: string;
  /** Parts, fields, files, field and part-header sizes accepted (413 beyond). Default DEFAULT_MULTIPART_LIMITS. */
  limits?: ResolvedMultipartLimits;
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
  /** Undefined when busboy refused the Content-Type itself: every write then answers 400. */
  private readonly parser: busboy.Busboy | undefined;
  private readonly scanner: PartScanner | undefined;
  private readonly fields: Record<string, unknown> = Object.create(null);
  private readonly files: UploadFile[] = [];
  private readonly pending: Array<Promise<void>> = [];
  /** Every spool file with the stream writing it; removed once that stream has closed. */
  private readonly spools: Array<{ stream: fs.WriteStream; path: string }> = [];
  private disposed = false;
  private failure: unknown;
  private readonly closed: Promise<void>;

  constructor(contentType: string, private readonly options: UploadOptions) {
    const limits = options.limits ?? DEFAULT_MULTIPART_LIMITS;
    let parser: busboy.Busboy | undefined;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        // Backstops for parts the scanner cannot classify; one byte over the field size, because busboy marks a field
        // that reaches its limit exactly as truncated.
        limits: { fields: limits.maxFields, files: limits.maxFiles, fieldSize: limits.maxFieldSize + 1 },
      });
    } catch (err) {
      // A Content-Type busboy cannot read (the constructor throws): the client's malformed request, answered 400.
      this.failure = err;
    }
    this.parser = parser;
    const boundary = parseContentType(contentType)?.params.boundary;
    this.scanner = boundary ? new PartScanner(boundary, new PartTally(limits)) : undefined;
    if (parser === undefined) {
      this.closed = Promise.reject(this.failure);
      this.closed.catch(() => undefined);
      return;
    }
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) return this.fail(multipartLimitError("bytes in one field", limits.maxFieldSize));
      this.add(name, value);
    });
    parser.on("fieldsLimit", () => this.fail(multipartLimitError("fields", limits.maxFields)));
    parser.on("filesLimit", () => this.fail(multipartLimitError("files", limits.maxFiles)));
    parser.on("file", (name, stream, info) => {
      const received = this.receive(name, stream, info);
      // Awaited by end(); after an abort nobody does, and a storage error then must not become an unhandled rejection.
      received.catch(() => undefined);
      this.pending.push(received);
    });
    this.closed = new Promise((resolve, reject) => {
      parser.on("close", resolve);
      parser.on("error", (err: unknown) => {
        this.failure ??= err;
        reject(this.failure);
      });
    });
    this.closed.catch(() => undefined);
  }

  /** Feeds a chunk; the returned promise (when any) resolves once the parser can take more. */
  write(chunk: Buffer): void | Promise<void> {
    if (this.failure !== undefined) throw this.malformed(this.failure);
    // Limits first: a chunk that passes one is not parsed at all.
    try {
      this.scanner?.push(chunk);
    } catch (err) {
      this.fail(err);
      throw err;
    }
    const parser = this.parser!;
    const more = parser.write(chunk);
    // A limit busboy itself reported while parsing this chunk.
    if (this.failure !== undefined) throw this.malformed(this.failure);
    if (more) return undefined;
    return new Promise((resolve) => parser.once("drain", resolve));
  }

  /** Ends the body; resolves with the collected fields once every file is stored. */
  async end(): Promise<Record<string, unknown>> {
    if (this.failure !== undefined) throw this.malformed(this.failure);
    this.parser!.end();
    try {
      await this.closed;
      await Promise.all(this.pending);
      if (this.failure !== undefined) throw this.failure;
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

  /** The body cannot be accepted (a limit, a malformed part): nothing more is parsed. */
  private fail(err: unknown): void {
    this.failure ??= err;
  }

  private malformed(err: unknown): Rejection {
    if (err instanceof Rejection) return err;
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
