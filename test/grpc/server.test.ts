import path from "node:path";
import zlib from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Spikard, type Server } from "spikard";
import { GrpcError, GrpcResponse, GrpcStatus, Metadata, encodeMessage, type GrpcCallContext, type GrpcHandler, type GrpcRequest, type GrpcStatusCode } from "spikard/grpc";
import { collect, grpcClient, rawCall, unary } from "../support/grpc-client";

const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));
root.resolveAll();
const GetUserRequest = root.lookupType("example.v1.GetUserRequest");
const ListUsersRequest = root.lookupType("example.v1.ListUsersRequest");
const User = root.lookupType("example.v1.User");
const UploadChunk = root.lookupType("example.v1.UploadChunk");
const UploadSummary = root.lookupType("example.v1.UploadSummary");
const ChatMessage = root.lookupType("example.v1.ChatMessage");

const logged: unknown[][] = [];
const events: Record<string, { at: number; reason?: unknown }> = {};
const produced = { count: 0 };

/** The seed's low-level form: bytes in, bytes out, statuses from GrpcError. */
class UserServiceHandler implements GrpcHandler {
  async handleRequest(request: GrpcRequest, ctx: GrpcCallContext): Promise<GrpcResponse> {
    const { id } = GetUserRequest.decode(request.payload) as unknown as { id: number };
    if (id >= 1 && id <= 16) throw new GrpcError(id as GrpcStatusCode, `status ${id}: ünïcödé % message\r\nline`, { "x-error-detail": "d", "x-error-bin": Buffer.from([1, 2, 3]) });
    if (id === 100) throw new Error("secret database password in this message");
    if (id === 101) {
      // Waits for the deadline or the cancel, and records when the signal fired.
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      events[ctx.metadata.get("x-test") as string] = { at: Date.now(), reason: ctx.signal.reason };
      return new GrpcResponse({ payload: User.encode({ id, name: "too late" }).finish() });
    }
    if (id === 102) return new GrpcResponse({ payload: Buffer.alloc(2 * 1024 * 1024) });
    const echo = ctx.metadata.get("x-echo-initial");
    if (echo !== undefined) ctx.setHeader("x-echo-initial", echo);
    const bin = ctx.metadata.get("x-echo-trailing-bin");
    if (bin !== undefined) ctx.setTrailer("x-echo-trailing-bin", bin);
    ctx.setTrailer("x-served-by", request.serviceName + "/" + request.methodName);
    return new GrpcResponse({ payload: User.encode({ id, name: "John Doe" }).finish(), metadata: { "x-from-response": "yes" } });
  }

  async *handleServerStream(request: GrpcRequest): AsyncGenerator<GrpcResponse> {
    const { count, size } = ListUsersRequest.decode(request.payload) as unknown as { count: number; size: number };
    for (let i = 1; i <= count; i++) {
      produced.count = i;
      yield new GrpcResponse({ payload: User.encode({ id: i, name: "x".repeat(size) }).finish() });
    }
  }

  async handleClientStream(requests: AsyncIterable<GrpcRequest>): Promise<GrpcResponse> {
    let total = 0;
    for await (const r of requests) total += (UploadChunk.decode(r.payload) as unknown as { chunk: Uint8Array }).chunk.length;
    return new GrpcResponse({ payload: UploadSummary.encode({ total }).finish() });
  }

  async *handleBidiStream(requests: AsyncIterable<GrpcRequest>): AsyncGenerator<GrpcResponse> {
    for await (const r of requests) {
      const { text } = ChatMessage.decode(r.payload) as unknown as { text: string };
      yield new GrpcResponse({ payload: ChatMessage.encode({ text: text.toUpperCase() }).finish() });
    }
  }
}

let server: Server;
let client: grpc.Client & Record<string, any>;

beforeAll(async () => {
  const app = new Spikard({
    logger: { error: (...a: unknown[]) => logged.push(a), warn: () => undefined, info: () => undefined },
    grpc: { maxReceiveMessageSize: 1024 * 1024, maxSendMessageSize: 1024 * 1024 },
  });
  app.grpc(root.lookupService("example.v1.UserService"), new UserServiceHandler());
  server = await app.serve({ port: 0, grpcPort: 0 });
  client = grpcClient(root, "example.v1.UserService", server.grpcPort!);
});

afterAll(async () => {
  client?.close();
  await server?.close();
});

describe("the four call kinds (grpc-js client)", () => {
  it("unary: request decoded, response and metadata delivered", async () => {
    const md = new grpc.Metadata();
    md.set("x-echo-initial", "test_initial_metadata_value");
    md.set("x-echo-trailing-bin", Buffer.from([0xab, 0xab, 0xab]));
    const { response, headers, status } = await unary<{ id: number; name: string }>(client, "getUser", { id: 42 }, md);
    expect(response).toMatchObject({ id: 42, name: "John Doe" });
    expect(status.code).toBe(grpc.status.OK);
    expect(headers.get("x-echo-initial")).toEqual(["test_initial_metadata_value"]);
    expect(headers.get("x-from-response")).toEqual(["yes"]);
    expect(status.metadata.get("x-echo-trailing-bin")).toEqual([Buffer.from([0xab, 0xab, 0xab])]);
    expect(status.metadata.get("x-served-by")).toEqual(["example.v1.UserService/GetUser"]);
  });

  it("server streaming: every message, in order", async () => {
    const { messages, status } = await collect<{ id: number }>(client.listUsers({ count: 50, size: 3 }));
    expect(status.code).toBe(grpc.status.OK);
    expect(messages.map((m) => m.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("client streaming: the handler reads the whole stream", async () => {
    const result = await new Promise<{ total: string }>((resolve, reject) => {
      const call = client.upload((err: Error | null, res: { total: string }) => (err ? reject(err) : resolve(res)));
      for (let i = 0; i < 100; i++) call.write({ chunk: Buffer.alloc(1000) });
      call.end();
    });
    expect(result.total).toBe("100000");
  });

  it("bidi streaming: each answer arrives before the next request is sent (ping-pong)", async () => {
    const call = client.chat();
    const replies: string[] = [];
    for (const word of ["ping", "pong", "again"]) {
      const reply = new Promise<string>((resolve) => call.once("data", (m: { text: string }) => resolve(m.text)));
      call.write({ text: word });
      replies.push(await reply);
    }
    const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
    call.end();
    expect(replies).toEqual(["PING", "PONG", "AGAIN"]);
    expect((await status).code).toBe(grpc.status.OK);
  });

  it("bidi streaming with no messages either way ends OK", async () => {
    const call = client.chat();
    const result = collect(call);
    call.end();
    const { messages, status } = await result;
    expect(messages).toEqual([]);
    expect(status.code).toBe(grpc.status.OK);
  });
});

describe("statuses", () => {
  it.each(Array.from({ length: 16 }, (_, i) => i + 1))("GrpcError(%i) reaches the client with its message and trailing metadata", async (code) => {
    const err = await unary(client, "getUser", { id: code }).catch((e: grpc.ServiceError & { trailers: grpc.Metadata }) => e);
    expect(err).toBeInstanceOf(Error);
    const e = err as grpc.ServiceError;
    expect(e.code).toBe(code);
    expect(e.details).toBe(`status ${code}: ünïcödé % message\r\nline`);
    expect(e.metadata.get("x-error-detail")).toEqual(["d"]);
    expect(e.metadata.get("x-error-bin")).toEqual([Buffer.from([1, 2, 3])]);
  });

  it("an unexpected exception is INTERNAL with a generic message, and is logged", async () => {
    logged.length = 0;
    const err = (await unary(client, "getUser", { id: 100 }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toBe("Internal server error");
    expect(JSON.stringify(err.metadata.getMap())).not.toContain("secret");
    expect(String(logged.flat().map((x) => (x instanceof Error ? x.message : x)))).toContain("secret database password");
  });

  it("an unknown method or service is UNIMPLEMENTED", async () => {
    const r1 = await rawCall(server.grpcPort!, "/example.v1.UserService/Nope", encodeMessage(Buffer.alloc(0)));
    expect(r1.headers[":status"]).toBe(200);
    expect(r1.status).toBe("12");
    expect(r1.message).toBe("Method Nope is not implemented by example.v1.UserService");
    const r2 = await rawCall(server.grpcPort!, "/nope.Service/Call", encodeMessage(Buffer.alloc(0)));
    expect(r2.status).toBe("12");
    expect(r2.message).toBe("Service nope.Service is not implemented");
  });

  it("status and message travel in trailers, never in the headers of a call that sent messages", async () => {
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 42 }).finish()));
    expect(r.headers["grpc-status"]).toBeUndefined();
    expect(r.trailers["grpc-status"]).toBe("0");
    expect(r.frames).toHaveLength(1);
  });

  it("an immediate error is trailers-only: status in the one header block, END_STREAM on it", async () => {
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 5 }).finish()));
    expect(r.headers["grpc-status"]).toBe("5");
    expect(r.headers["content-type"]).toBe("application/grpc");
    expect(r.frames).toHaveLength(0);
    expect(r.headers["grpc-message"]).toBe("status 5: %C3%BCn%C3%AFc%C3%B6d%C3%A9 %25 message%0D%0Aline");
  });
});

describe("deadlines and cancellation", () => {
  it("the deadline fires the handler's signal and the call ends DEADLINE_EXCEEDED", async () => {
    const md = new grpc.Metadata();
    md.set("x-test", "deadline");
    const started = Date.now();
    const err = (await unary(client, "getUser", { id: 101 }, md, { deadline: Date.now() + 200 }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.deadline).toBeDefined();
    expect(events.deadline!.at - started).toBeGreaterThanOrEqual(150);
    // grpc-js also cancels at its deadline, so either may reach the handler first.
    expect([GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED]).toContain((events.deadline!.reason as GrpcError).code);
  });

  it("the server's own deadline answers DEADLINE_EXCEEDED even when the client does not enforce one", async () => {
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 101 }).finish()), { "grpc-timeout": "100m", "x-test": "raw-deadline" });
    expect(r.status).toBe("4");
    expect(r.message).toBe("Deadline exceeded");
    await new Promise((res) => setTimeout(res, 20));
    expect((events["raw-deadline"]!.reason as GrpcError).code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
  });

  it("a client cancel fires the handler's signal within 50 ms", async () => {
    const md = new grpc.Metadata();
    md.set("x-test", "cancel");
    const call = client.getUser({ id: 101 }, md, () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const cancelledAt = Date.now();
    call.cancel();
    for (let i = 0; i < 100 && events.cancel === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(events.cancel).toBeDefined();
    expect(events.cancel!.at - cancelledAt).toBeLessThan(50);
    expect((events.cancel!.reason as GrpcError).code).toBe(GrpcStatus.CANCELLED);
  });

  it("the longest grpc-timeout (99999999H) is a deadline that does not fire; 0m fires at once", async () => {
    const body = encodeMessage(GetUserRequest.encode({ id: 42 }).finish());
    expect((await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", body, { "grpc-timeout": "99999999H" })).status).toBe("0");
    expect((await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 101 }).finish()), { "grpc-timeout": "0m", "x-test": "zero" })).status).toBe("4");
  });

  it.each(["1", "10", "123456789S", "-1S", "1.5S", "1s", "S", "1 S x"])("a malformed grpc-timeout %j is INTERNAL", async (value) => {
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 42 }).finish()), { "grpc-timeout": value });
    expect(r.status).toBe("13");
    expect(r.message).toContain("Invalid grpc-timeout");
  });
});

describe("compression", () => {
  it("gzip requests are read, and the answer comes back gzip (compressed flag set)", async () => {
    const gz = grpcClient(root, "example.v1.UserService", server.grpcPort!, { "grpc.default_compression_algorithm": 2 });
    try {
      const { response } = await unary<{ name: string }>(gz, "getUser", { id: 20 });
      expect(response.name).toBe("John Doe");
    } finally {
      gz.close();
    }
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(zlib.gzipSync(GetUserRequest.encode({ id: 20 }).finish()), true), {
      "grpc-encoding": "gzip",
      "grpc-accept-encoding": "identity,gzip",
    });
    expect(r.status).toBe("0");
    expect(r.headers["grpc-encoding"]).toBe("gzip");
    expect(r.frames[0]!.compressed).toBe(true);
    expect((User.decode(zlib.gunzipSync(r.frames[0]!.data)) as unknown as { id: number }).id).toBe(20);
  });

  it("advertises grpc-accept-encoding and answers an unknown encoding UNIMPLEMENTED", async () => {
    const ok = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 42 }).finish()));
    expect(ok.headers["grpc-accept-encoding"]).toBe("identity,gzip");
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(Buffer.from("x"), true), { "grpc-encoding": "snappy" });
    expect(r.status).toBe("12");
    expect(r.headers["grpc-accept-encoding"]).toBe("identity,gzip");
  });

  it("a compressed message on an identity call, or one that is not gzip, is INTERNAL", async () => {
    const a = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(Buffer.from("x"), true));
    expect(a.status).toBe("13");
    const b = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", encodeMessage(Buffer.from("not gzip"), true), { "grpc-encoding": "gzip" });
    expect(b.status).toBe("13");
  });

  it("a gzip bomb stops at maxReceiveMessageSize (RESOURCE_EXHAUSTED)", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/Upload", encodeMessage(bomb, true), { "grpc-encoding": "gzip" });
    expect(r.status).toBe("8");
  });
});

describe("message size limits", () => {
  it("a request over maxReceiveMessageSize is RESOURCE_EXHAUSTED (grpc-js client)", async () => {
    const result = await new Promise<grpc.ServiceError | null>((resolve) => {
      const call = client.upload((err: grpc.ServiceError | null) => resolve(err));
      call.write({ chunk: Buffer.alloc(1024 * 1024 + 10) });
      call.end();
    });
    expect(result?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("is refused from the 5-byte prefix alone, before the message body arrives", async () => {
    const prefix = Buffer.from([0, 0x40, 0, 0, 0]); // declares 1 GiB
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/Upload", prefix, {}, { end: false });
    expect(r.status).toBe("8");
    expect(r.message).toContain("larger than max");
  });

  it("a response over maxSendMessageSize is RESOURCE_EXHAUSTED", async () => {
    const err = (await unary(client, "getUser", { id: 102 }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });
});

describe("hostile and malformed calls", () => {
  const port = (): number => server.grpcPort!;
  it("a non-POST request answers HTTP 405, a wrong content-type 415", async () => {
    const get = await rawCall(port(), "/example.v1.UserService/GetUser", Buffer.alloc(0), { ":method": "GET" });
    expect(get.headers[":status"]).toBe(405);
    const json = await rawCall(port(), "/example.v1.UserService/GetUser", Buffer.from("{}"), { "content-type": "application/json" });
    expect(json.headers[":status"]).toBe(415);
  });

  it("accepts application/grpc+proto", async () => {
    const r = await rawCall(port(), "/example.v1.UserService/GetUser", encodeMessage(GetUserRequest.encode({ id: 3 }).finish()), { "content-type": "application/grpc+proto" });
    expect(r.status).toBe("3");
  });

  it("a unary call with no message, or two, is UNIMPLEMENTED", async () => {
    const none = await rawCall(port(), "/example.v1.UserService/GetUser", Buffer.alloc(0));
    expect(none.status).toBe("12");
    const m = encodeMessage(GetUserRequest.encode({ id: 42 }).finish());
    const two = await rawCall(port(), "/example.v1.UserService/GetUser", Buffer.concat([m, m]));
    expect(two.status).toBe("12");
  });

  it("a stream that ends mid-message, or a frame flag other than 0/1, is INTERNAL", async () => {
    const truncated = await rawCall(port(), "/example.v1.UserService/GetUser", Buffer.from([0, 0, 0, 0, 10, 1, 2]));
    expect(truncated.status).toBe("13");
    const flag = await rawCall(port(), "/example.v1.UserService/GetUser", Buffer.from([2, 0, 0, 0, 0]));
    expect(flag.status).toBe("13");
  });

  it("survives a client that resets mid-stream, and keeps serving", async () => {
    const call = client.listUsers({ count: 100000, size: 100 });
    call.on("error", () => undefined);
    await new Promise((r) => call.once("data", r));
    call.cancel();
    const { response } = await unary<{ id: number }>(client, "getUser", { id: 77 });
    expect(response.id).toBe(77);
  });
});

describe("flow control", () => {
  it("10 000 streamed messages to a slow reader: the handler is held back, then every message arrives in order", async () => {
    const http2 = await import("node:http2");
    produced.count = 0;
    const session = http2.connect(`http://127.0.0.1:${server.grpcPort}`);
    const req = session.request({ ":method": "POST", ":path": "/example.v1.UserService/ListUsers", "content-type": "application/grpc", te: "trailers" });
    req.end(encodeMessage(ListUsersRequest.encode({ count: 10000, size: 1000 }).finish()));
    req.pause();
    await new Promise((r) => setTimeout(r, 500));
    // A reader that reads nothing holds the producer near the HTTP/2 window (64 KiB) plus one write buffer.
    const heldAt = produced.count;
    expect(heldAt).toBeLessThan(1000);
    const ids: number[] = [];
    let buf = Buffer.alloc(0);
    const done = new Promise<void>((resolve) => req.on("end", resolve));
    req.on("data", (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
        const len = buf.readUInt32BE(1);
        ids.push((User.decode(buf.subarray(5, 5 + len)) as unknown as { id: number }).id);
        buf = buf.subarray(5 + len);
      }
    });
    req.resume();
    await done;
    session.close();
    expect(ids).toHaveLength(10000);
    expect(ids.every((id, i) => id === i + 1)).toBe(true);
  });
});
