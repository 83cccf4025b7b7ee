import { afterAll, describe, expect, it } from "vitest";
import { Spikard } from "spikard";
import { LiveTestClient, TestClient } from "spikard/testing";
import { rawRequest } from "./support/raw-socket";

// Issue 14, item 12: an incoming X-Request-ID is echoed and logged, so only a bounded id of
// visible ASCII is kept; anything else is replaced by a new UUID.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
function build(): Spikard {
  const app = new Spikard({ enableRequestId: true, logger: quiet });
  app.get("/ping", () => ({ ok: true }));
  return app;
}
const live = new LiveTestClient(build());
afterAll(() => live.close());

describe.each([
  ["TestClient", new TestClient(build())],
  ["a real socket", live],
] as const)("X-Request-ID over %s", (_n, client) => {
  it("keeps a plausible id", async () => {
    for (const id of ["abc-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x".repeat(128)]) {
      expect((await client.get("/ping", { headers: { "x-request-id": id } })).headers["x-request-id"]).toBe(id);
    }
  });

  it("replaces an overlong id, or one with spaces, with a new UUID", async () => {
    for (const id of ["x".repeat(129), "y".repeat(3000), "a b", "<script>alert(1)</script> x"]) {
      const res = (await client.get("/ping", { headers: { "x-request-id": id } })).assertStatusOk();
      expect(res.headers["x-request-id"]).toMatch(UUID);
    }
  });
});

describe("X-Request-ID as raw bytes", () => {
  it("replaces ids with bytes no HTTP client library lets through", async () => {
    const port = Number(new URL(await live.url).port);
    for (const id of [Buffer.from([0x61, 0xe9, 0x62]), Buffer.from("ab\u00e9cd", "utf8"), Buffer.from("a\x7fb", "latin1"), Buffer.from("a\tb", "latin1")]) {
      const req = Buffer.concat([Buffer.from("GET /ping HTTP/1.1\r\nHost: x\r\nX-Request-ID: "), id, Buffer.from("\r\nConnection: close\r\n\r\n")]);
      const answer = await rawRequest(port, req);
      expect(answer.statuses, id.toString("latin1")).toEqual([200]);
      const echoed = /\r\nx-request-id: ([^\r]*)\r\n/i.exec(answer.text)?.[1];
      expect(echoed, id.toString("latin1")).toMatch(UUID);
    }
  });
});
