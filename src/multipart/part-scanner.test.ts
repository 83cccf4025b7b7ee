import os from "node:os";
import { describe, expect, it } from "vitest";
import { Rejection } from "../http-errors";
import { parseBufferedMultipart } from "./buffered";
import { MultipartCollector } from "./collector";
import { resolveMultipartLimits, type MultipartLimits } from "./limits";
import { UploadFile } from "./upload-file";

// The limits hold however the body is cut into chunks, and the buffered parser either gives the
// collector's result or leaves the body to it: one answer per body, whichever parser runs.

const B = "lim1t";
const field = (name: string, value: string): string => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
const file = (name: string, content: string, filename = "f.bin"): string => `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}`;
const bodyOf = (parts: string[]): Buffer => Buffer.from(parts.map((p) => `--${B}\r\n${p}\r\n`).join("") + `--${B}--\r\n`, "latin1");
const body = (...parts: string[]): Buffer => bodyOf(parts);

type Outcome = { ok: unknown } | { status: number; body: unknown };

function observable(fields: Record<string, unknown>): unknown {
  const one = (v: unknown): unknown => (v instanceof UploadFile ? { file: v.filename, size: v.size } : v);
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.map(one) : one(v)]));
}

async function collect(buf: Buffer, limits: MultipartLimits, chunk: number): Promise<Outcome> {
  const c = new MultipartCollector(`multipart/form-data; boundary=${B}`, { spoolThreshold: 1 << 20, dir: os.tmpdir(), limits: resolveMultipartLimits(limits) });
  try {
    for (let i = 0; i < buf.length; i += chunk) await c.write(buf.subarray(i, i + chunk));
    return { ok: observable(await c.end()) };
  } catch (err) {
    if (err instanceof Rejection) return { status: err.status, body: JSON.parse(err.payload.body ?? "null") as unknown };
    throw err;
  } finally {
    c.dispose();
  }
}

const CHUNKS = [1, 2, 3, 5, 8, 13, 64, 1000, 1 << 20];

async function outcomes(buf: Buffer, limits: MultipartLimits): Promise<Outcome> {
  const all = await Promise.all(CHUNKS.map((n) => collect(buf, limits, n)));
  for (const o of all) expect(o).toEqual(all[0]);
  const fast = parseBufferedMultipart(buf, B, resolveMultipartLimits(limits));
  if (fast !== undefined) expect({ ok: observable(fast) }).toEqual(all[0]);
  return all[0]!;
}

const tooLarge = (message: string): Outcome => ({ status: 413, body: { error: "Payload Too Large", message } });

describe("multipart limits, streamed in any chunking and buffered", () => {
  it("accepts a body exactly at every limit", async () => {
    const limits = { maxParts: 4, maxFields: 2, maxFiles: 2, maxFieldSize: 5 };
    expect(await outcomes(body(field("a", "12345"), field("b", "x"), file("f", "zz"), file("g", "")), limits)).toEqual({
      ok: { a: "12345", b: "x", f: { file: "f.bin", size: 2 }, g: { file: "f.bin", size: 0 } },
    });
  });

  it("refuses one part too many", async () => {
    expect(await outcomes(body(field("a", "1"), field("b", "2"), field("c", "3")), { maxParts: 2 })).toEqual(tooLarge("Multipart body exceeds the limit of 2 parts"));
  });

  it("counts parts without a disposition too", async () => {
    expect(await outcomes(body("X-Other: 1\r\n\r\nskip", field("a", "1")), { maxParts: 1 })).toEqual(tooLarge("Multipart body exceeds the limit of 1 parts"));
  });

  it("refuses one field too many", async () => {
    expect(await outcomes(body(field("a", "1"), field("b", "2"), field("c", "3"), file("f", "x")), { maxFields: 2 })).toEqual(tooLarge("Multipart body exceeds the limit of 2 fields"));
  });

  it("refuses one file too many, counting 'no file chosen' parts", async () => {
    const none = 'Content-Disposition: form-data; name="e"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n';
    expect(await outcomes(body(file("f", "x"), none, field("a", "1")), { maxFiles: 1 })).toEqual(tooLarge("Multipart body exceeds the limit of 1 files"));
  });

  it("refuses a field one byte over its size, and does not truncate it", async () => {
    expect(await outcomes(body(field("a", "123456")), { maxFieldSize: 5 })).toEqual(tooLarge("Multipart body exceeds the limit of 5 bytes in one field"));
    expect(await outcomes(body(field("a", "x".repeat(3000))), { maxFieldSize: 2999 })).toEqual(tooLarge("Multipart body exceeds the limit of 2999 bytes in one field"));
  });

  it("does not apply the field size to files", async () => {
    expect(await outcomes(body(file("f", "x".repeat(100))), { maxFieldSize: 5 })).toEqual({ ok: { f: { file: "f.bin", size: 100 } } });
  });

  it("refuses a field busboy must read (filename*, folded, encoded) past its size through busboy's own limit", async () => {
    const encoded = "Content-Disposition: form-data; name*=UTF-8''na%C3%AFve\r\n\r\n123456";
    expect(await outcomes(body(encoded), { maxFieldSize: 5 })).toEqual(tooLarge("Multipart body exceeds the limit of 5 bytes in one field"));
  });

  it("refuses a part header block over its size, even one that never ends", async () => {
    const long = `Content-Disposition: form-data; name="a"\r\nX-Pad: ${"p".repeat(200)}\r\n\r\nv`;
    expect(await outcomes(body(long), { maxPartHeaderSize: 100 })).toEqual(tooLarge("Multipart body exceeds the limit of 100 bytes in one part's headers"));
    const endless = Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: ${"p".repeat(5000)}`, "latin1");
    expect(await outcomes(endless, { maxPartHeaderSize: 1000 })).toEqual(tooLarge("Multipart body exceeds the limit of 1000 bytes in one part's headers"));
  });

  it("counts a header block of exactly its size as within it", async () => {
    const head = 'Content-Disposition: form-data; name="a"';
    // The lines, their CRLF and the blank line's CRLF.
    const size = head.length + 4;
    expect(await outcomes(body(`${head}\r\n\r\nv`), { maxPartHeaderSize: size })).toEqual({ ok: { a: "v" } });
    expect(await outcomes(body(`${head}\r\n\r\nv`), { maxPartHeaderSize: size - 1 })).toEqual(tooLarge(`Multipart body exceeds the limit of ${size - 1} bytes in one part's headers`));
  });

  it("reads delimiter-like content, a preamble and an epilogue without counting them", async () => {
    const buf = Buffer.concat([Buffer.from("preamble --lim1t- no\r\n"), body(field("a", `x\r\n--lim1 y --${B}z`)), Buffer.from("epilogue\r\n--lim1t\r\nContent-Disposition: form-data; name=\"late\"\r\n\r\nno")]);
    expect(await outcomes(buf, { maxParts: 1, maxFields: 1 })).toEqual({ ok: { a: `x\r\n--lim1 y --${B}z` } });
  });

  it("stops a body of 300 000 fields at the first field past the limit", async () => {
    const many = bodyOf(Array.from({ length: 300_000 }, (_, i) => field(`f${i}`, "v")));
    const started = performance.now();
    expect(await collect(many, {}, 64 * 1024)).toEqual(tooLarge("Multipart body exceeds the limit of 1000 fields"));
    expect(parseBufferedMultipart(many, B)).toBeUndefined();
    // Generous: the whole body takes busboy seconds; the first 1001 fields take milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
