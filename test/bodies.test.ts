import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildBodiesApp, WEBHOOK_SECRET } from "./apps/bodies";

// JSON bodies, raw (bytes / text) bodies and the body size limit, over both clients.
// Url-encoded forms: forms.test.ts; multipart: uploads.test.ts.

const JSON_CT = { "content-type": "application/json" };
const UNSUPPORTED_MEDIA_TYPE = { type: "https://spikard.dev/errors/unsupported-media-type", title: "Unsupported Media Type", status: 415, detail: "Unsupported media type" };
const CLEAN_MERGE = { assignedProtoPolluted: false, globalPolluted: false, objectPrototypeX: false };

const live = new LiveTestClient(buildBodiesApp());
const liveShallow = new LiveTestClient(buildBodiesApp({ maxJsonDepth: 5, maxBodySize: 1024 }));
afterAll(async () => {
  await live.close();
  await liveShallow.close();
});

// A failed pollution test must not leak into the tests after it (server and tests share a process).
afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted;
  delete (Object.prototype as Record<string, unknown>).x;
});

describe.each([
  ["TestClient", new TestClient(buildBodiesApp()), new TestClient(buildBodiesApp({ maxJsonDepth: 5, maxBodySize: 1024 }))],
  ["LiveTestClient", live, liveShallow],
] as const)("request bodies over %s", (_name, client, shallow) => {
  describe("JSON", () => {
    it("decodes and validates a JSON object body", async () => {
      const res = (await client.post("/items", { json: { name: "pen", price: 2.5, tags: ["office"] } })).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json()).toEqual({ name: "pen", price: 2.5, tags: ["office"] });
      const bad = await client.post("/items", { json: { name: "", price: -1 } });
      bad.assertStatus(422);
      expect(bad.json().errors.map((e: { loc: unknown }) => e.loc)).toEqual([
        ["body", "name"],
        ["body", "price"],
      ]);
    });

    it.each([
      ["a truncated document", '{"name": '],
      ["single quotes", "{'name': 'pen', 'price': 1}"],
      ["a trailing comma", '{"name": "pen", "price": 1,}'],
      ["a lone surrogate escape", '{"name": "\\ud800", "price": 1}'],
      ["a number beyond a double's range", '{"name": "pen", "price": 1e400}'],
      ["invalid UTF-8", Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xff, 0xfe]), Buffer.from('", "price": 1}')])],
    ])("answers malformed JSON (%s) with 400 Invalid request format", async (_what, body) => {
      const res = await client.post("/items", { body, headers: JSON_CT });
      res.assertStatus(400);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json()).toEqual({ detail: "Invalid request format" });
    });

    it("keeps the largest finite numbers (only literals beyond a double's range are refused)", async () => {
      const res = (await client.post("/items", { body: '{"name": "pen", "price": 1.7976931348623157e308}', headers: JSON_CT })).assertStatusOk();
      expect(res.json().price).toBe(Number.MAX_VALUE);
    });

    it("applies Rule tags on object types, at the object's location", async () => {
      (await client.post("/payments", { json: { method: "invoice" } })).assertStatusOk();
      (await client.post("/payments", { json: { method: "card", card: "4111", address: "1 Main St" } })).assertStatusOk();
      const missing = await client.post("/payments", { json: { method: "card", card: "4111" } });
      missing.assertStatus(422);
      expect(missing.json().errors).toEqual([
        { type: "validation_error", loc: ["body"], msg: '"address" is required with a card, got {"card":"4111","method":"card"}', input: { method: "card", card: "4111" } },
      ]);
      const both = await client.post("/payments", { json: { method: "card" } });
      expect(both.json().errors.map((e: { msg: string }) => e.msg)).toEqual(['"card" is required when paying by card']);
    });

    it("applies them to nested objects and every array element, with typia's errors", async () => {
      const ok = { payment: { method: "invoice" }, lines: [{ sku: "a", qty: 2, max: 3 }, { sku: "b", qty: 9 }] };
      expect((await client.post("/orders", { json: ok })).assertStatusOk().json()).toEqual({ lines: 2 });
      const bad = await client.post("/orders", { json: { payment: { method: "card", card: "1" }, lines: [{ sku: "a", qty: 1, max: 3 }, { sku: "b", qty: 5, max: 4 }, { sku: 7, qty: 1 }] } });
      bad.assertStatus(422);
      expect(bad.json().errors.map((e: { loc: unknown; msg: string }) => [e.loc, e.msg])).toEqual([
        [["body", "lines", "2", "sku"], "Input should be a valid unknown"], // Spikard's wording for array elements
        [["body", "payment"], '"address" is required with a card, got {"card":"1","method":"card"}'],
        [["body", "lines", "1"], "qty above max"],
      ]);
    });

    it("counts an object's properties, declared or not, with MinProperties and MaxProperties", async () => {
      expect((await client.post("/settings", { json: { theme: "dark" } })).assertStatusOk().json()).toEqual({ count: 1 });
      const none = await client.post("/settings", { json: {} });
      none.assertStatus(422);
      expect(none.json().errors).toEqual([{ type: "validation_error", loc: ["body"], msg: "{} has less than 1 property", input: {} }]);
      const labels = { b: "2", a: "1", c: "3" };
      const many = await client.post("/settings", { json: { theme: "dark", labels } });
      expect(many.json().errors).toEqual([{ type: "validation_error", loc: ["body", "labels"], msg: '{"a":"1","b":"2","c":"3"} has more than 2 properties', input: labels }]);
      // Hostile: an array is no object to count, and typia reports the type; __proto__ keys are dropped before counting.
      const array = await client.post("/settings", { json: { labels: ["a", "b", "c"] } });
      expect(array.json().errors.map((e: { loc: unknown }) => e.loc)).toEqual([["body", "labels"]]);
      const proto = await client.post("/settings", { body: '{"__proto__":{"x":1}}', headers: JSON_CT });
      expect(proto.json().errors.map((e: { msg: string }) => e.msg)).toEqual(["{} has less than 1 property"]);
      // Forms are counted alike.
      expect((await client.post("/settings", { form: { theme: "dark" } })).assertStatusOk().json()).toEqual({ count: 1 });
    });

    it("validates an empty body as null", async () => {
      const res = await client.post("/items", { headers: JSON_CT });
      res.assertStatus(422);
      // Spikard looks the body's own type up under a property named "body", finds none and says "unknown".
      expect(res.json().errors).toEqual([{ type: "type_error", loc: ["body"], msg: "Input should be a valid unknown", input: null }]);
      expect((await client.post("/optional", { headers: JSON_CT })).json()).toEqual({ present: false });
    });
  });

  describe("prototype pollution", () => {
    const merge = (body: string) => client.post("/merge", { body, headers: JSON_CT });

    it("drops __proto__ keys before the handler merges the body", async () => {
      const res = (await merge('{"__proto__":{"polluted":true},"a":1}')).assertStatusOk();
      expect(res.json()).toEqual({ keys: ["a"], a: 1, ...CLEAN_MERGE });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it("drops constructor.prototype chains", async () => {
      const res = (await merge('{"constructor":{"prototype":{"x":1}},"a":1}')).assertStatusOk();
      expect(res.json()).toEqual({ keys: ["a"], a: 1, ...CLEAN_MERGE });
      expect((Object.prototype as Record<string, unknown>).x).toBeUndefined();
    });

    it("drops them at any depth, and leaves look-alike string content alone", async () => {
      expect((await merge('{"nested":{"__proto__":{"polluted":true}},"a":1}')).json()).toEqual({ keys: ["a", "nested"], a: 1, ...CLEAN_MERGE });
      expect((await merge('{"note":"\\"__proto__\\": {}","a":1}')).json()).toEqual({ keys: ["a", "note"], a: 1, ...CLEAN_MERGE });
    });

    // JSON escapes spell the same keys, so a filter over the raw text alone is not enough.
    it("drops __proto__ keys spelled with unicode escapes", async () => {
      const res = (await merge('{"\\u005f_proto__":{"polluted":true},"a":1}')).assertStatusOk();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(res.json()).toEqual({ keys: ["a"], a: 1, ...CLEAN_MERGE });
    });

    it("drops constructor.prototype chains spelled with unicode escapes", async () => {
      const res = (await merge('{"constructo\\u0072":{"prototyp\\u0065":{"x":1}},"a":1}')).assertStatusOk();
      expect((Object.prototype as Record<string, unknown>).x).toBeUndefined();
      expect(res.json()).toEqual({ keys: ["a"], a: 1, ...CLEAN_MERGE });
    });
  });

  describe("nesting depth (ServerConfig.maxJsonDepth)", () => {
    const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

    it("accepts nesting up to the limit and answers 400 beyond it", async () => {
      expect((await shallow.post("/tree", { body: nested(5), headers: JSON_CT })).json()).toEqual({ received: true });
      const res = await shallow.post("/tree", { body: nested(6), headers: JSON_CT });
      res.assertStatus(400);
      expect(res.json()).toEqual({ error: "Request body exceeds maximum nesting depth of 5" });
      // Objects count as well as arrays.
      const objects = await shallow.post("/items", { body: '{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}', headers: JSON_CT });
      expect(objects.json()).toEqual({ error: "Request body exceeds maximum nesting depth of 5" });
    });

    it("does not count brackets inside strings", async () => {
      const res = await shallow.post("/tree", { body: JSON.stringify(["[[[[[[[[[[{{{{{{{{"]), headers: JSON_CT });
      expect(res.json()).toEqual({ received: true });
    });

    it("defaults to 128 levels", async () => {
      expect((await client.post("/tree", { body: nested(128), headers: JSON_CT })).json()).toEqual({ received: true });
      const res = await client.post("/tree", { body: nested(129), headers: JSON_CT });
      res.assertStatus(400);
      expect(res.json()).toEqual({ error: "Request body exceeds maximum nesting depth of 128" });
    });
  });

  describe("Content-Type", () => {
    it.each(["text/plain", "application/xml", "application/octet-stream"])("rejects %s for an object body with a 415 problem", async (type) => {
      const res = await client.post("/items", { body: '{"name":"pen","price":1}', headers: { "content-type": type } });
      res.assertStatus(415);
      expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(res.json()).toEqual(UNSUPPORTED_MEDIA_TYPE);
    });

    it("rejects JSON in a charset other than UTF-8", async () => {
      const res = await client.post("/items", { body: '{"name":"pen","price":1}', headers: { "content-type": "application/json; charset=utf-16" } });
      res.assertStatus(415);
      expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(res.json()).toEqual({
        type: "https://spikard.dev/errors/unsupported-charset",
        title: "Unsupported Charset",
        status: 415,
        detail: "Unsupported charset 'utf-16' for JSON. Only UTF-8 is supported.",
      });
    });

    it.each(["application/json; charset=UTF-8", "APPLICATION/JSON", "application/vnd.api+json", "application/merge-patch+json; charset=utf-8"])("accepts %s as JSON", async (type) => {
      const res = await client.post("/items", { body: '{"name":"pen","price":1}', headers: { "content-type": type } });
      res.assertStatusOk();
      expect(res.json()).toEqual({ name: "pen", price: 1 });
    });

    it("answers a malformed Content-Type with 400", async () => {
      const res = await client.post("/items", { body: "{}", headers: { "content-type": "json" } });
      res.assertStatus(400);
      expect(res.json()).toEqual({ error: "Invalid Content-Type header" });
    });
  });

  describe("raw bodies", () => {
    const sign = (payload: Uint8Array): string => createHmac("sha256", WEBHOOK_SECRET).update(payload).digest("hex");

    it.each(["application/json", "image/png", "text/plain", "application/x-www-form-urlencoded"])("gives Body<Uint8Array> the exact bytes sent as %s", async (type) => {
      // Not valid UTF-8, not valid JSON: any decoding on the way would break the signature.
      const payload = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80]), randomBytes(4096)]);
      const res = await client.post("/webhook", { body: payload, headers: { "content-type": type, "x-signature": sign(payload) } });
      expect(res.json()).toEqual({ valid: true, length: payload.length, isUint8Array: true });
    });

    it("lets the handler detect a tampered payload", async () => {
      const payload = Buffer.from('{"amount":100}');
      const forged = Buffer.from('{"amount":999}');
      const res = await client.post("/webhook", { body: forged, headers: { "content-type": "application/json", "x-signature": sign(payload) } });
      expect(res.json()).toEqual({ valid: false, length: forged.length, isUint8Array: true });
    });

    it("echoes bytes back as application/octet-stream", async () => {
      const payload = randomBytes(70_000);
      const res = (await client.post("/echo-bytes", { body: payload, headers: { "content-type": "application/pdf" } })).assertStatusOk();
      expect(res.headers["content-type"]).toBe("application/octet-stream");
      expect(res.bytes().equals(payload)).toBe(true);
    });

    it("gives Body<string> text/plain bodies as a UTF-8 string", async () => {
      const res = await client.post("/note", { body: "héllo wörld ✓", headers: { "content-type": "text/plain; charset=utf-8" } });
      expect(res.json()).toEqual({ note: "héllo wörld ✓", type: "string", length: 13 });
      expect((await client.post("/note", { body: "", headers: { "content-type": "text/plain" } })).json()).toEqual({ note: "", type: "string", length: 0 });
    });

    it("reads a JSON string for Body<string>, and refuses non-text media types", async () => {
      expect((await client.post("/note", { json: "quoted" })).json()).toEqual({ note: "quoted", type: "string", length: 6 });
      const res = await client.post("/note", { body: "<a/>", headers: { "content-type": "application/xml" } });
      res.assertStatus(415);
      expect(res.json()).toEqual(UNSUPPORTED_MEDIA_TYPE);
    });
  });

  describe("body size limit (ServerConfig.maxBodySize)", () => {
    const item = (bytes: number): string => {
      const body = '{"name":"","price":1}';
      return body.replace('""', `"${"x".repeat(bytes - body.length)}"`);
    };

    it("accepts a body of exactly maxBodySize bytes", async () => {
      const body = item(1024);
      expect(Buffer.byteLength(body)).toBe(1024);
      expect((await shallow.post("/items", { body, headers: JSON_CT })).statusCode).toBe(200);
    });

    it("answers 413 one byte beyond it, and for far larger bodies", async () => {
      for (const size of [1025, 256 * 1024]) {
        const res = await shallow.post("/items", { body: item(size), headers: JSON_CT });
        res.assertStatus(413);
        expect(res.headers["content-type"]).toBe("application/json");
        expect(res.json()).toEqual({ error: "Payload Too Large", message: "Request body size exceeds maximum allowed size of 1024 bytes" });
      }
    });

    it("applies the limit to raw bodies too", async () => {
      const res = await shallow.post("/echo-bytes", { body: randomBytes(2048), headers: { "content-type": "application/octet-stream" } });
      res.assertStatus(413);
      expect(res.json().message).toBe("Request body size exceeds maximum allowed size of 1024 bytes");
    });
  });
});

describe("body size limit on a real socket, without Content-Length", () => {
  /** Sends the body with Transfer-Encoding: chunked, one chunk every few ms, so only the bytes received can trip the limit. */
  const postChunked = async (pathname: string, parts: string[]): Promise<{ status: number; body: string }> => {
    const url = new URL(pathname, await liveShallow.start());
    return new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      void (async () => {
        for (const part of parts) {
          req.write(part);
          await new Promise((r) => setTimeout(r, 5));
        }
        req.end();
      })();
    });
  };

  it("counts streamed bytes against maxBodySize", async () => {
    const ok = await postChunked("/items", ['{"name":"', "x".repeat(500), '","price":1}']);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).name).toHaveLength(500);
    const tooLarge = await postChunked("/items", ['{"name":"', "x".repeat(800), "x".repeat(800), '","price":1}']);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toEqual({ error: "Payload Too Large", message: "Request body size exceeds maximum allowed size of 1024 bytes" });
  });
});

describe("maxBodySize: null (no limit, Spikard's max_body_size=None)", () => {
  const unlimited = new LiveTestClient(buildBodiesApp({ maxBodySize: null }));
  afterAll(() => unlimited.close());

  it("accepts bodies far beyond the 1 MiB default, byte for byte", async () => {
    // 20 MiB also passes the size up to which a declared Content-Length is preallocated.
    for (const size of [3 * 1024 * 1024, 20 * 1024 * 1024]) {
      const payload = randomBytes(size);
      const res = (await unlimited.post("/echo-bytes", { body: payload, headers: { "content-type": "application/octet-stream" } })).assertStatusOk();
      expect(Buffer.compare(Buffer.from(res.bytes()), payload)).toBe(0);
    }
  });

  it("still applies the default when the option is left out", async () => {
    const res = await live.post("/echo-bytes", { body: randomBytes(1024 * 1024 + 1), headers: { "content-type": "application/octet-stream" } });
    res.assertStatus(413);
  });
});
