import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildUploadsApp } from "./apps/uploads";

// multipart/form-data bodies with files, over both clients. Spooling and size limits: upload-spooling.test.ts.


const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "spikard-uploads-")));
// Files above 1 KiB are spooled, so the file API is exercised on disk as well as in memory.
const build = (dir: string) => buildUploadsApp({ uploadSpoolThreshold: 1024, uploadDir: dir });
const live = new LiveTestClient(build(dirs[1]!));
afterAll(async () => {
  await live.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each([
  ["TestClient", new TestClient(build(dirs[0]!))],
  ["LiveTestClient", live],
] as const)("multipart uploads over %s", (_name, client) => {
  const text = (content: string, filename = "notes.txt") => ({ filename, content, contentType: "text/plain" });

  describe("a file with a text field", () => {
    it("gives the handler the file's name, size, type and content with the text fields", async () => {
      const res = (await client.post("/upload", { files: { file: text("hello world") }, form: { description: "greeting" } })).assertStatusOk();
      expect(res.json()).toEqual({ filename: "notes.txt", size: 11, contentType: "text/plain", description: "greeting", content: "hello world" });
    });

    it("reads the content through read(), aread(), asBuffer() and text()", async () => {
      const res = (await client.post("/upload/read-modes", { files: { file: text("héllo wörld") }, form: { description: "d" } })).assertStatusOk();
      expect(res.json()).toEqual({ read: "héllo wörld", aread: "héllo wörld", afterRead: 0, asBuffer: "héllo wörld", text: "héllo wörld", isBuffer: true });
    });

    it("answers 422 at ['body', 'file'] when the required file is missing", async () => {
      const res = await client.post("/upload", { files: {}, form: { description: "no file" } });
      res.assertStatus(422);
      expect(res.json()).toEqual({
        type: "https://spikard.dev/errors/validation-error",
        title: "Request Validation Failed",
        status: 422,
        detail: "1 validation error in request",
        errors: [{ type: "missing", loc: ["body", "file"], msg: "Field required", input: { description: "no file" } }],
      });
    });

    it("answers 422 at ['body', 'description'] when a required text field is missing", async () => {
      const res = await client.post("/upload", { files: { file: text("x") } });
      res.assertStatus(422);
      expect(res.json().errors).toEqual([{ type: "missing", loc: ["body", "description"], msg: "Field required", input: { file: expect.any(Object) } }]);
    });

    it("accepts only multipart for a body with files", async () => {
      for (const res of [await client.post("/upload", { json: { description: "d" } }), await client.post("/upload", { form: { description: "d" } })]) {
        res.assertStatus(415);
        expect(res.json().type).toBe("https://spikard.dev/errors/unsupported-media-type");
      }
    });

    it("answers 400 for a multipart Content-Type without boundary, or a truncated body", async () => {
      const noBoundary = await client.post("/upload", { body: "x", headers: { "content-type": "multipart/form-data" } });
      noBoundary.assertStatus(400);
      expect(noBoundary.json()).toEqual({ error: "multipart/form-data requires 'boundary' parameter" });
      const truncated = await client.post("/upload", {
        body: '--b\r\nContent-Disposition: form-data; name="description"\r\n\r\nunfinished',
        headers: { "content-type": "multipart/form-data; boundary=b" },
      });
      truncated.assertStatus(400);
      expect(truncated.json()).toEqual({ error: "Failed to parse multipart data: Unexpected end of form" });
    });
  });

  describe("file position semantics (seek/aseek, read/aread, write, close)", () => {
    /** What /upload/seek reports for `c` (see the handler for the sequence of calls). */
    const expected = (c: string) => ({
      head: c.slice(0, 5),
      rest: c.slice(5, 8),
      atStart: 0,
      again: c.slice(0, 2),
      fromCurrent: 4,
      afterRelative: c[4],
      fromEnd: c.length - 3,
      tail: c.slice(-3),
      pastEnd: 0,
      written: 5,
      positionAfterWrite: 5,
      sizeAfterAppend: c.length + 2,
      afterClose: `HELLO${c.slice(5)}!!`,
      asBuffer: `HELLO${c.slice(5)}!!`,
    });

    it("shares one position between sync and async calls, in memory", async () => {
      const content = "abcdefghijklmnop";
      const res = (await client.post("/upload/seek", { files: { file: text(content) }, form: { description: "d" } })).assertStatusOk();
      expect(res.json()).toEqual(expected(content));
    });

    it("behaves the same for a file spooled to disk", async () => {
      const content = "abcdefghijklmnop".repeat(100);
      const res = (await client.post("/upload/seek", { files: { file: text(content) }, form: { description: "d" } })).assertStatusOk();
      expect(res.json()).toEqual(expected(content));
    });
  });

  describe("several files and optional files", () => {
    it("collects a repeated file field into UploadFile[]", async () => {
      const files = [text("one", "a.txt"), { filename: "b.bin", content: new Uint8Array([1, 2, 3]) }];
      const res = (await client.post("/upload/many", { files: { files }, form: { album: "holiday" } })).assertStatusOk();
      expect(res.json()).toEqual({
        album: "holiday",
        files: [
          { filename: "a.txt", size: 3, contentType: "text/plain", content: "one" },
          { filename: "b.bin", size: 3, contentType: "application/octet-stream", content: "\u0001\u0002\u0003" },
        ],
      });
    });

    it("makes a one-element array of a single file for UploadFile[]", async () => {
      const res = (await client.post("/upload/many", { files: { files: [text("solo")] }, form: { album: "a" } })).assertStatusOk();
      expect(res.json().files).toEqual([{ filename: "notes.txt", size: 4, contentType: "text/plain", content: "solo" }]);
    });

    it("leaves an optional file undefined when absent, or sent as a browser's empty 'no file chosen' part", async () => {
      expect((await client.post("/upload/optional", { files: {}, form: { note: "n" } })).json()).toEqual({ note: "n", hasFile: false, filename: null });
      const noneChosen = await client.post("/upload/optional", { files: { file: { filename: "", content: "" } }, form: { note: "n" } });
      expect(noneChosen.json()).toEqual({ note: "n", hasFile: false, filename: null });
    });

    it("passes an optional file when present", async () => {
      const res = await client.post("/upload/optional", { files: { file: text("x", "opt.txt") }, form: { note: "n" } });
      expect(res.json()).toEqual({ note: "n", hasFile: true, filename: "opt.txt" });
    });
  });

  describe("UploadFile<Accept, CheckContent>", () => {
    it("accepts the listed content types", async () => {
      const png = await client.post("/upload/avatar", { files: { image: { filename: "a.png", content: PNG, contentType: "image/png" } } });
      expect(png.json()).toEqual({ filename: "a.png", contentType: "image/png", size: PNG.length });
      const jpeg = await client.post("/upload/avatar", { files: { image: { filename: "a.jpg", content: JPEG, contentType: "image/jpeg" } } });
      expect(jpeg.json()).toEqual({ filename: "a.jpg", contentType: "image/jpeg", size: JPEG.length });
    });

    it("rejects other content types at ['files', field]", async () => {
      const res = await client.post("/upload/avatar", { files: { image: text("not an image", "a.png") } });
      res.assertStatus(422);
      expect(res.json()).toEqual({
        type: "https://spikard.dev/errors/validation-error",
        title: "Request Validation Failed",
        status: 422,
        detail: "1 validation error in request",
        errors: [{ type: "validation_error", loc: ["files", "image"], msg: "Invalid content type 'text/plain'. Allowed types: image/png, image/jpeg" }],
      });
    });

    it("accepts a PNG whose magic numbers agree", async () => {
      const res = await client.post("/upload/png", { files: { image: { filename: "ok.png", content: PNG, contentType: "image/png" } } });
      expect(res.json()).toEqual({ filename: "ok.png", size: PNG.length });
    });

    it("rejects PNG-declared content that is really a JPEG", async () => {
      const res = await client.post("/upload/png", { files: { image: { filename: "fake.png", content: JPEG, contentType: "image/png" } } });
      res.assertStatus(422);
      expect(res.json().errors).toEqual([
        {
          type: "validation_error",
          loc: ["files", "image"],
          msg: "File type mismatch: MIME type is image/png but magic numbers indicate image/jpeg",
          ctx: { declared_mime: "image/png", detected_type: "image/jpeg", magic_bytes: JPEG.subarray(0, 8).toString("hex") },
        },
      ]);
    });

    it("rejects an empty file when content is checked", async () => {
      const res = await client.post("/upload/png", { files: { image: { filename: "empty.png", content: "", contentType: "image/png" } } });
      res.assertStatus(422);
      expect(res.json().errors).toEqual([{ type: "validation_error", loc: ["files", "image"], msg: "File buffer is empty", ctx: { buffer_size: 0 } }]);
    });
  });
});
