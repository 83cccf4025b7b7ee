import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { Spikard } from "spikard";
import { encodeMessage, GrpcResponse, type GrpcRequest } from "spikard/grpc";
import { grpcClient, unary } from "../support/grpc-client";

const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));
const User = root.lookupType("example.v1.User");
const UploadChunk = root.lookupType("example.v1.UploadChunk");
const UploadSummary = root.lookupType("example.v1.UploadSummary");
const service = root.lookupService("example.v1.UserService");

describe("client-to-server backpressure", () => {
  it("10 000 messages to a handler that stops reading: the client is held back by flow control, then every message arrives", async () => {
    let gate!: () => void;
    const opened = new Promise<void>((r) => (gate = r));
    let received = 0;
    const app = new Spikard();
    app.grpc(service, {
      async handleClientStream(requests: AsyncIterable<GrpcRequest>) {
        for await (const r of requests) {
          if (received++ === 0) await opened;
          UploadChunk.decode(r.payload);
        }
        return new GrpcResponse({ payload: UploadSummary.encode({ total: received }).finish() });
      },
    });
    const server = await app.serve({ port: 0, grpcPort: 0 });
    const session = http2.connect(`http://127.0.0.1:${server.grpcPort}`);
    try {
      const req = session.request({ ":method": "POST", ":path": "/example.v1.UserService/Upload", "content-type": "application/grpc", te: "trailers" });
      const frame = encodeMessage(UploadChunk.encode({ chunk: Buffer.alloc(1024, 1) }).finish());
      for (let i = 0; i < 10_000; i++) req.write(frame);
      req.end();
      await new Promise((r) => setTimeout(r, 500));
      // ~10 MB written by the client; the server took at most its buffer plus the HTTP/2 window.
      expect(received).toBe(1);
      expect(req.writableLength).toBeGreaterThan(8 * 1024 * 1024);
      const trailers = new Promise<http2.IncomingHttpHeaders>((r) => req.on("trailers", r));
      req.on("data", () => undefined);
      gate();
      expect((await trailers)["grpc-status"]).toBe("0");
      expect(received).toBe(10_000);
    } finally {
      session.close();
      await server.close();
    }
  });
});

describe("keepalive", () => {
  it("pings idle connections every keepalive.timeMs", async () => {
    const app = new Spikard({ grpc: { keepalive: { timeMs: 50, timeoutMs: 1000 } } });
    app.grpc(service, { handleRequest: async () => new GrpcResponse({ payload: User.encode({ id: 1 }).finish() }) });
    const server = await app.serve({ port: 0, grpcPort: 0 });
    const session = http2.connect(`http://127.0.0.1:${server.grpcPort}`);
    let pings = 0;
    session.on("ping", () => pings++);
    await new Promise((r) => setTimeout(r, 400));
    session.close();
    await server.close();
    expect(pings).toBeGreaterThanOrEqual(3);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("TLS", () => {
  it.skipIf(!hasOpenssl)("serves h2 over TLS to a grpc-js client that trusts the certificate", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-tls-"));
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore" });
    const app = new Spikard({ grpc: { tls: { key: fs.readFileSync(key), cert: fs.readFileSync(cert) } } });
    app.grpc(service, { handleRequest: async () => new GrpcResponse({ payload: User.encode({ id: 3, name: "secure" }).finish() }) });
    const server = await app.serve({ port: 0, grpcPort: 0 });
    const secure = new (grpc.makeGenericClientConstructor(
      {
        getUser: {
          path: "/example.v1.UserService/GetUser",
          requestStream: false,
          responseStream: false,
          requestSerialize: (v: object) => Buffer.from(root.lookupType("example.v1.GetUserRequest").encode(v).finish()),
          responseDeserialize: (b: Buffer) => User.toObject(User.decode(b)),
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (v: Buffer) => v,
        },
      },
      "UserService",
    ))(`localhost:${server.grpcPort}`, grpc.credentials.createSsl(fs.readFileSync(cert))) as grpc.Client & Record<string, any>;
    try {
      const { response } = await unary<{ name: string }>(secure, "getUser", { id: 3 });
      expect(response.name).toBe("secure");
      // A cleartext client gets nothing from the TLS port.
      const plain = grpcClient(root, "example.v1.UserService", server.grpcPort!);
      const err = (await unary(plain, "getUser", { id: 1 }, new grpc.Metadata(), { deadline: Date.now() + 1000 }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain(err.code);
      plain.close();
    } finally {
      secure.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
