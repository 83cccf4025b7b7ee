import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import type { DescService } from "@bufbuild/protobuf";
import { createSigner } from "fast-jwt";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Spikard, type Server } from "spikard";
import { encodeMessage, GrpcError, GrpcStatus, grpcWeb } from "spikard/grpc";
import type { LiveTestClient, TestClient } from "spikard/testing";
import { UserService, type UserServiceImplementation } from "../gen/user";
import { countingUpload, echoChat } from "../support/user-streams";
import { bothClients } from "../support/clients";
import { connectService } from "../support/connect-descriptors";

const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));
const GetUserRequest = root.lookupType("example.v1.GetUserRequest");
const ListUsersRequest = root.lookupType("example.v1.ListUsersRequest");
const User = root.lookupType("example.v1.User");
const UploadChunk = root.lookupType("example.v1.UploadChunk");
const UploadSummary = root.lookupType("example.v1.UploadSummary");
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const secret = "web-secret";
const ORIGIN = "http://app.example";

let aborted = 0;
let produced = 0;
let uploadsSettled = 0;
const impl: UserServiceImplementation = {
  async getUser(req, ctx) {
    if (req.id === 404) throw new GrpcError(GrpcStatus.NOT_FOUND, "no such user: ünïcode % 100");
    if (req.id === 408) {
      await new Promise((resolve, reject) => {
        setTimeout(resolve, 5_000);
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error));
      });
    }
    ctx.setHeader("x-served-by", "spikard");
    ctx.setTrailer("x-user-id", String(req.id));
    ctx.setTrailer("x-raw-bin", Buffer.from([0, 1, 255]));
    return { id: req.id, name: `user ${req.id} (${String(ctx.metadata.get("x-caller") ?? "anonymous")})` };
  },
  async *listUsers(req, ctx) {
    ctx.signal.addEventListener("abort", () => aborted++);
    for (let i = 1; i <= req.count; i++) {
      produced++;
      yield { id: i, name: "x".repeat(req.size) };
      if (req.size > 0 && req.size < 4096) await new Promise((r) => setTimeout(r, 2));
    }
  },
  async upload(requests, ctx) {
    try {
      return await countingUpload(requests, ctx);
    } finally {
      uploadsSettled++;
    }
  },
  chat: echoChat,
};

function buildApp(): Spikard {
  const app = new Spikard({ logger: quiet, cors: { allowedOrigins: [ORIGIN], allowedHeaders: ["authorization", "x-caller"] }, grpc: { maxReceiveMessageSize: 64 * 1024 } });
  app.grpc(UserService, impl);
  app.get("/plain", () => ({ ok: true }));
  return app;
}

const frame = (type: protobuf.Type, value: object): Buffer => encodeMessage(Buffer.from(type.encode(type.fromObject(value)).finish()));

/** A gRPC-Web answer body as its message frames and trailer block. */
function parseWebBody(body: Buffer): { messages: Buffer[]; trailers: Record<string, string> } {
  const messages: Buffer[] = [];
  let trailers: Record<string, string> = {};
  for (let i = 0; i + 5 <= body.length; ) {
    const len = body.readUInt32BE(i + 1);
    const data = body.subarray(i + 5, i + 5 + len);
    if (body[i]! & grpcWeb.TRAILER_FLAG) trailers = grpcWeb.parseTrailerBlock(data);
    else messages.push(data);
    i += 5 + len;
  }
  return { messages, trailers };
}

/** A `-text` answer: padded base64 segments back to back. */
const fromText = (text: string): Buffer => new grpcWeb.Base64BodyDecoder().push(text);

describe.each(bothClients(buildApp))("gRPC-Web on the HTTP port over %s (the protocol as PROTOCOL-WEB.md writes it)", (_name, client: TestClient | LiveTestClient) => {
  const post = (method: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    client.post(`/example.v1.UserService/${method}`, { body: typeof body === "string" ? body : new Uint8Array(body), headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", ...headers } });

  it("binary: unary answer, header metadata as headers, status and trailers in the trailer frame", async () => {
    const res = await post("GetUser", frame(GetUserRequest, { id: 7 }), { "x-caller": "web" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/grpc-web+proto");
    expect(res.headers["x-served-by"]).toBe("spikard");
    const { messages, trailers } = parseWebBody(res.bytes());
    expect(User.toObject(User.decode(messages[0]!))).toMatchObject({ id: 7, name: "user 7 (web)" });
    expect(trailers).toMatchObject({ "grpc-status": "0", "x-user-id": "7", "x-raw-bin": Buffer.from([0, 1, 255]).toString("base64").replace(/=+$/, "") });
  });

  it("text: base64 request and answer, the same frames", async () => {
    const res = await post("GetUser", frame(GetUserRequest, { id: 9 }).toString("base64"), { "content-type": "application/grpc-web-text" });
    expect(res.headers["content-type"]).toBe("application/grpc-web-text");
    const { messages, trailers } = parseWebBody(fromText(res.text()));
    expect(User.toObject(User.decode(messages[0]!))).toMatchObject({ id: 9 });
    expect(trailers["grpc-status"]).toBe("0");
  });

  it("text: a request split at odd base64 boundaries (several padded segments) decodes", async () => {
    const body = frame(GetUserRequest, { id: 3 });
    const text = body.subarray(0, 4).toString("base64") + body.subarray(4).toString("base64");
    const res = await post("GetUser", text, { "content-type": "application/grpc-web-text+proto" });
    expect(parseWebBody(fromText(res.text())).trailers["grpc-status"]).toBe("0");
  });

  it("server streaming and client streaming (several frames in one body)", async () => {
    const stream = parseWebBody((await post("ListUsers", frame(ListUsersRequest, { count: 5 }))).bytes());
    expect(stream.messages.map((m) => (User.decode(m) as unknown as { id: number }).id)).toEqual([1, 2, 3, 4, 5]);
    expect(stream.trailers["grpc-status"]).toBe("0");
    const up = parseWebBody((await post("Upload", Buffer.concat([frame(UploadChunk, { chunk: Buffer.from("abc") }), frame(UploadChunk, { chunk: Buffer.from("de") })]))).bytes());
    expect(Number((UploadSummary.decode(up.messages[0]!) as unknown as { total: number }).total)).toBe(5);
  });

  it("a GrpcError is HTTP 200 with its status and percent-encoded message in the trailer frame", async () => {
    const res = await post("GetUser", frame(GetUserRequest, { id: 404 }));
    expect(res.statusCode).toBe(200);
    const { messages, trailers } = parseWebBody(res.bytes());
    expect(messages).toEqual([]);
    expect(trailers["grpc-status"]).toBe(String(GrpcStatus.NOT_FOUND));
    expect(decodeURIComponent(trailers["grpc-message"]!)).toBe("no such user: ünïcode % 100");
  });

  it("hostile bodies end with a gRPC status, never a 500: bad base64, a cut frame, an oversize length, a bad grpc-timeout, an unknown encoding", async () => {
    const status = async (res: Awaited<ReturnType<typeof post>>, text = false) => {
      expect(res.statusCode).toBe(200);
      const t = parseWebBody(text ? fromText(res.text()) : res.bytes()).trailers;
      return [Number(t["grpc-status"]), t["grpc-message"] === undefined ? "" : decodeURIComponent(t["grpc-message"])] as const;
    };
    expect((await status(await post("GetUser", "!!!not base64!!!", { "content-type": "application/grpc-web-text" }), true))[0]).toBe(GrpcStatus.INTERNAL);
    expect((await status(await post("GetUser", "AAAAAA", { "content-type": "application/grpc-web-text" }), true))[0]).toBe(GrpcStatus.INTERNAL);
    const cut = frame(GetUserRequest, { id: 1 }).subarray(0, 6);
    expect(await status(await post("GetUser", cut))).toEqual([GrpcStatus.INTERNAL, "Request stream ended in the middle of a message"]);
    const huge = Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    expect((await status(await post("GetUser", huge)))[0]).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect((await status(await post("GetUser", frame(GetUserRequest, { id: 1 }), { "grpc-timeout": "soon" })))[0]).toBe(GrpcStatus.INTERNAL);
    expect((await status(await post("GetUser", frame(GetUserRequest, { id: 1 }), { "grpc-encoding": "br" })))[0]).toBe(GrpcStatus.UNIMPLEMENTED);
    const twice = Buffer.concat([frame(GetUserRequest, { id: 1 }), frame(GetUserRequest, { id: 2 })]);
    expect((await status(await post("GetUser", twice)))[0]).toBe(GrpcStatus.UNIMPLEMENTED);
  });

  it("an oversize message in a stream is refused as it arrives, and the server still answers", async () => {
    const big = Buffer.alloc(200 * 1024, 1);
    const res = await post("Upload", Buffer.concat([frame(UploadChunk, { chunk: Buffer.from("ok") }), frame(UploadChunk, { chunk: big })]));
    expect(Number(parseWebBody(res.bytes()).trailers["grpc-status"])).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(parseWebBody((await post("GetUser", frame(GetUserRequest, { id: 1 }))).bytes()).trailers["grpc-status"]).toBe("0");
  });

  it("another content type is 415, another method 405; HTTP routes are untouched", async () => {
    expect((await post("GetUser", frame(GetUserRequest, { id: 1 }), { "content-type": "application/json" })).statusCode).toBe(415);
    expect((await client.get("/example.v1.UserService/GetUser")).statusCode).toBe(405);
    expect((await client.get("/plain")).json()).toEqual({ ok: true });
  });

  it("CORS: a preflight for a gRPC method allows the protocol's headers and the configured ones; answers expose grpc-status and metadata", async () => {
    const pre = await client.options("/example.v1.UserService/GetUser", {
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web,x-user-agent,grpc-timeout,x-caller" },
    });
    expect(pre.statusCode).toBeLessThan(300);
    expect(pre.headers["access-control-allow-origin"]).toBe(ORIGIN);
    const allowed = pre.headers["access-control-allow-headers"]!.toLowerCase();
    for (const h of ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "x-caller"]) expect(allowed).toContain(h);
    const res = await post("GetUser", frame(GetUserRequest, { id: 1 }), { origin: ORIGIN });
    const exposed = res.headers["access-control-expose-headers"]!.toLowerCase();
    for (const h of ["grpc-status", "grpc-message", "x-served-by"]) expect(exposed).toContain(h);
    // Another origin gains nothing; a plain route keeps the configured policy (no x-grpc-web).
    const other = await client.options("/example.v1.UserService/GetUser", { headers: { origin: "http://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const plain = await client.options("/plain", { headers: { origin: ORIGIN, "access-control-request-method": "GET", "access-control-request-headers": "x-grpc-web" } });
    expect(plain.headers["access-control-allow-headers"] ?? "").not.toContain("x-grpc-web");
  });
});

describe("gRPC-Web with @connectrpc/connect-web's transport (fetch) against a real server", () => {
  let server: Server;
  let guarded: Server;
  let service: DescService;
  let client: Client<DescService>;
  beforeAll(async () => {
    server = await buildApp().serve({ port: 0, grpcPort: 0 });
    const auth = new Spikard({ logger: quiet, jwtAuth: { secret } });
    auth.grpc(UserService, impl);
    guarded = await auth.serve({ port: 0, grpcPort: 0 });
    service = connectService(root, "example.v1.UserService");
    client = createClient(service, createGrpcWebTransport({ baseUrl: server.url }));
  });
  afterAll(async () => {
    await Promise.all([server.close(), guarded.close()]);
  });
  const call = (c: Client<DescService>, method: string, req: object, opts: object = {}) => (c[method] as (r: object, o: object) => Promise<Record<string, unknown>>)(req, opts);
  const rejected = (p: Promise<unknown>): Promise<ConnectError> => p.then(() => expect.unreachable("the call succeeded"), (e: unknown) => ConnectError.from(e));

  it("unary with metadata both ways: headers, trailers (ASCII and -bin)", async () => {
    let headers: Headers | undefined;
    let trailers: Headers | undefined;
    const res = await call(client, "getUser", { id: 42 }, { headers: { "x-caller": "connect" }, onHeader: (h: Headers) => (headers = h), onTrailer: (t: Headers) => (trailers = t) });
    expect(res).toMatchObject({ id: 42, name: "user 42 (connect)" });
    expect(headers?.get("x-served-by")).toBe("spikard");
    expect(trailers?.get("x-user-id")).toBe("42");
    expect(Buffer.from(trailers!.get("x-raw-bin")!, "base64")).toEqual(Buffer.from([0, 1, 255]));
  });

  it("server streaming delivers every message in order", async () => {
    const ids: number[] = [];
    for await (const m of (client.listUsers as (r: object) => AsyncIterable<{ id: number }>)({ count: 20 })) ids.push(m.id);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("statuses: a GrpcError's code and message, a deadline, an unknown method", async () => {
    const notFound = await rejected(call(client, "getUser", { id: 404 }));
    expect(notFound.code).toBe(Code.NotFound);
    expect(notFound.rawMessage).toBe("no such user: ünïcode % 100");
    const started = Date.now();
    const late = await rejected(call(client, "getUser", { id: 408 }, { timeoutMs: 100 }));
    expect(late.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(3_000);
    const res = await fetch(`${server.url}/example.v1.UserService/Nope`, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body: new Uint8Array(frame(GetUserRequest, { id: 1 })) });
    expect(res.status).toBe(404);
  });

  it("an aborted stream fires the handler's signal and the server goes on", async () => {
    const before = aborted;
    const controller = new AbortController();
    const stream = (client.listUsers as (r: object, o: object) => AsyncIterable<{ id: number }>)({ count: 100_000, size: 1024 }, { signal: controller.signal });
    let got = 0;
    const err = await (async () => {
      for await (const _ of stream) if (++got === 3) controller.abort();
    })().then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.Canceled);
    for (let i = 0; i < 100 && aborted === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toBe(before + 1);
    expect(await call(client, "getUser", { id: 1 })).toMatchObject({ id: 1 });
  });

  it("a slow reader holds the streaming handler back (bounded memory), then gets every message in order", async () => {
    const count = 5_000;
    const url = new URL(`${server.url}/example.v1.UserService/ListUsers`);
    const body = frame(ListUsersRequest, { count, size: 4096 });
    const started = produced;
    const received = await new Promise<Buffer>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/grpc-web+proto", "content-length": body.length } }, (res) => {
        res.pause();
        setTimeout(() => {
          // 20 MiB are due; the server may have made what fits in its queue and the socket buffers, not all of it.
          expect(produced - started).toBeLessThan(count / 2);
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks)));
          res.resume();
        }, 500);
      });
      req.on("error", reject);
      req.end(body);
    });
    const { messages, trailers } = parseWebBody(received);
    expect(trailers["grpc-status"]).toBe("0");
    expect(messages.length).toBe(count);
    expect((User.decode(messages[count - 1]!) as unknown as { id: number }).id).toBe(count);
  });

  it("a client that drops the connection in the middle of a streamed request body leaves the server serving", async () => {
    const url = new URL(server.url);
    const settled = uploadsSettled;
    for (const framing of ["content-length: 100000", "transfer-encoding: chunked"]) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          const part = Buffer.concat([frame(UploadChunk, { chunk: Buffer.alloc(100, 1) }), Buffer.from([0, 0, 0, 0x10])]);
          const chunked = framing.startsWith("transfer");
          socket.write(`POST /example.v1.UserService/Upload HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc-web+proto\r\n${framing}\r\n\r\n`);
          socket.write(chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")]) : part);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 50);
        });
        socket.on("error", () => resolve());
      });
    }
    // Each dropped call's handler is released (its request stream ends), not left waiting forever.
    for (let i = 0; i < 100 && uploadsSettled < settled + 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(uploadsSettled).toBe(settled + 2);
    const up = parseWebBody(Buffer.from(await (await fetch(`${server.url}/example.v1.UserService/Upload`, { method: "POST", headers: { "content-type": "application/grpc-web+proto" }, body: new Uint8Array(frame(UploadChunk, { chunk: Buffer.from("abc") })) })).arrayBuffer()));
    expect(up.trailers["grpc-status"]).toBe("0");
  });

  it("the app's jwtAuth guards gRPC-Web calls with UNAUTHENTICATED (a gRPC status, not a 401 page)", async () => {
    const c = createClient(service, createGrpcWebTransport({ baseUrl: guarded.url }));
    const denied = await rejected(call(c, "getUser", { id: 1 }));
    expect(denied.code).toBe(Code.Unauthenticated);
    expect(denied.rawMessage).toBe("Expected 'Authorization: Bearer <token>'");
    const token = createSigner({ key: secret, expiresIn: 60_000 })({ sub: "ann" });
    expect(await call(c, "getUser", { id: 5 }, { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ id: 5 });
  });
});
