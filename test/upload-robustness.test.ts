import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, type LiveTestClient } from "spikard/testing";
import { buildBigUploadApp } from "./apps/big-uploads";
import { alive, BigUploadServers } from "./support/compile-app";
import { paced, postStream, within, type Posted } from "./support/http-helpers";
import { MIB, StreamedMultipart } from "./support/streamed-multipart";

// Failures while a multipart body streams in must be answered, never take the server down.
// Against the app in its own process, as in production: there an exception or an unhandled
// rejection ends the process, where in this one the test runner would catch it.

const TIMEOUT = 120_000;
const servers = new BigUploadServers();
afterAll(() => servers.close());

/** A multipart body whose first part header is malformed, sent in pieces a little apart (a slow client). */
function malformedInPieces(): Readable {
  const pieces = ["--b\r\nNot A Header Line\r\n\r\n", "data that follows the broken header", "\r\n--b--\r\n"];
  return Readable.from(
    (async function* () {
      for (const p of pieces) {
        yield Buffer.from(p);
        await new Promise((r) => setTimeout(r, 100));
      }
    })(),
    { objectMode: false },
  );
}

const MALFORMED_ANSWER = { error: "Failed to parse multipart data: Malformed part header" };

describe("a malformed part header", () => {
  it("is answered 400 by the in-process pipeline (TestClient)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-robust-"));
    try {
      // Larger than TestClient's 64 KiB chunks, so more body arrives after the parser failed.
      const body = Buffer.concat([Buffer.from("--b\r\nNot A Header Line\r\n\r\n"), Buffer.alloc(200 * 1024, 0x61), Buffer.from("\r\n--b--\r\n")]);
      const res = await new TestClient(buildBigUploadApp(dir)).post("/big", { body, headers: { "content-type": "multipart/form-data; boundary=b" } });
      res.assertStatus(400);
      expect(res.json()).toEqual(MALFORMED_ANSWER);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on a real socket, with more body arriving after it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-robust-"));
    let child: LiveTestClient;
    beforeAll(async () => {
      child = await servers.start(dir);
    }, TIMEOUT);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    // The parser rejects the bytes inside the socket's data callback; that must answer 400, not end the process.
    it(
      "is answered 400 and the server keeps serving",
      async () => {
        const base = await child.url;
        const res = await within(
          postStream(base, "/big", { "content-type": "multipart/form-data; boundary=b", "transfer-encoding": "chunked" }, malformedInPieces()).catch(
            (err: Error): Posted => ({ status: 0, body: `request failed: ${err.message}` }),
          ),
          10_000,
          { status: 0, body: "no answer within 10 s" },
        );
        await new Promise((r) => setTimeout(r, 200));
        expect(alive(child), `server died:\n${child.output}`).toEqual({ exitCode: null, signal: null });
        expect(res.status, res.body).toBe(400);
        expect(JSON.parse(res.body)).toEqual(MALFORMED_ANSWER);
        (await child.get("/health")).assertStatusOk();
      },
      TIMEOUT,
    );
  });
});

describe("a spool directory that cannot be written", () => {
  const missing = path.join(os.tmpdir(), `spikard-no-such-dir-${process.pid}-${Date.now()}`, "uploads");
  let child: LiveTestClient;
  beforeAll(async () => {
    child = await servers.start(missing);
  }, TIMEOUT);

  // A spool file that cannot be opened is a server fault: answered, logged, and the process keeps serving.
  it(
    "answers a 5xx without internals and keeps serving",
    async () => {
      const base = await child.url;
      const upload = new StreamedMultipart(8 * MIB);
      const res = await within(
        postStream(base, "/big", { "content-type": upload.contentType, "content-length": String(upload.contentLength) }, paced(upload.stream(), 2)).catch(
          (err: Error): Posted => ({ status: 0, body: `request failed: ${err.message}` }),
        ),
        10_000,
        { status: 0, body: "no answer within 10 s" },
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(child), `server died:\n${child.output}`).toEqual({ exitCode: null, signal: null });
      expect(res.status, res.body).toBeGreaterThanOrEqual(500);
      expect(res.status, res.body).toBeLessThan(600);
      expect(res.body).not.toContain(missing);
      (await child.get("/health")).assertStatusOk();
    },
    TIMEOUT,
  );
});
