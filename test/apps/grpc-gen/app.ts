import { Provide, Spikard, type Header } from "spikard";
import { GrpcHooks, type GrpcCallContext } from "spikard/grpc";
import { UserService, type UserServiceImplementation } from "./gen/user";

/** A gRPC service whose methods and hooks take injected parameters, built by the gRPC `spikard gen` test. */
export class Repo {
  readonly names = new Map<number, string>([[1, "Ada"]]);
}
export class Tenant {
  constructor(readonly name: string) {}
}

export const app = new Spikard();
app.provide(Repo, Provide(() => new Repo(), { singleton: true }));
app.provide(Tenant, Provide((x_tenant: Header<string>) => new Tenant(x_tenant)));
app.grpcHooks.onRequest((call: GrpcCallContext, repo: Repo) => {
  call.state.known = repo.names.size;
});
const hooks = new GrpcHooks().onResponse((status, call: GrpcCallContext, repo: Repo) => {
  call.setTrailer("x-known", String(repo.names.size));
});

const impl: UserServiceImplementation = {
  getUser(req, ctx: GrpcCallContext, repo: Repo, tenant: Tenant) {
    return { id: req.id, name: `${repo.names.get(req.id) ?? "nobody"} of ${tenant.name} (${String(ctx.state.known)} known)` };
  },
  async *listUsers(req, ctx, repo: Repo) {
    for (let i = 1; i <= req.count; i++) yield { id: i, name: repo.names.get(i) ?? `user ${i}` };
  },
  async upload(requests) {
    let total = 0;
    for await (const r of requests) total += r.chunk.length;
    return { total: String(total) };
  },
  async *chat(requests) {
    for await (const m of requests) yield m;
  },
};
app.grpc(UserService, impl, { hooks });
