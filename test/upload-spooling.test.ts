import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildSpoolApp, sha256 } from "./apps/uploads";

// Where uploaded files live (memory below uploadSpoolThreshold, a temp file in uploadDir above it),
// that temp files never outlive their request, and the multipart size limit (maxUploadSize).


const MAX_UPLOAD = 16 * 1024;
const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "spikard-spool-"));
const dirs = { TestClient: newDir(), LiveTestClient: newDir() };
const seen = { TestClient: [] as string[][], LiveTestClient: [] as string[][] };
/** Same app with a small maxUploadSize (and its own upload dir). */
const limitedDirs = { TestClient: newDir(), LiveTestClient: newDir() };
const limited = (name: keyof typeof dirs) => buildSpoolApp(limitedDirs[name], [], { maxUploadSize: MAX_UPLOAD });

const live = new LiveTestClient(buildSpoolApp(dirs.LiveTestClient, seen.LiveTestClient));
const liveLimited = new LiveTestClient(limited("LiveTestClient"));
afterAll(async () => {
  await live.close();
  await liveLimited.close();
  for (const d of [...Object.values(dirs), ...Object.values(limitedDirs)]) fs.rmSync(d, { recursive: true, force: true });
});

/** Temp files are removed asynchronously after the response: poll briefly. */
async function settledListing(dir: string, timeoutMs = 2_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let names = fs.readdirSync(dir);
  while (names.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    names = fs.readdirSync(dir);
  }
  return names;
}

const SPOOLED = /^spikard-upload-[0-9a-f]{24}$/;

describe.each([
  ["TestClient", new TestClient(buildSpoolApp(dirs.TestClient, seen.TestClient)), new TestClient(limited("TestClient"))],
  ["LiveTestClient", live, liveLimited],
] as const)("upload storage over %s (uploadSpoolThreshold: 1024)", (name, client, small) => {
  const dir = dirs[name];
  const observed = seen[name];
  const bin = (content: Buffer) => ({ filename: "data.bin", content, contentType: "application/octet-stream" });
  beforeEach(async () => {
    observed.length = 0;
    // The previous test's files are removed after its response, asynchronously: a listing taken while the
    // next request is in flight must not see them (on a loaded machine the removal can trail the answer).
    expect(await settledListing(dir)).toEqual([]);
  });

  describe("spooling", () => {
    it("keeps a 100 B file in memory and spools a 4 KiB file to disk, intact either way", async () => {
      for (const [size, rolledToDisk] of [[100, false], [4096, true]] as const) {
        const content = randomBytes(size);
        const res = (await client.post("/upload/spool", { files: { file: bin(content) }, form: { description: `${size}` } })).assertStatusOk();
        expect(res.json()).toEqual({ size, rolledToDisk, description: `${size}`, sha256: sha256(content) });
      }
    });

    it("spools only above the threshold: 1024 B stays in memory, 1025 B goes to disk", async () => {
      const at = await client.post("/upload/spool", { files: { file: bin(Buffer.alloc(1024, 1)) }, form: { description: "at" } });
      expect(at.json().rolledToDisk).toBe(false);
      const above = await client.post("/upload/spool", { files: { file: bin(Buffer.alloc(1025, 1)) }, form: { description: "above" } });
      expect(above.json().rolledToDisk).toBe(true);
    });

    it("writes the spooled file into uploadDir while the request is in flight, and removes it after the response", async () => {
      const res = await client.post("/observed/spool", { files: { file: bin(randomBytes(4096)) }, form: { description: "d" } });
      expect(res.statusCode).not.toBe(500);
      expect(observed).toHaveLength(1);
      expect(observed[0]).toHaveLength(1);
      expect(observed[0]![0]).toMatch(SPOOLED);
      expect(await settledListing(dir)).toEqual([]);
    });

    it("keeps files below the threshold out of uploadDir", async () => {
      await client.post("/observed/spool", { files: { file: bin(randomBytes(100)) }, form: { description: "d" } });
      expect(observed).toEqual([[]]);
    });

    it("removes the spooled file when validation fails", async () => {
      // The text field `description` is missing.
      const res = await client.post("/observed/spool", { files: { file: bin(randomBytes(4096)) } });
      res.assertStatus(422);
      expect(res.json().errors).toContainEqual({ type: "missing", loc: ["body", "description"], msg: "Field required", input: expect.any(Object) });
      expect(observed[0]).toEqual([expect.stringMatching(SPOOLED)]);
      expect(await settledListing(dir)).toEqual([]);
    });

    it("removes every spooled file of a request with several", async () => {
      const files = [bin(randomBytes(2000)), bin(randomBytes(3000))];
      await client.post("/observed/spool", { files: { file: files }, form: { description: "two" } });
      expect(observed[0]).toHaveLength(2);
      expect(await settledListing(dir)).toEqual([]);
    });

    it("removes the spooled file after a successful response (route without hooks)", async () => {
      const res = (await client.post("/upload/spool", { files: { file: bin(randomBytes(4096)) }, form: { description: "d" } })).assertStatusOk();
      expect(res.json().rolledToDisk).toBe(true);
      expect(await settledListing(dir)).toEqual([]);
    });
  });

  describe(`maxUploadSize (${MAX_UPLOAD} bytes)`, () => {
    // Below TestClient's 64 KiB chunk size: the limit applies to bytes sent, not to whole chunks.
    it("accepts a multipart body below maxUploadSize, above the spool threshold", async () => {
      const note = "n".repeat(4096);
      const res = await small.post("/upload/optional", { files: {}, form: { note } });
      res.assertStatusOk();
      expect(res.json()).toEqual({ note, hasFile: false, filename: null });
    });

    it("accepts a small multipart body", async () => {
      const res = await small.post("/upload/optional", { files: {}, form: { note: "small" } });
      res.assertStatusOk();
      expect(res.json()).toEqual({ note: "small", hasFile: false, filename: null });
    });

    it("answers 413 for a multipart body over maxUploadSize and leaves nothing in uploadDir", async () => {
      const res = await small.post("/upload/spool", { files: { file: bin(randomBytes(MAX_UPLOAD * 2)) }, form: { description: "big" } });
      res.assertStatus(413);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json()).toEqual({ error: "Payload Too Large", message: `Request body size exceeds maximum allowed size of ${MAX_UPLOAD} bytes` });
      expect(await settledListing(limitedDirs[name])).toEqual([]);
    });

    it("does not apply the JSON limit (maxBodySize) to multipart bodies", async () => {
      const big = buildSpoolApp(newDir(), [], { maxBodySize: 1024, maxUploadSize: 1024 * 1024 });
      const other = name === "TestClient" ? new TestClient(big) : new LiveTestClient(big);
      try {
        const res = await other.post("/upload/optional", { files: {}, form: { note: "x".repeat(4096) } });
        expect(res.statusCode).toBe(200);
        expect(res.json().note).toHaveLength(4096);
      } finally {
        if (other instanceof LiveTestClient) await other.close();
        fs.rmSync(big.config.uploadDir, { recursive: true, force: true });
      }
    });
  });
});

describe("maxUploadSize on a real socket, without Content-Length", () => {
  it("stops a chunked multipart body at the limit and removes its partial spool file", async () => {
    const url = new URL("/upload/spool", await liveLimited.start());
    const boundary = "spool-limit";
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nd\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ...Array.from({ length: 8 }, () => "x".repeat(4096)),
      `\r\n--${boundary}--\r\n`,
    ];
    let duringUpload: string[] = [];
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => resolve({ status: r.statusCode!, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", reject);
      void (async () => {
        for (const [i, p] of parts.entries()) {
          if (req.destroyed) return;
          req.write(p);
          await new Promise((r) => setTimeout(r, 10));
          // 8 KiB in: below the limit, above the spool threshold.
          if (i === 2) duringUpload = fs.readdirSync(limitedDirs.LiveTestClient);
        }
        req.end();
      })();
    });
    expect(duringUpload).toEqual([expect.stringMatching(SPOOLED)]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: "Payload Too Large", message: `Request body size exceeds maximum allowed size of ${MAX_UPLOAD} bytes` });
    expect(await settledListing(limitedDirs.LiveTestClient)).toEqual([]);
  });
});
