import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Spikard, StreamingResponse, type Body, type Query } from "spikard";
import { LiveTestClient } from "spikard/testing";
import { rawRequest } from "./support/raw-socket";

// The node:http adapter (issue 14, item 5): what the pinned uWebSockets.js parser leaves unanswered is
// answered here, over a real socket with the bytes a client (or an attacker) sends.

interface Payment {
  id: string;
  amount: number;
}

function buildApp(): Spikard {
  const app = new Spikard({ adapter: "node", maxBodySize: 1024, maxUriLength: 200, maxHeaderSize: 4096, maxHeaderCount: 80 });
  app.get("/health", () => ({ ok: true }));
  app.get("/echo", (q: Query<string>) => q);
  app.get("/slow", async (ms: Query<number>) => {
    await new Promise((r) => setTimeout(r, ms));
    return `slow ${ms}`;
  });
  app.post("/payments", (payment: Body<Payment>) => ({ received: payment.id }));
  app.post("/raw", (raw: Body<Uint8Array>) => ({ size: raw.byteLength }));
  app.get("/stream", () => new StreamingResponse(["a", "b", "c"], { mediaType: "text/plain" }));
  return app;
}

let live: LiveTestClient;
let port: number;
beforeAll(async () => {
  live = new LiveTestClient(buildApp());
  port = Number(new URL(await live.url).port);
});
afterAll(() => live.close());

const bodyOf = (text: string): string => text.slice(text.indexOf("\r\n\r\n") + 4);
const GET = (path: string, extra = ""): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe("HTTP/1.0 requests are answered", () => {
  it("without keep-alive: answered, then the connection closes", async () => {
    const a = await rawRequest(port, "GET /health HTTP/1.0\r\n\r\n");
    expect(a.statuses).toEqual([200]);
    expect(bodyOf(a.text)).toBe('{"ok":true}');
    expect(a.closed).toBe(true);
  });

  it("with Connection: keep-alive: the connection stays for the next request, which closes it", async () => {
    const a = await rawRequest(port, "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /echo?q=second HTTP/1.0\r\n\r\n");
    expect(a.statuses).toEqual([200, 200]);
    const [first] = a.text.split("\r\n\r\n");
    expect(first).toMatch(/\r\nConnection: keep-alive\r\n/i);
    expect(first).toMatch(/\r\nContent-Length: 11\r\n/i);
    expect(a.text).toContain("second");
    expect(a.closed).toBe(true);
  });

  it("a streamed answer of unknown length is framed by closing the connection (HTTP/1.0 has no chunked)", async () => {
    const a = await rawRequest(port, "GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    expect(a.statuses).toEqual([200]);
    expect(a.text).not.toMatch(/transfer-encoding/i);
    expect(bodyOf(a.text)).toBe("abc");
    expect(a.closed).toBe(true);
  });
});

describe("malformed requests answer 400/431 and close (uWS: silence, the connection held)", () => {
  const refused = async (request: string, status: number): Promise<string> => {
    const a = await rawRequest(port, request, 1000);
    expect(a.statuses, JSON.stringify(request.slice(0, 80))).toEqual([status]);
    expect(a.closed).toBe(true);
    return bodyOf(a.text);
  };

  it("49 or more header fields within the limit are served", async () => {
    const fields = Array.from({ length: 60 }, (_, i) => `X-F${i}: v${i}\r\n`).join("");
    const a = await rawRequest(port, GET("/health", `${fields}Connection: close\r\n`));
    expect(a.statuses).toEqual([200]);
  });

  it("more fields than maxHeaderCount: 431", async () => {
    const fields = Array.from({ length: 120 }, (_, i) => `X-F${i}: v\r\n`).join("");
    expect(JSON.parse(await refused(GET("/health", fields), 431))).toEqual({ error: "Request Header Fields Too Large", message: "Request has more than the maximum of 80 header fields" });
  });

  it.each([
    ["a header line without a colon", GET("/health", "Broken\r\n")],
    ["a space before the colon", GET("/health", "X-A : v\r\n")],
    ["a folded line (obs-fold)", GET("/health", "X-A: v\r\n  folded\r\n")],
    ["a NUL in a value", GET("/health", "X-A: a\u0000b\r\n")],
    ["a bare CR in a value", GET("/health", "X-A: a\rb\r\n")],
    ["a DEL in a value", GET("/health", "X-A: a\u007fb\r\n")],
    ["an empty header name", GET("/health", ": v\r\n")],
    ["an unknown method", "FROB /health HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a target without its slash", "GET health HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["the asterisk form outside OPTIONS", "GET * HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["bare LF line ends", "GET /health HTTP/1.1\nHost: x\n\n"],
    ["an HTTP/1.1 request without Host", "GET /health HTTP/1.1\r\n\r\n"],
    ["Content-Length: -1", "POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"],
    ["two Content-Length fields", "POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"],
    ["Content-Length and Transfer-Encoding", "POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"],
    ["a coding before chunked", "POST /raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"],
    ["a chunk size with a space", "POST /raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 2\r\n{}\r\n0\r\n\r\n"],
  ])("%s: 400 problem details", async (_what, request) => {
    const body = await refused(request, 400);
    expect(JSON.parse(body)).toMatchObject({ type: "https://spikard.dev/errors/bad-request", status: 400 });
  });

  it("another HTTP version: 505", async () => {
    const body = await refused("GET /health HTTP/2.0\r\nHost: x\r\n\r\n", 505);
    expect(JSON.parse(body)).toMatchObject({ type: "https://spikard.dev/errors/http-version-not-supported", status: 505 });
  });

  it("a refused HEAD carries no body", async () => {
    const a = await rawRequest(port, "HEAD /health HTTP/1.1\r\nHost: x\r\nX-A : v\r\n\r\n");
    expect(a.statuses).toEqual([400]);
    expect(bodyOf(a.text)).toBe("");
  });

  it("nothing after a refused request is answered (no smuggling)", async () => {
    const smuggled = "GET /echo?q=smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const a = await rawRequest(port, `POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: ${2 + smuggled.length}\r\n\r\n{}${smuggled}`);
    expect(a.statuses).toEqual([400]);
    expect(a.text).not.toContain("smuggled");
  });

  it("the server keeps serving", async () => {
    (await live.get("/health")).assertStatusOk();
  });
});

describe("request targets llhttp passes on", () => {
  it("the absolute form is served (RFC 9112 §3.2.2: a server MUST accept it)", async () => {
    const a = await rawRequest(port, "GET http://x/echo?q=abs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(a.statuses).toEqual([200]);
    expect(bodyOf(a.text)).toBe("abs");
  });

  it("OPTIONS * is routed (no route: 404), not refused", async () => {
    const a = await rawRequest(port, "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(a.statuses).toEqual([404]);
  });
});

describe("pipelining", () => {
  it("a request pipelined behind an async handler is answered, in order", async () => {
    const a = await rawRequest(port, `${GET("/slow?ms=80")}${GET("/echo?q=fast")}${GET("/slow?ms=10", "Connection: close\r\n")}`, 3000);
    expect(a.statuses).toEqual([200, 200, 200]);
    const order = ["slow 80", "fast", "slow 10"].map((s) => a.text.indexOf(s));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(a.closed).toBe(true);
  });
});

describe("bodies", () => {
  it("a chunked body over the limit answers 413 mid-stream and the connection closes", async () => {
    const socket = net.connect(port, "127.0.0.1");
    const text = await new Promise<string>((resolve) => {
      let out = "";
      socket.on("data", (d: Buffer) => (out += d.toString("latin1")));
      socket.on("close", () => resolve(out));
      socket.on("error", () => undefined);
      socket.write("POST /raw HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
      // Far more than the 1 KiB limit, in pieces; the server must not wait for the end.
      const chunk = `400\r\n${"x".repeat(1024)}\r\n`;
      let sent = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || sent++ > 200) return clearInterval(timer);
        socket.write(chunk);
      }, 2);
    });
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
  });

  it("Expect: 100-continue: a body over the limit is refused without 100 Continue, a good one gets it", async () => {
    const over = await rawRequest(port, "POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n", 1000);
    expect(over.statuses).toEqual([413]);
    expect(over.text).not.toContain("100 Continue");
    expect(over.closed).toBe(true);
    const ok = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      let out = "";
      socket.on("data", (d: Buffer) => {
        out += d.toString("latin1");
        if (out.includes("100 Continue") && !out.includes("{}")) socket.write("{}");
      });
      socket.on("close", () => resolve(out));
      socket.on("error", reject);
      socket.write("POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
    });
    expect(ok).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(ok).toContain('{"size":2}');
  });

  it("an answer sent while the body is still arriving says Connection: close", async () => {
    // The 404 goes out before the (unbounded, chunked) body could be read and dropped.
    const a = await rawRequest(port, "POST /nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    expect(a.statuses).toEqual([404]);
    expect(a.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(a.closed).toBe(true);
  });

  it("a small unclaimed body is read and dropped: the connection stays for the next request", async () => {
    const a = await rawRequest(port, `POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello${GET("/health", "Connection: close\r\n")}`);
    expect(a.statuses).toEqual([404, 200]);
  });
});

describe("framing (framing.ts, as uWS frames)", () => {
  it("one Date, Content-Length for whole bodies, chunked for streams, HEAD without a body", async () => {
    const whole = await rawRequest(port, GET("/health", "Connection: close\r\n"));
    expect(whole.text.match(/\r\nDate: /gi)).toHaveLength(1);
    expect(whole.text).toMatch(/\r\nContent-Length: 11\r\n/i);
    const stream = await rawRequest(port, GET("/stream", "Connection: close\r\n"));
    expect(stream.text).toMatch(/\r\nTransfer-Encoding: chunked\r\n/i);
    expect(stream.text).not.toMatch(/content-length/i);
    const head = await rawRequest(port, "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(head.statuses).toEqual([200]);
    expect(head.text).toMatch(/\r\nContent-Length: 11\r\n/i);
    expect(bodyOf(head.text)).toBe("");
  });
});
