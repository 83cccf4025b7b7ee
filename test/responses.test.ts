import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Response, Spikard, StreamingResponse } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildResponsesApp, EVENTS, PETS, SHAPES } from "./apps/responses";

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
      // As its GET: chunked, with no length (not a Content-Length of 0 for a body that is not empty).
      expect((await client.get("/stream/ndjson")).headers["transfer-encoding"]).toBe("chunked");
      expect(res.headers["transfer-encoding"]).toBe("chunked");
      expect(res.headers["content-length"]).toBeUndefined();
    });

    it("keeps a stream's declared Content-Length, on GET and on HEAD", async () => {
      const get = (await client.get("/stream/sized")).assertStatusOk();
      expect(get.text()).toBe("hello world");
      expect(get.headers["content-length"]).toBe("11");
      const head = (await client.head("/stream/sized")).assertStatusOk();
      expect(head.headers["content-length"]).toBe("11");
      expect(head.headers["transfer-encoding"]).toBeUndefined();
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

    it("serializes unions of objects member by member, by shape and by tag", async () => {
      expect((await client.get("/shapes")).assertStatusOk().text()).toBe(JSON.stringify(SHAPES));
      expect((await client.get("/pets")).assertStatusOk().text()).toBe(JSON.stringify(PETS));
    });

    it("sends 204 without a body", async () => {
      const res = await client.delete("/response/empty");
      res.assertStatus(204);
      expect(res.bytes().length).toBe(0);
      expect(res.headers["content-type"]).toBeUndefined();
    });
  });
});

describe("a StreamingResponse that declares its Content-Length, on a real socket", () => {
  // 24 MiB: far more than the socket buffers, so the length-framed writes meet backpressure and resume.
  const big = path.join(dir, "big.bin");
  const BIG = randomBytes(24 * 1024 * 1024 + 7);
  fs.writeFileSync(big, BIG);
  const logged: unknown[] = [];
  const app = new Spikard({ logger: { error: (...a: unknown[]) => void logged.push(a), warn() {}, info() {} } });
  app.get("/download", () => new StreamingResponse(fs.createReadStream(big), { mediaType: "application/octet-stream", headers: { "Content-Length": String(BIG.length) } }));
  app.get("/framed-by-hand", () => new Response({ content: "body", headers: { "Transfer-Encoding": "chunked" } }));
  app.get("/stream-framed-by-hand", () => new StreamingResponse(["a", "b"], { mediaType: "text/plain", headers: { "Transfer-Encoding": "chunked" } }));
  app.get("/empty", () => new StreamingResponse([], { mediaType: "text/plain", headers: { "content-length": "0" } }));
  app.get("/short", () => new StreamingResponse(["only eleven"], { mediaType: "text/plain", headers: { "content-length": "20" } }));
  app.get("/long", () => new StreamingResponse(["hello ", "world"], { mediaType: "text/plain", headers: { "content-length": "5" } }));
  app.get("/fails", () => {
    async function* rows() {
      yield "row 1\n";
      throw new Error("database went away");
    }
    return new StreamingResponse(rows(), { mediaType: "text/plain" });
  });
  const server = new LiveTestClient(app);
  afterAll(() => server.close());

  /** Raw GET: the status, headers, bytes, and whether the connection ended before the declared length arrived. */
  const get = async (pathname: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; complete: boolean }> => {
    const url = new URL(pathname, await server.start());
    return new Promise((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path: url.pathname }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        const done = (): void => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete });
        res.on("end", done);
        res.on("error", done);
        res.on("aborted", done);
      });
      req.on("error", () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false }));
    });
  };

  it("sends the body framed by that length, not chunked, byte for byte", async () => {
    const res = await get("/download");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(BIG.length));
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(res.complete).toBe(true);
    expect(createHash("sha256").update(res.body).digest("hex")).toBe(createHash("sha256").update(BIG).digest("hex"));
  });

  it("leaves framing to the server when a handler sets Transfer-Encoding itself", async () => {
    const plain = await get("/framed-by-hand");
    expect([plain.status, plain.headers["content-length"], plain.headers["transfer-encoding"], plain.body.toString()]).toEqual([200, "4", undefined, "body"]);
    const streamed = await get("/stream-framed-by-hand");
    expect([streamed.status, streamed.headers["transfer-encoding"], streamed.body.toString(), streamed.complete]).toEqual([200, "chunked", "ab", true]);
    const inProcess = new TestClient(app);
    expect((await inProcess.get("/framed-by-hand")).headers).toMatchObject({ "content-length": "4" });
    expect((await inProcess.get("/framed-by-hand")).headers["transfer-encoding"]).toBeUndefined();
    expect((await inProcess.get("/stream-framed-by-hand")).headers["transfer-encoding"]).toBe("chunked");
  });

  it("ends a stream that declared a length of 0", async () => {
    const res = await get("/empty");
    expect([res.status, res.headers["content-length"], res.complete, res.body.length]).toEqual([200, "0", true, 0]);
  });

  it("drops the connection and logs when the stream is shorter or longer than declared", async () => {
    for (const pathname of ["/short", "/long"]) {
      const res = await get(pathname);
      expect(res.complete, pathname).toBe(false);
    }
    expect(logged.map((a) => String((a as unknown[])[1]))).toEqual([
      expect.stringContaining("ended after 11 of its declared 20 bytes"),
      expect.stringContaining("produced more than its declared Content-Length of 5 bytes"),
    ]);
  });

  it("does not present a stream that failed midway as complete (chunked: no terminating chunk)", async () => {
    logged.length = 0;
    // The connection is dropped: the client sees an error, or at most the rows before the failure, never a complete body.
    const res = await get("/fails");
    expect(res.complete).toBe(false);
    expect(["", "row 1\n"]).toContain(res.body.toString());
    expect(String((logged[0] as unknown[])[1])).toContain("database went away");
  });

  it("fails the request, over either client, when the connection is dropped", async () => {
    await expect(server.get("/fails")).rejects.toThrow();
    await expect(new TestClient(app).get("/fails")).rejects.toThrow(/dropped the connection after a 200 response started/);
    await expect(new TestClient(app).get("/short")).rejects.toThrow(/dropped the connection/);
    expect((await new TestClient(app).get("/download")).bytes().length).toBe(BIG.length);
  });
});

describe("a Date header set by a handler", () => {
  const HANDLER_DATE = "Mon, 01 Jan 2024 00:00:00 GMT";
  const build = (): Spikard => {
    const app = new Spikard();
    app.get("/response", () => new Response({ content: "x", headers: { Date: HANDLER_DATE, "x-kept": "1" } }));
    app.get("/stream", () => new StreamingResponse(["a", "b"], { mediaType: "text/plain", headers: { date: HANDLER_DATE, "x-kept": "1" } }));
    return app;
  };
  const server = new LiveTestClient(build());
  afterAll(() => server.close());

  /** The raw header lines named `name`, as they arrived on the socket. */
  const rawValues = async (pathname: string, name: string): Promise<string[]> => {
    const url = new URL(pathname, await server.start());
    return new Promise((resolve, reject) => {
      http
        .get({ host: url.hostname, port: url.port, path: url.pathname }, (res) => {
          const values: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === name) values.push(res.rawHeaders[i + 1]!);
          res.resume();
          res.on("end", () => resolve(values));
        })
        .on("error", reject);
    });
  };

  it.each(["/response", "/stream"])("%s: only the server's Date goes on the wire (the field may appear once)", async (pathname) => {
    const dates = await rawValues(pathname, "date");
    expect(dates).toHaveLength(1);
    expect(dates[0]).not.toBe(HANDLER_DATE);
    expect(Math.abs(Date.parse(dates[0]!) - Date.now())).toBeLessThan(60_000);
    expect(await rawValues(pathname, "x-kept")).toEqual(["1"]);
  });

  it.each(["/response", "/stream"])("%s: TestClient drops it as the socket does", async (pathname) => {
    const res = await new TestClient(build()).get(pathname);
    expect(res.headers.date).toBeUndefined();
    expect(res.headers["x-kept"]).toBe("1");
  });
});
