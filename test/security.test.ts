import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildHostileApp } from "./apps/hostile";
import { compileApps } from "./support/compile-app";
import { freePort } from "./support/free-port";
import { rawRequest } from "./support/raw-socket";

// Against the app in its own process, as in production: an exception escaping a uWS callback
// ends that process, where in this one the test runner would catch it.

const post = (length: string, body = "{}"): string => `POST /payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`;

let compiled: { out: string } | undefined;
const servers: LiveTestClient[] = [];
async function start(workers: number): Promise<{ client: LiveTestClient; port: number }> {
  compiled ??= compileApps(["test/apps/hostile.ts", "test/apps/hostile-server.ts"]);
  const port = await freePort();
  const client = await LiveTestClient.fromModule(`${compiled.out}/hostile-server.js`, { env: { SPIKARD_PORT: String(port), SPIKARD_WORKERS: String(workers) } });
  servers.push(client);
  return { client, port };
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe("a request whose length cannot be trusted", () => {
  for (const workers of [1, 2]) {
    it(`Content-Length: -1 closes the connection and the server keeps serving (workers: ${workers})`, async () => {
      const { client, port } = await start(workers);
      for (const length of ["-1", "-42", "1.5", "0x10", "+5", "99999999999999999999"]) {
        const answer = await rawRequest(port, post(length));
        // uWS's own parser closes the connection after the handler for a length it cannot read, dropping
        // any answer; the node adapter answers 400 (see adapters.test.ts). Never anything else.
        expect([[], [400]], `Content-Length: ${length}`).toContainEqual(answer.statuses);
        expect(answer.closed).toBe(true);
      }
      expect(client.process!.exitCode).toBeNull();
      (await client.get("/health")).assertStatusOk();
      const ok = await client.post("/payments", { json: { id: "a", amount: 1 } });
      expect(ok.json()).toEqual({ received: "a" });
    });
  }

  it("two Content-Length fields with different values answer 400 and nothing after them is answered", async () => {
    const { port } = await start(1);
    const smuggled = "GET /echo?q=smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const req = `POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: ${2 + smuggled.length}\r\n\r\n{}${smuggled}`;
    const answer = await rawRequest(port, req);
    // With the 400 pending, uWS drops the connection when it parses the smuggled request: never answered.
    expect([[], [400]]).toContainEqual(answer.statuses);
    expect(answer.text).not.toContain("smuggled");
    expect(answer.closed).toBe(true);
    const alone = await rawRequest(port, `POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`);
    expect(alone.statuses).toEqual([400]);
    // Found by the uWS adapter's check, or by llhttp on the node adapter.
    expect(alone.text).toMatch(/Conflicting Content-Length headers|Duplicate Content-Length/);
    expect(alone.closed).toBe(true);
    // The same value twice is one length (RFC 9112 §6.3 lets a recipient merge it, as the uWS adapter does,
    // or reject it, as llhttp does).
    const same = await rawRequest(port, `POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(process.env.SPIKARD_ADAPTER === "node" ? [400] : [200]).toEqual(same.statuses);
  });

  it("a Transfer-Encoding other than exactly chunked answers 400 and closes", async () => {
    const { port } = await start(1);
    for (const te of ["gzip", "identity", "chunkedx", "chunked, identity", "gzip, chunked"]) {
      const answer = await rawRequest(port, `POST /raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
      expect(answer.statuses, te).toEqual([400]);
      expect(answer.closed).toBe(true);
    }
    const both = await rawRequest(port, `POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
    // uWS's parser may close first here too; it never answers the body as anything but refused.
    expect([[], [400]]).toContainEqual(both.statuses);
    expect(both.closed).toBe(true);
    const chunked = await rawRequest(port, `POST /raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
    expect(chunked.statuses).toEqual([200]);
    expect(chunked.text).toContain('{"size":2}');
  });

  it("TestClient refuses an invalid Content-Length the same way", async () => {
    const client = new TestClient(buildHostileApp());
    const res = await client.post("/payments", { body: "{}", headers: { "content-type": "application/json", "content-length": "-1" } });
    res.assertStatus(400);
    expect(res.json()).toMatchObject({ type: "https://spikard.dev/errors/bad-request", status: 400 });
  });
});
