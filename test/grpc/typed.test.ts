import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { Spikard, type Server } from "spikard";
import { GrpcError, GrpcStatus, type GrpcCallContext } from "spikard/grpc";
import { ChatMessage, Role, User, UserService, type GetUserRequest, type UploadChunk, type UserServiceImplementation } from "../gen/user";
import { collect, grpcClient, rawCall, unary } from "../support/grpc-client";

const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));

/** The typed form: types from the generated module, checked by tsc. */
const impl: UserServiceImplementation = {
  async getUser(req, ctx) {
    expectTypeOf(req).toEqualTypeOf<GetUserRequest>();
    expectTypeOf(ctx).toEqualTypeOf<GrpcCallContext>();
    if (req.id === 404) throw new GrpcError(GrpcStatus.NOT_FOUND, "no such user");
    ctx.setTrailer("x-user-id", String(req.id));
    return { id: req.id, name: "John", tags: ["a", "b"], role: Role.ROLE_ADMIN, createdAt: "9007199254740993", labels: { team: "core" }, address: { city: "Oslo" }, email: "j@example.com", nickname: "jj" };
  },
  async *listUsers(req) {
    for (let i = 1; i <= req.count; i++) yield { id: i, name: `user ${i}` };
  },
  async upload(requests) {
    let n = 0;
    for await (const r of requests) {
      expectTypeOf(r).toEqualTypeOf<UploadChunk>();
      n += r.chunk.length;
    }
    return { total: n };
  },
  async *chat(requests) {
    for await (const m of requests) yield { text: m.text };
  },
};

let server: Server;
let client: grpc.Client & Record<string, any>;
beforeAll(async () => {
  const app = new Spikard();
  app.grpc(UserService, impl);
  server = await app.serve({ port: 0, grpcPort: 0 });
  client = grpcClient(root, "example.v1.UserService", server.grpcPort!);
});
afterAll(async () => {
  client.close();
  await server.close();
});

describe("the typed form (generated UserService)", () => {
  it("unary: every field type round-trips through a grpc-js client", async () => {
    const { response, status } = await unary<Record<string, unknown>>(client, "getUser", { id: 7 });
    expect(response).toMatchObject({ id: 7, name: "John", tags: ["a", "b"], role: 1, createdAt: "9007199254740993", labels: { team: "core" }, address: { city: "Oslo" }, email: "j@example.com", nickname: "jj" });
    expect(status.metadata.get("x-user-id")).toEqual(["7"]);
  });

  it("GrpcError thrown from a typed handler keeps its status", async () => {
    const err = (await unary(client, "getUser", { id: 404 }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.details).toBe("no such user");
  });

  it("server, client and bidi streaming", async () => {
    const listed = await collect<{ id: number }>(client.listUsers({ count: 3 }));
    expect(listed.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    const total = await new Promise<{ total: string }>((resolve, reject) => {
      const call = client.upload((e: Error | null, r: { total: string }) => (e ? reject(e) : resolve(r)));
      call.write({ chunk: Buffer.from("hello") });
      call.write({ chunk: Buffer.from("world!") });
      call.end();
    });
    expect(total.total).toBe("11");
    const chat = client.chat();
    const got = collect<{ text: string }>(chat);
    chat.write({ text: "hi" });
    chat.end();
    expect((await got).messages).toEqual([{ text: "hi" }]);
  });

  it("a request that is not valid protobuf is INTERNAL", async () => {
    const r = await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", Buffer.from([0, 0, 0, 0, 3, 0x0a, 0xff, 0xff]));
    expect(r.status).toBe("13");
    expect(r.message).toContain("Error deserializing request");
  });

  it("codecs encode and decode plain objects (int64 as exact decimal strings)", () => {
    const bytes = User.encode({ id: 1, createdAt: "9007199254740993" });
    expect(User.decode(bytes)).toMatchObject({ id: 1, createdAt: "9007199254740993", name: "", tags: [], address: null });
    expect(ChatMessage.decode(ChatMessage.encode({ text: "é" })).text).toBe("é");
  });
});
