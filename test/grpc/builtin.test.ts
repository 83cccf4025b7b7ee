import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { GrpcReflection } from "grpc-js-reflection-client";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Spikard, type Server } from "spikard";
import { GrpcResponse, type GrpcRequest } from "spikard/grpc";
import { collect, grpcClient, unary } from "../support/grpc-client";

const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));
const User = root.lookupType("example.v1.User");
const GetUserRequest = root.lookupType("example.v1.GetUserRequest");
const HEALTH = protobuf.parse(`syntax = "proto3"; package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; } ServingStatus status = 1; }
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse); }`).root;

function userApp(): Spikard {
  const app = new Spikard();
  app.grpc(root.lookupService("example.v1.UserService"), {
    async handleRequest(req: GrpcRequest) {
      const { id } = GetUserRequest.decode(req.payload) as unknown as { id: number };
      if (id === 999) await new Promise((r) => setTimeout(r, 300));
      return new GrpcResponse({ payload: User.encode({ id, name: `user ${id}`, tags: ["a"] }).finish() });
    },
  });
  return app;
}

describe("grpc.health.v1.Health", () => {
  let server: Server;
  let health: grpc.Client & Record<string, any>;
  beforeAll(async () => {
    server = await userApp().serve({ port: 0, grpcPort: 0 });
    health = grpcClient(HEALTH, "grpc.health.v1.Health", server.grpcPort!);
  });
  afterAll(async () => {
    health.close();
    await server.close().catch(() => undefined);
  });

  it("Check: the server and each service are SERVING; an unknown service is NOT_FOUND", async () => {
    expect((await unary<{ status: number }>(health, "check", { service: "" })).response.status).toBe(1);
    expect((await unary<{ status: number }>(health, "check", { service: "example.v1.UserService" })).response.status).toBe(1);
    const err = (await unary(health, "check", { service: "nope.Service" }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });

  it("Watch streams SERVING, then NOT_SERVING while the server drains; in-flight calls finish, new ones are refused", async () => {
    const watch = collect<{ status: number }>(health.watch({ service: "example.v1.UserService" }));
    const unknown = health.watch({ service: "nope.Service" });
    const firstUnknown = new Promise<{ status: number }>((r) => unknown.once("data", r));
    unknown.on("error", () => undefined);
    expect((await firstUnknown).status).toBe(3);
    await new Promise((r) => setTimeout(r, 50));
    const users = grpcClient(root, "example.v1.UserService", server.grpcPort!);
    const slow = unary<{ name: string }>(users, "getUser", { id: 999 });
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    const { messages, status } = await watch;
    expect(messages.map((m) => m.status)).toEqual([1, 2]);
    expect(status.code).toBe(grpc.status.OK);
    // The call in flight when the drain began still completes.
    expect((await slow).response.name).toBe("user 999");
    await closing;
    users.close();
    const after = grpcClient(root, "example.v1.UserService", server.grpcPort!);
    const refused = (await unary(after, "getUser", { id: 1 }, new grpc.Metadata(), { deadline: Date.now() + 1000 }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain(refused.code);
    after.close();
  });
});

describe.each(["v1", "v1alpha"])("server reflection %s", (version) => {
  let server: Server;
  beforeAll(async () => {
    server = await userApp().serve({ port: 0, grpcPort: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it("lists every service, the built-in ones included", async () => {
    const reflection = new GrpcReflection(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure(), {}, version);
    const services = await reflection.listServices();
    expect(services.sort()).toEqual(["example.v1.UserService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]);
  });

  it("serves a service's descriptors so a client built from them alone can call it", async () => {
    const reflection = new GrpcReflection(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure(), {}, version);
    const methods = await reflection.listMethods("example.v1.UserService");
    expect(methods.map((m) => m.name).sort()).toEqual(["Chat", "GetUser", "ListUsers", "Upload"]);
    const descriptor = await reflection.getDescriptorBySymbol("example.v1.UserService");
    const pkg = descriptor.getPackageObject({ keepCase: true, longs: String, defaults: true }) as any;
    const Ctor = pkg.example.v1.UserService as typeof grpc.Client;
    const client = new Ctor(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
    const res = await new Promise<any>((resolve, reject) => client.GetUser({ id: 5 }, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
    expect(res).toMatchObject({ id: 5, name: "user 5", tags: ["a"] });
    client.close();
  });

  it("answers a symbol or file it does not know with an error response", async () => {
    const reflection = new GrpcReflection(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure(), {}, version);
    await expect(reflection.getDescriptorBySymbol("no.Such")).rejects.toThrow();
    await expect(reflection.getDescriptorByFileName("nope.proto")).rejects.toThrow();
  });
});

describe("configuration", () => {
  it("health and reflection can be turned off", async () => {
    const app = userApp();
    (app.config as { grpc?: object }).grpc = { health: false, reflection: false };
    const server = await app.serve({ port: 0, grpcPort: 0 });
    try {
      const health = grpcClient(HEALTH, "grpc.health.v1.Health", server.grpcPort!);
      const err = (await unary(health, "check", { service: "" }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
      health.close();
    } finally {
      await server.close();
    }
  });

  it("a service registered twice is a coded error", () => {
    const app = userApp();
    expect(() => app.grpc(root.lookupService("example.v1.UserService"), { handleRequest: async () => new GrpcResponse({ payload: new Uint8Array() }) })).toThrow(
      expect.objectContaining({ code: "GRPC_SERVICE" }),
    );
  });

  it("registering a service after serve() is REGISTERED_TOO_LATE, not a silently unserved service", async () => {
    const app = userApp();
    const server = await app.serve({ port: 0, grpcPort: 0 });
    try {
      expect(() => app.grpc(HEALTH.lookupService("grpc.health.v1.Health"), { handleRequest: async () => new GrpcResponse({ payload: new Uint8Array() }) })).toThrow(
        expect.objectContaining({ code: "REGISTERED_TOO_LATE", message: expect.stringContaining("a gRPC service") }),
      );
    } finally {
      await server.close();
    }
  });

  it("the listener's port in use is LISTEN_FAILED", async () => {
    const first = await userApp().serve({ port: 0, grpcPort: 0 });
    try {
      await expect(userApp().serve({ port: 0, grpcPort: first.grpcPort })).rejects.toMatchObject({ code: "LISTEN_FAILED" });
    } finally {
      await first.close();
    }
  });
});
