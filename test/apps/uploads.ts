import { createHash } from "node:crypto";
import fs from "node:fs";
import { Router, Spikard, UploadFile, type Body, type ServerConfig } from "spikard";

export interface FileUpload {
  file: UploadFile;
  description: string;
}

export interface Gallery {
  files: UploadFile[];
  album: string;
}

export interface MaybeFile {
  note: string;
  file?: UploadFile;
}

export interface Avatar {
  image: UploadFile<"image/png" | "image/jpeg">;
}

export interface CheckedPng {
  image: UploadFile<"image/png", true>;
}

export const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** multipart/form-data bodies with files. */
export function buildUploadsApp(config: ServerConfig = {}): Spikard {
  const app = new Spikard(config);

  app.post("/upload", (form: Body<FileUpload>) => ({
    filename: form.file.filename,
    size: form.file.size,
    contentType: form.file.contentType,
    description: form.description,
    content: form.file.read().toString("utf8"),
  }));

  // Every way of reading the content, each from a fresh position where the API has one.
  app.post("/upload/read-modes", async (form: Body<FileUpload>) => {
    const { file } = form;
    const read = file.read().toString("utf8");
    file.seek(0);
    const aread = (await file.aread()).toString("utf8");
    const afterRead = file.read().length;
    return { read, aread, afterRead, asBuffer: file.asBuffer().toString("utf8"), text: file.text(), isBuffer: Buffer.isBuffer(file.asBuffer()) };
  });

  // Python-file semantics: one position shared by read/seek/write, size grows on write past the end.
  app.post("/upload/seek", async (form: Body<FileUpload>) => {
    const { file } = form;
    const head = file.read(5).toString();
    const rest = file.read(3).toString();
    const atStart = file.seek(0);
    const again = file.read(2).toString();
    const fromCurrent = file.seek(2, 1);
    const afterRelative = file.read(1).toString();
    const fromEnd = await file.aseek(-3, 2);
    const tail = (await file.aread()).toString();
    const pastEnd = file.read(10).length;
    file.seek(0);
    const written = file.write("HELLO");
    const positionAfterWrite = file.seek(0, 1);
    file.seek(0, 2);
    file.write("!!");
    const sizeAfterAppend = file.size;
    file.close();
    file.seek(0);
    const afterClose = file.read().toString();
    return { head, rest, atStart, again, fromCurrent, afterRelative, fromEnd, tail, pastEnd, written, positionAfterWrite, sizeAfterAppend, afterClose, asBuffer: file.asBuffer().toString() };
  });

  app.post("/upload/many", (form: Body<Gallery>) => ({
    album: form.album,
    files: form.files.map((f) => ({ filename: f.filename, size: f.size, contentType: f.contentType, content: f.text() })),
  }));

  app.post("/upload/optional", (form: Body<MaybeFile>) => ({
    note: form.note,
    hasFile: form.file !== undefined,
    filename: form.file?.filename ?? null,
  }));

  app.post("/upload/avatar", (form: Body<Avatar>) => ({ filename: form.image.filename, contentType: form.image.contentType, size: form.image.size }));

  app.post("/upload/png", (form: Body<CheckedPng>) => ({ filename: form.image.filename, size: form.image.size }));

  // Spooling: where the content lives, and that it arrived intact.
  app.post("/upload/spool", async (form: Body<FileUpload>) => ({
    size: form.file.size,
    rolledToDisk: form.file.rolledToDisk,
    description: form.description,
    sha256: sha256(await form.file.aread()),
  }));

  return app;
}

/**
 * The uploads app spooling above 1 KiB into `uploadDir`, plus /observed/* routes
 * whose preValidation hook records the upload dir's content while the request is
 * in flight (after the body arrived, before validation and the handler).
 */
export function buildSpoolApp(uploadDir: string, seen: string[][], config: ServerConfig = {}): Spikard {
  const app = buildUploadsApp({ uploadSpoolThreshold: 1024, uploadDir, ...config });
  const observed = new Router({ prefix: "/observed" });
  observed.preValidation(() => {
    seen.push(fs.readdirSync(uploadDir));
  });
  observed.post("/spool", (form: Body<FileUpload>) => ({ size: form.file.size, rolledToDisk: form.file.rolledToDisk, description: form.description }));
  app.includeRouter(observed);
  return app;
}
