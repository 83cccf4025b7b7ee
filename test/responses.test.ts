import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildResponsesApp, EVENTS } from "./apps/responses";

// Response bodies: StreamingResponse over every source kind, and Response with every content kind.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-responses-"));
const streamFile = path.join(dir, "payload.bin");
// Several read-stream chunks (64 KiB each), and not a multiple of the chunk size.
const FILE_CONTENT = randomBytes(300_001);
fs.writeFileSync(streamFile, FILE_CONTENT);

const live = new LiveTestClient(buildResponsesApp(streamFile));
afterAll(async () => {
  await live.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ["TestClient", new TestClient(buildResponsesApp(streamFile))],
  ["LiveTestClient", live],
] as const)("responses over %s", (_name, client) => {
  describe("StreamingResponse", () => {
    it("streams NDJSON from an async generator, chunked", async () => {
      const res = (await client.get("/stream/ndjson")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/x-ndjson");
      expect(res.headers["transfer-encoding"]).toBe("chunked");
      expect(res.headers["content-length"]).toBeUndefined();
      const lines = res.text().split("\n");
      expect(lines.pop()).toBe("");
      expect(lines.map((l) => JSON.parse(l))).toEqual(EVENTS);
    });

    it("streams a sync iterable of strings and bytes, skipping empty chunks, with custom headers", async () => {
      const res = (await client.get("/stream/sync")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("text/csv");
      expect(res.headers["x-stream"]).toBe("sync");
      expect(res.text()).toBe("alpha,beta,gamma");
    });

    it("streams a file through fs.createReadStream byte for byte", async () => {
      const res = (await client.get("/stream/file")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/octet-stream");
      expect(res.bytes().length).toBe(FILE_CONTENT.length);
      expect(res.bytes().equals(FILE_CONTENT)).toBe(true);
    });

    it("streams a Readable with the status it was given", async () => {
      const res = await client.get("/stream/readable");
      res.assertStatus(202);
      expect(res.headers["content-type"]).toBe("text/plain");
      expect(res.text()).toBe("r1\nr2\n");
    });

    it("answers HEAD for a streamed GET with headers and no body", async () => {
      const res = await client.head("/stream/ndjson");
      res.assertStatus(200);
      expect(res.headers["content-type"]).toBe("application/x-ndjson");
      expect(res.bytes().length).toBe(0);
    });
  });

  describe("Response", () => {
    it("sends Uint8Array content as application/octet-stream", async () => {
      const res = (await client.get("/response/bytes")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/octet-stream");
      expect(res.headers["content-length"]).toBe("5");
      expect([...res.bytes()]).toEqual([0, 1, 2, 254, 255]);
    });

    it("sends string content as text/plain; charset=utf-8", async () => {
      const res = (await client.get("/response/text")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(res.text()).toBe("plain words");
    });

    it("sends object content as JSON", async () => {
      const res = (await client.get("/response/object")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.text()).toBe('{"ok":true,"list":[1,2]}');
    });

    it("lets mediaType override the content kind's type", async () => {
      const res = (await client.get("/response/svg")).assertStatusOk();
      expect(res.headers["content-type"]).toBe("image/svg+xml");
      expect(res.text()).toBe("<svg/>");
    });

    it("answers with the handler's status code, headers and cookies", async () => {
      const res = await client.post("/response/created", { json: { id: 7, kind: "created" } });
      res.assertStatus(201);
      expect(res.headers.location).toBe("/events/7");
      expect(res.headers["x-request-kind"]).toBe("created");
      expect(res.headerValues("set-cookie")).toEqual(["last=7; Path=/; HttpOnly"]);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json()).toEqual({ id: 7, kind: "created" });
    });

    it("serializes typed numbers exactly as JSON.stringify does (non-finite as null)", async () => {
      const res = await client.get("/numbers");
      res.assertStatusOk();
      const expected = { int: 42, neg: -7, frac: 0.1 + 0.2, big: 1e21, tiny: 5e-7, negZero: -0, nan: NaN, inf: -Infinity, list: [1, 2.5, NaN], nested: { n: 3 } };
      expect(res.text()).toBe(JSON.stringify(expected));
    });

    it("sends 204 without a body", async () => {
      const res = await client.delete("/response/empty");
      res.assertStatus(204);
      expect(res.bytes().length).toBe(0);
      expect(res.headers["content-type"]).toBeUndefined();
    });
  });
});
