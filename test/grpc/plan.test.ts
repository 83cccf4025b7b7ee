import * as grpc from "@grpc/grpc-js";
import { createSigner } from "fast-jwt";
import path from "node:path";
import protobuf from "protobufjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackgroundTasks, Header, HttpError, Provide, Spikard, type Server } from "spikard";
import { GrpcError, GrpcHooks, GrpcStatus, type GrpcCallContext } from "spikard/grpc";
import { UserService, type UserServiceImplementation } from "../gen/user";
import { countingUpload, echoChat } from "../support/user-streams";
import { collect, grpcClient, rawCall, unary } from "../support/grpc-client";

const root = protobuf.loadSync(path.join(__dirname, "../protos/user.proto"));
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

class UserRepo {
  static created = 0;
  readonly id = ++UserRepo.created;
  name(id: number): string {
    return `user ${id}`;
  }
}
class Tenant {
  constructor(readonly id: string) {}
}
class Session {
  constructor(readonly n: number) {}
}

const events: string[] = [];
const logged: unknown[] = [];
let sessions = 0;

const impl: UserServiceImplementation = {
  async getUser(req, ctx, repo: UserRepo, tenant: Tenant, tasks: BackgroundTasks) {
    if (req.id === 404) throw new HttpError(404, `no user ${req.id}`);
    if (req.id === 409) throw new HttpError(409, "taken", { headers: { "retry-after": "3" } });
    if (req.id === 500) throw new TypeError("secret internals");
    tasks.add(() => void events.push(`task ${req.id}`));
    return { id: req.id, name: `${repo.name(req.id)} of ${tenant.id} (${String(ctx.state.user)}, repo ${repo.id})` };
  },
  async *listUsers(req, ctx, session: Session) {
    for (let i = 1; i <= req.count; i++) {
      yield { id: i, name: `s${session.n}` };
      await new Promise((r) => setTimeout(r, 5));
    }
  },
  async upload(requests, ctx, session: Session) {
    events.push(`upload with session ${session.n}`);
    return countingUpload(requests, ctx);
  },
  chat: echoChat,
};

function buildApp(): Spikard {
  const app = new Spikard({ logger: { ...quiet, error: (...a: unknown[]) => void logged.push(a) } });
  app.provide(UserRepo, Provide(() => new UserRepo(), { singleton: true }));
  app.provide(Tenant, Provide((x_tenant: Header<string>) => new Tenant(x_tenant)));
  app.provide(
    Session,
    Provide(function* () {
      const n = ++sessions;
      events.push(`open ${n}`);
      try {
        yield new Session(n);
      } finally {
        events.push(`close ${n}`);
      }
    }),
  );
  app.grpcHooks.onRequest((call: GrpcCallContext, repo: UserRepo) => {
    events.push(`app onRequest ${call.methodName} repo ${repo.id}`);
    if (call.metadata.has("x-deny")) return new GrpcError(GrpcStatus.PERMISSION_DENIED, "denied by hook");
    if (call.metadata.has("x-boom")) throw new Error("hook secret");
    if (call.metadata.has("x-slow")) return new Promise<void>((r) => setTimeout(r, 300));
    call.state.user = call.metadata.get("x-user") ?? "anonymous";
  });
  const hooks = new GrpcHooks()
    .onRequest((call) => void events.push(`service onRequest ${call.methodName}`))
    .preHandler((call, repo: UserRepo) => {
      events.push(`service preHandler ${call.methodName} repo ${repo.id}`);
      if (call.metadata.has("x-refuse")) throw new GrpcError(GrpcStatus.FAILED_PRECONDITION, "refused before the handler");
    })
    .onError((err) => (err instanceof TypeError ? (new GrpcError(GrpcStatus.FAILED_PRECONDITION, `mapped: ${err.message}`)) : undefined))
    .onResponse((status, call) => {
      events.push(`onResponse ${call.methodName} ${status.code}`);
      call.setTrailer("x-final-status", String(status.code));
      if (call.metadata.has("x-fail-late")) throw new GrpcError(GrpcStatus.DATA_LOSS, "rejected after the handler");
    });
  app.grpc(UserService, impl, { hooks });
  return app;
}

let app: Spikard;
let server: Server;
let client: grpc.Client & Record<string, any>;
beforeAll(async () => {
  app = buildApp();
  server = await app.serve({ port: 0, grpcPort: 0 });
  client = grpcClient(root, "example.v1.UserService", server.grpcPort!);
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => {
  events.length = 0;
});

const md = (entries: Record<string, string>): grpc.Metadata => {
  const m = new grpc.Metadata();
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return m;
};
const failure = (p: Promise<unknown>): Promise<grpc.ServiceError & { trailers: grpc.Metadata }> => p.then(() => expect.unreachable("the call succeeded"), (e: grpc.ServiceError & { trailers: grpc.Metadata }) => e);
const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("gRPC calls through the method's plan (hooks, dependencies) over grpc-js", () => {
  it("injects dependencies (a singleton, one built from metadata) and runs hooks in order around the handler", async () => {
    const { response, status } = await unary<{ id: number; name: string }>(client, "getUser", { id: 7 }, md({ "x-tenant": "acme", "x-user": "ann" }));
    expect(response.name).toMatch(/^user 7 of acme \(ann, repo \d+\)$/);
    expect(status.metadata.get("x-final-status")).toEqual(["0"]);
    await until(() => events.includes("task 7"));
    const repoId = /repo (\d+)/.exec(response.name)![1];
    expect(events).toEqual([`app onRequest GetUser repo ${repoId}`, "service onRequest GetUser", `service preHandler GetUser repo ${repoId}`, "onResponse GetUser 0", "task 7"]);
    // The singleton is one object for hooks and handler, call after call.
    const again = await unary<{ name: string }>(client, "getUser", { id: 8 }, md({ "x-tenant": "acme" }));
    expect(again.response.name).toContain(`(anonymous, repo ${repoId})`);
  });

  it("app.dependencyOverrides reach a serving app's calls (the HTTP/2 listener looks methods up in the app's registry)", async () => {
    class FakeRepo extends UserRepo {
      override name(): string {
        return "fake";
      }
    }
    app.dependencyOverrides.set(UserRepo, Provide(() => new FakeRepo()));
    try {
      app.pipeline(); // what the next HTTP request does: recompile the plans
      expect((await unary<{ name: string }>(client, "getUser", { id: 1 }, md({ "x-tenant": "t" }))).response.name).toMatch(/^fake of t/);
    } finally {
      app.dependencyOverrides.clear();
    }
    expect((await unary<{ name: string }>(client, "getUser", { id: 1 }, md({ "x-tenant": "t" }))).response.name).toMatch(/^user 1 of t/);
  });

  it("an onRequest hook's GrpcError ends the call before the handler, trailers-only", async () => {
    const err = await failure(unary(client, "getUser", { id: 1 }, md({ "x-tenant": "t", "x-deny": "1" })));
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details).toBe("denied by hook");
    expect(events.some((e) => e.startsWith("task"))).toBe(false);
    expect(events).toContain("onResponse GetUser 7");
    expect(err.trailers.get("x-final-status")).toEqual(["7"]);
  });

  it("a dependency's missing metadata is INVALID_ARGUMENT naming it, not a 422", async () => {
    const err = await failure(unary(client, "getUser", { id: 1 }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/x-tenant/);
    // Dependencies resolve before preHandler hooks: a call refused by them never reaches one.
    expect(events.some((e) => e.startsWith("service preHandler"))).toBe(false);
  });

  it("a preHandler hook's GrpcError ends the call after the message and dependencies, before the handler", async () => {
    const err = await failure(unary(client, "getUser", { id: 6 }, md({ "x-tenant": "t", "x-refuse": "1" })));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toBe("refused before the handler");
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toContainEqual(expect.stringMatching(/^service preHandler GetUser repo \d+$/));
    expect(events.some((e) => e.startsWith("task"))).toBe(false);
  });

  it("an HttpError from code shared with the routes maps to its gRPC status, with its detail and headers as metadata", async () => {
    const notFound = await failure(unary(client, "getUser", { id: 404 }, md({ "x-tenant": "t" })));
    expect(notFound.code).toBe(grpc.status.NOT_FOUND);
    expect(notFound.details).toBe("no user 404");
    const conflict = await failure(unary(client, "getUser", { id: 409 }, md({ "x-tenant": "t" })));
    expect(conflict.code).toBe(grpc.status.ABORTED);
    expect(conflict.trailers.get("retry-after")).toEqual(["3"]);
  });

  it("onError hooks may answer an exception with their own status; onResponse sees it", async () => {
    const err = await failure(unary(client, "getUser", { id: 500 }, md({ "x-tenant": "t" })));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toBe("mapped: secret internals");
    expect(events).toContain("onResponse GetUser 9");
  });

  it("an onResponse hook's GrpcError replaces a unary call's OK: the answer held for the trailers is not sent", async () => {
    const err = await failure(unary(client, "getUser", { id: 3 }, md({ "x-tenant": "t", "x-fail-late": "1" })));
    expect(err.code).toBe(grpc.status.DATA_LOSS);
    expect(err.details).toBe("rejected after the handler");
    expect(err.trailers.get("x-final-status")).toEqual(["0"]);
  });

  it("a streaming method's generator dependency is cleaned up after the stream, also when the client cancels", async () => {
    const done = await collect<{ name: string }>(client.listUsers({ count: 3 }));
    expect(done.messages.map((m) => m.name)).toEqual([`s${sessions}`, `s${sessions}`, `s${sessions}`]);
    await until(() => events.includes(`close ${sessions}`));
    expect(events.indexOf(`close ${sessions}`)).toBeGreaterThan(events.indexOf(`open ${sessions}`));
    const call = client.listUsers({ count: 1000 });
    call.on("error", () => undefined);
    await new Promise<void>((resolve) => call.once("data", () => resolve()));
    const n = sessions;
    call.cancel();
    await until(() => events.includes(`close ${n}`));
    expect(events, JSON.stringify(events)).toContain(`close ${n}`);
    expect(events).toContain("onResponse ListUsers 1");
  });
});

describe("hostile calls on a planned method end with a status and leave the server serving", () => {
  it("a hook's unexpected exception is INTERNAL with a generic message, logged, nothing leaked", async () => {
    logged.length = 0;
    const err = await failure(unary(client, "getUser", { id: 1 }, md({ "x-tenant": "t", "x-boom": "1" })));
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toBe("Internal server error");
    expect(JSON.stringify(logged.map(String))).toContain("hook secret");
  });

  it("a deadline that passes while a hook awaits ends the call; the handler and its dependencies never run", async () => {
    const opened = sessions;
    const call = client.listUsers({ count: 3 }, md({ "x-slow": "1" }), { deadline: Date.now() + 50 });
    const { status } = await collect(call);
    expect(status.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 400));
    expect(sessions).toBe(opened);
    // The server's own deadline (4) or grpc-js's cancel at the same deadline (1), whichever comes first.
    expect(events.filter((e) => e.startsWith("onResponse"))).toEqual([expect.stringMatching(/^onResponse ListUsers (4|1)$/)]);
  });

  it("a deadline while the handler awaits its next request message ends the handler's stream, so its dependencies are cleaned up", async () => {
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = client.upload(md({}), { deadline: Date.now() + 150 }, () => undefined);
      call.on("status", resolve);
      call.write({ chunk: Buffer.from("one") });
    });
    expect(status.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    const n = Number(/session (\d+)/.exec(events.find((e) => e.startsWith("upload with")) ?? "")?.[1]);
    expect(n).toBeGreaterThan(0);
    await until(() => events.includes(`close ${n}`));
    expect(events).toContain(`close ${n}`);
  });

  it("a cut frame, an oversize length prefix and no message at all on a planned method are INTERNAL / RESOURCE_EXHAUSTED / UNIMPLEMENTED", async () => {
    const msg = Buffer.from(root.lookupType("example.v1.GetUserRequest").encode({ id: 1 }).finish());
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, msg.length]), msg]);
    const h = { "x-tenant": "t" };
    expect((await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", framed.subarray(0, framed.length - 1), h)).status).toBe(String(GrpcStatus.INTERNAL));
    expect((await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1]), h)).status).toBe(String(GrpcStatus.RESOURCE_EXHAUSTED));
    // onRequest ran; the message was refused from its prefix, so no preHandler hook did.
    expect(events).toContain("service onRequest GetUser");
    expect(events.some((e) => e.startsWith("service preHandler"))).toBe(false);
    expect((await rawCall(server.grpcPort!, "/example.v1.UserService/GetUser", Buffer.alloc(0), h)).status).toBe(String(GrpcStatus.UNIMPLEMENTED));
    expect((await unary<{ id: number }>(client, "getUser", { id: 2 }, md(h))).response.id).toBe(2);
  });
});

describe("the app's authentication and rate limit guard gRPC calls, with gRPC statuses", () => {
  const secret = "grpc-secret";
  const sign = createSigner({ key: secret, expiresIn: 60_000 });
  let guarded: Server;
  let open: Server;
  let g: grpc.Client & Record<string, any>;
  let o: grpc.Client & Record<string, any>;
  let seen: unknown[] = [];
  const plain: UserServiceImplementation = {
    getUser(req, ctx) {
      seen.push(ctx.state.jwt);
      return { id: req.id, name: "ok" };
    },
    async *listUsers() {},
    upload: () => ({ total: 0 }),
    async *chat() {},
  };
  beforeAll(async () => {
    const app = new Spikard({ logger: quiet, jwtAuth: { secret } });
    app.grpc(UserService, plain);
    guarded = await app.serve({ port: 0, grpcPort: 0 });
    const limited = new Spikard({ logger: quiet, jwtAuth: { secret }, rateLimit: { perSecond: 0.001, burst: 2 } });
    limited.grpc(UserService, plain, { skip: ["jwtAuth"] });
    open = await limited.serve({ port: 0, grpcPort: 0 });
    g = grpcClient(root, "example.v1.UserService", guarded.grpcPort!);
    o = grpcClient(root, "example.v1.UserService", open.grpcPort!);
  });
  afterAll(async () => {
    g.close();
    o.close();
    await Promise.all([guarded.close(), open.close()]);
  });

  it("jwtAuth: no token, a bad scheme or a bad signature are UNAUTHENTICATED with the middleware's detail; the handler never runs", async () => {
    seen = [];
    const missing = await failure(unary(g, "getUser", { id: 1 }));
    expect(missing.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(missing.details).toBe("Expected 'Authorization: Bearer <token>'");
    const scheme = await failure(unary(g, "getUser", { id: 1 }, md({ authorization: "Basic abc" })));
    expect(scheme.code).toBe(grpc.status.UNAUTHENTICATED);
    const forged = createSigner({ key: "other", expiresIn: 60_000 })({ sub: "eve" });
    const bad = await failure(unary(g, "getUser", { id: 1 }, md({ authorization: `Bearer ${forged}` })));
    expect(bad.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(bad.details).toBe("Token signature is invalid");
    const junk = await failure(unary(g, "getUser", { id: 1 }, md({ authorization: `Bearer ${"a".repeat(8000)}.b.c` })));
    expect(junk.code).toBe(grpc.status.UNAUTHENTICATED);
    const streamed = await collect(g.listUsers({ count: 2 }));
    expect(streamed.status.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(seen).toEqual([]);
  });

  it("jwtAuth: a valid token passes and its claims are ctx.state.jwt", async () => {
    seen = [];
    const { response } = await unary<{ name: string }>(g, "getUser", { id: 2 }, md({ authorization: `Bearer ${sign({ sub: "ann" })}` }));
    expect(response.name).toBe("ok");
    expect(seen).toEqual([expect.objectContaining({ sub: "ann" })]);
  });

  it("the built-in health service is not guarded (probes carry no credentials)", async () => {
    const health = new (grpc.makeGenericClientConstructor({}, "x"))(`127.0.0.1:${guarded.grpcPort}`, grpc.credentials.createInsecure());
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = health.makeUnaryRequest("/grpc.health.v1.Health/Check", (v: Buffer) => v, (b: Buffer) => b, Buffer.alloc(0), () => undefined);
      call.on("status", resolve);
    });
    health.close();
    expect(status.code).toBe(grpc.status.OK);
  });

  it("skip: ['jwtAuth'] opens a service; the rate limit still applies: RESOURCE_EXHAUSTED with retry-after", async () => {
    seen = [];
    await unary(o, "getUser", { id: 1 });
    await unary(o, "getUser", { id: 2 });
    const limited = await failure(unary(o, "getUser", { id: 3 }));
    expect(limited.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(limited.trailers.get("retry-after").length).toBe(1);
    expect(seen).toEqual([undefined, undefined]);
  });
});

describe("registration of planned services", () => {
  it("hooks registered after the app started serving throw REGISTERED_TOO_LATE; a service's own hooks too", async () => {
    const hooks = new GrpcHooks();
    const app = new Spikard({ logger: quiet });
    app.grpc(UserService, impl, { hooks });
    app.provide(UserRepo, Provide(() => new UserRepo()));
    app.provide(Tenant, Provide((x_tenant: Header<string>) => new Tenant(x_tenant)));
    app.provide(Session, Provide(() => new Session(0)));
    app.pipeline();
    expect(() => app.grpcHooks.onRequest(() => undefined)).toThrow(expect.objectContaining({ code: "REGISTERED_TOO_LATE" }));
    expect(() => hooks.onError(() => undefined)).toThrow(expect.objectContaining({ code: "REGISTERED_TOO_LATE" }));
  });

  it("a method's dependency without a provider stops start-up naming the method", () => {
    const app = new Spikard({ logger: quiet });
    app.grpc(UserService, impl);
    expect(() => app.pipeline()).toThrow(/GetUser|ListUsers/);
  });

  it("bad options are refused at registration or start-up: hooks that are no GrpcHooks, skip that is no list or names no middleware", () => {
    const app = new Spikard({ logger: quiet });
    expect(() => app.grpc(UserService, impl, { hooks: {} as GrpcHooks })).toThrow(expect.objectContaining({ code: "GRPC_SERVICE" }));
    expect(() => app.grpc(UserService, impl, { skip: "jwtAuth" as unknown as string[] })).toThrow(expect.objectContaining({ code: "GRPC_SERVICE" }));
    const typo = new Spikard({ logger: quiet, jwtAuth: { secret: "s" } });
    typo.grpc(UserService, { getUser: (req) => ({ id: req.id }), listUsers: async function* () {}, upload: countingUpload, chat: echoChat }, { skip: ["jwt"] });
    expect(() => typo.pipeline()).toThrow(expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining('"jwt"') }));
  });
});
