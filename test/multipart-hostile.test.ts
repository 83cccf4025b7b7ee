import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerConfig } from "spikard";
import { TestClient, type LiveTestClient } from "spikard/testing";
import { buildGuardedApp } from "./apps/guarded";
import { GuardedServers } from "./support/guarded-child";
import { rawRequest } from "./support/raw-socket";

// Issue 14, item 12: a malformed multipart Content-Type answers 400 (it answered 500, logged as
// an unhandled error), and a control byte in a part header (a NUL in a filename) gets the same
// answer from the in-memory parser as from the streaming one: 400, as busboy and Spikard's
// multer refuse such a header.

const TIMEOUT = 120_000;
const servers = new GuardedServers();
afterAll(() => servers.close());

const part = (disposition: string, content: string): Buffer =>
  Buffer.from(`--XyZ\r\nContent-Disposition: ${disposition}\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--XyZ--\r\n`, "latin1");

const MALFORMED_TYPES = ["multipart/form-data; x; boundary=XyZ", "multipart/form-data; boundary=XyZ;", "multipart/form-data;; boundary=XyZ", 'multipart/form-data; boundary="XyZ', "multipart/form-data; boundary=XyZ; boundary=Other", 'multipart/form-data; boundary="X\\yZ"'];
const CONTROL_BYTES = ["\u0000", "\r", "\u0001", "\u001f", "\u007f", "\n"];

// The in-memory parser takes bodies below the spool threshold; a 16-byte threshold sends every body through busboy.
const configs: Array<[string, ServerConfig]> = [
  ["the in-memory parser", {}],
  ["the streaming parser", { uploadSpoolThreshold: 16 }],
];

describe.each(configs)("multipart through %s", (_name, config) => {
  let child: LiveTestClient;
  let port: number;
  beforeAll(async () => {
    ({ client: child, port } = await servers.start(config));
  }, TIMEOUT);
  const inProcess = new TestClient(buildGuardedApp({ ...config, logger: { error: () => undefined, warn: () => undefined, info: () => undefined } }));

  it.each(MALFORMED_TYPES)("answers 400 to the Content-Type %j, on a socket and in-process", async (contentType) => {
    const body = part('form-data; name="file"; filename="a.txt"', "hello");
    const head = `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const answer = await rawRequest(port, Buffer.concat([Buffer.from(head, "latin1"), body]));
    expect(answer.statuses, answer.text).toEqual([400]);
    expect(answer.text).toContain('{"error":"Invalid Content-Type header"}');
    const res = await inProcess.post("/upload", { body, headers: { "content-type": contentType } });
    res.assertStatus(400);
    expect(res.json()).toEqual({ error: "Invalid Content-Type header" });
  });

  it("logs no unhandled error for them", () => {
    expect(child.output).not.toMatch(/unhandled|RangeError|TypeError|Malformed content type/i);
  });

  for (const where of ["filename", "name", "another header"] as const) {
    it.each(CONTROL_BYTES.map((c) => [JSON.stringify(c), c]))(`answers 400 to a control byte %s in a part's ${where}`, async (_label, c) => {
      const body =
        where === "filename"
          ? part(`form-data; name="file"; filename="a${c}b.txt"`, "hello")
          : where === "name"
            ? part(`form-data; name="fi${c}le"; filename="a.txt"`, "hello")
            : Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nX-Note: a${c}b\r\n\r\nhello\r\n--XyZ--\r\n`, "latin1");
      const head = `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
      const answer = await rawRequest(port, Buffer.concat([Buffer.from(head, "latin1"), body]));
      expect(answer.statuses, answer.text).toEqual([400]);
      expect(answer.text).toContain('{"error":"Failed to parse multipart data: Malformed part header"}');
      const res = await inProcess.post("/upload", { body, headers: { "content-type": "multipart/form-data; boundary=XyZ" } });
      res.assertStatus(400);
      expect(res.json()).toEqual({ error: "Failed to parse multipart data: Malformed part header" });
    });
  }

  it("accepts tabs and non-ASCII (UTF-8) in a filename", async () => {
    for (const filename of ["a\tb.txt", "r\u00e9sum\u00e9.pdf"]) {
      const body = Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n`, "utf8");
      const res = await inProcess.post("/upload", { body, headers: { "content-type": "multipart/form-data; boundary=XyZ" } });
      expect(res.json()).toMatchObject({ filename, size: 5 });
      const live = await child.post("/upload", { body, headers: { "content-type": "multipart/form-data; boundary=XyZ" } });
      expect(live.json()).toMatchObject({ filename, size: 5 });
    }
  });
});
