import os from "node:os";
import { describe, expect, it } from "vitest";
import { parseBufferedMultipart } from "./buffered";
import { MultipartCollector } from "./collector";
import { UploadFile } from "./upload-file";

const B = "----formBoundary7MA4";

function body(...parts: string[]): Buffer {
  return Buffer.from(parts.map((p) => `--${B}\r\n${p}\r\n`).join("") + `--${B}--\r\n`, "utf8");
}

/** Fields with files flattened to what a handler can observe. */
function observable(fields: Record<string, unknown>): unknown {
  const one = (v: unknown): unknown =>
    v instanceof UploadFile ? { filename: v.filename, contentType: v.contentType, size: v.size, content: v.asBuffer().toString("latin1") } : v;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.map(one) : one(v)]));
}

async function viaBusboy(buf: Buffer): Promise<unknown> {
  const c = new MultipartCollector(`multipart/form-data; boundary=${B}`, { spoolThreshold: 1 << 20, dir: os.tmpdir() });
  await c.write(buf);
  const fields = await c.end();
  const out = observable(fields);
  c.dispose();
  return out;
}

describe("parseBufferedMultipart", () => {
  const cases: Array<[string, Buffer]> = [
    ["text fields", body('Content-Disposition: form-data; name="a"\r\n\r\none', 'Content-Disposition: form-data; name="b"\r\n\r\ntwo lines\r\nhere')],
    ["repeated names become arrays", body('Content-Disposition: form-data; name="tag"\r\n\r\nx', 'Content-Disposition: form-data; name="tag"\r\n\r\ny', 'Content-Disposition: form-data; name="tag"\r\n\r\nz')],
    ["a file with its type", body('Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello')],
    ["a file without a type is text/plain", body('Content-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n\u0000\u0001')],
    ["an octet-stream part without filename is a file", body('Content-Disposition: form-data; name="blob"\r\nContent-Type: application/octet-stream\r\n\r\nraw')],
    ["'no file chosen' is no file", body('Content-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n')],
    ["an empty filename on a text part is a field", body('Content-Disposition: form-data; name="f"; filename=""\r\n\r\nv')],
    ["paths are cut from filenames", body('Content-Disposition: form-data; name="file"; filename="C:\\\\x\\\\..\\\\evil.txt"\r\n\r\nz'.replace(/\\\\/g, "/"))],
    ["unicode names and values", body('Content-Disposition: form-data; name="naïve"; filename="résumé.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF', 'Content-Disposition: form-data; name="note"\r\n\r\nçà')],
    ["case-insensitive header names and disposition", body('content-disposition: Form-Data; NAME="x"\r\nCONTENT-TYPE: Text/CSV\r\n\r\na,b')],
    ["token (unquoted) parameters", body("Content-Disposition: form-data; name=plain; filename=data.csv\r\nContent-Type: text/csv\r\n\r\n1,2")],
    ["content containing the boundary text without CRLF", body(`Content-Disposition: form-data; name="a"\r\n\r\nx--${B}y`)],
  ];

  it.each(cases)("%s: same result as busboy", async (_name, buf) => {
    const fast = parseBufferedMultipart(buf, B);
    expect(fast).toBeDefined();
    expect(observable(fast!)).toEqual(await viaBusboy(buf));
  });

  it("drops parts named like prototype keys, as busboy's collector does", async () => {
    const buf = body('Content-Disposition: form-data; name="__proto__"\r\n\r\nx', 'Content-Disposition: form-data; name="constructor"\r\n\r\ny', 'Content-Disposition: form-data; name="a"\r\n\r\nz');
    expect(observable(parseBufferedMultipart(buf, B)!)).toEqual({ a: "z" });
    expect(await viaBusboy(buf)).toEqual({ a: "z" });
  });

  it("keeps the part headers as sent", () => {
    const fields = parseBufferedMultipart(body('Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\nX-Checksum: abc'.concat("\r\n\r\nhi")), B)!;
    expect((fields.f as UploadFile).headers).toEqual([
      ["content-disposition", 'form-data; name="f"; filename="a.txt"'],
      ["content-type", "text/plain"],
      ["x-checksum", "abc"],
    ]);
  });

  it("reads a value with colons and an HTAB, and a name of any token characters", () => {
    const fields = parseBufferedMultipart(body('Content-Disposition: form-data; name="f"; filename="a.txt"\r\nX-Odd_Name.~1: at 10:30\tUTC: ok \u00e9'.concat("\r\n\r\nhi")), B)!;
    expect((fields.f as UploadFile).headers).toEqual([
      ["content-disposition", 'form-data; name="f"; filename="a.txt"'],
      ["x-odd_name.~1", "at 10:30\tUTC: ok \u00e9"],
    ]);
  });

  it.each([
    ["a preamble", Buffer.concat([Buffer.from("preamble\r\n"), body('Content-Disposition: form-data; name="a"\r\n\r\none')])],
    ["RFC 5987 filename*", body("Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%E2%82%AC.txt\r\n\r\nx")],
    ["escaped quotes", body('Content-Disposition: form-data; name="a\\"b"\r\n\r\nx')],
    ["a non-UTF-8 charset", body('Content-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n\u00e9')],
    ["folded headers", body('Content-Disposition: form-data;\r\n name="a"\r\n\r\nx')],
    ["a part without a name", body("Content-Disposition: form-data\r\n\r\nx")],
    ["a missing closing delimiter", Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished`)],
    ["another disposition type", body('Content-Disposition: attachment; name="a"\r\n\r\nx')],
    ["a NUL in a filename (busboy refuses the header)", body('Content-Disposition: form-data; name="f"; filename="a\u0000b"\r\n\r\nx')],
    ["a DEL in another header", body('Content-Disposition: form-data; name="f"\r\nX-A: a\u007fb\r\n\r\nx')],
    ["a header name that is not a token", body('Content Disposition: form-data; name="f"\r\n\r\nx')],
    ["a space before the colon", body('Content-Disposition : form-data; name="f"\r\n\r\nx')],
    ["an empty header block", body("\r\nx")],
    ["a bare CR inside a header line", body('Content-Disposition: form-data; name="f"\rX-A: b\r\n\r\nx')],
    ["a bare LF inside a header line", body('Content-Disposition: form-data; name="f"\nX-A: b\r\n\r\nx')],
    ["a CR ending the last header line", body('Content-Disposition: form-data; name="f"\r\r\n\r\nx')],
    ["an LF starting the header block", body('\nContent-Disposition: form-data; name="f"\r\n\r\nx')],
    ["a non-ASCII letter in a header name", body('Content-Disposition: form-data; name="f"\r\nX-\u00e9: b\r\n\r\nx')],
  ])("leaves %s to busboy", (_name, buf) => {
    expect(parseBufferedMultipart(buf, B)).toBeUndefined();
  });
});

describe("MultipartCollector", () => {
  it("answers 400 for a Content-Type busboy cannot read, never throwing from its constructor", async () => {
    const c = new MultipartCollector("multipart/form-data; x; boundary=b", { spoolThreshold: 1 << 20, dir: os.tmpdir() });
    expect(() => c.write(Buffer.from("--b\r\n"))).toThrow(expect.objectContaining({ status: 400 }));
    await expect(c.end()).rejects.toMatchObject({ status: 400, payload: { body: JSON.stringify({ error: "Failed to parse multipart data: Malformed content type" }) } });
    c.dispose();
  });
});
