import type protobuf from "protobufjs";
import { SpikardError } from "../errors";
import { BUILTIN_ORDER } from "../pipeline/middleware";
import { generatedGrpcMeta } from "../runtime/generated";
import type { GrpcServiceMeta } from "../runtime/meta";
import { compileCallPlan, planNeeds, type CallSettings } from "./call-plan";
import type { GrpcHandler } from "./handler";
import type { GrpcHooks } from "./hooks";
import { LOW_LEVEL_METHODS, lowLevelMethods, protobufServiceMethods } from "./low-level";
import type { RegisteredMethod } from "./service";
import { isServiceDefinition, typedMethods, type ServiceDefinition } from "./typed";

export interface RegisteredService {
  readonly name: string;
  readonly methods: readonly RegisteredMethod[];
  /** Where the service's types live, for reflection; absent for services built by hand. */
  readonly root: (() => protobuf.Root) | undefined;
}

/** The third argument of `app.grpc(service, implementation, options)`. */
export interface GrpcServiceOptions {
  /** Hooks for this service's calls, run after the app's (`app.grpcHooks`). */
  hooks?: GrpcHooks;
  /**
   * ServerConfig middleware this service's calls leave out, by name, as a route's `skip`:
   * `["jwtAuth"]` for a public service. Calls run only the rate limit and authentication.
   */
  skip?: string[];
}

/** Services by name and methods by `/package.Service/Method` path. */
export class GrpcRegistry {
  private readonly byPath = new Map<string, RegisteredMethod>();
  private readonly byName = new Map<string, RegisteredService>();
  /** Services as registered, with their own hooks: what `compile` builds the served methods from. */
  private readonly sources: Array<{ service: RegisteredService; hooks: GrpcHooks | undefined; skip: readonly string[] }> = [];

  /**
   * `add(root.lookupService("x.v1.S"), new Handler())` (low-level GrpcHandler) or
   * `add(S, { method(req, ctx) {...} })` (a generated definition and its typed implementation).
   * `meta` is the transformer's: the parameters each method takes after `(request, ctx)`.
   */
  add(service: protobuf.Service | ServiceDefinition, handler: GrpcHandler | Record<string, unknown>, options: GrpcServiceOptions = {}, meta?: GrpcServiceMeta): void {
    if (typeof handler !== "object" || handler === null) throw new SpikardError("GRPC_SERVICE", "app.grpc(service, handler): the handler must be an object");
    if (options.hooks !== undefined && typeof (options.hooks as { onRequest?: unknown }).onRequest !== "function") {
      throw new SpikardError("GRPC_SERVICE", "app.grpc(service, handler, { hooks }): hooks must be a GrpcHooks (new GrpcHooks().onRequest(...))");
    }
    const compiled = meta ?? generatedGrpcMeta(handler, `app.grpc(${isServiceDefinition(service) ? service.typeName : String((service as { fullName?: unknown }).fullName ?? "service")}, ...)`);
    const argsOf = (key: string) => compiled?.methods[key]?.args;
    let registered: RegisteredService;
    if (isServiceDefinition(service)) {
      const lowLevel = LOW_LEVEL_METHODS.some((k) => typeof (handler as Record<string, unknown>)[k] === "function") && !Object.keys(service.methods).some((k) => k in handler);
      const methods = lowLevel
        ? lowLevelMethods(service.typeName, Object.values(service.methods).map((m) => ({ name: m.name, kind: m.kind })), handler as GrpcHandler, argsOf)
        : typedMethods(service, handler as Record<string, unknown>, argsOf);
      registered = { name: service.typeName, methods, root: service.root };
    } else if (isProtobufService(service)) {
      const name = service.fullName.replace(/^\./, "");
      const root = service.root as protobuf.Root;
      registered = { name, methods: lowLevelMethods(name, protobufServiceMethods(service), handler as GrpcHandler, argsOf), root: () => root };
    } else {
      throw new SpikardError("GRPC_SERVICE", "app.grpc(service, handler): service must be a protobufjs Service (root.lookupService(...)) or a definition from `spikard generate proto`");
    }
    if (options.skip !== undefined && (!Array.isArray(options.skip) || options.skip.some((s) => typeof s !== "string"))) {
      throw new SpikardError("GRPC_SERVICE", "app.grpc(service, handler, { skip }): skip must be an array of middleware names");
    }
    this.addService(registered, options.hooks, options.skip);
  }

  /** Registers methods built elsewhere (the built-in health and reflection services: no hooks, nothing injected). */
  addService(service: RegisteredService, hooks?: GrpcHooks, skip: readonly string[] = []): void {
    if (this.byName.has(service.name)) throw new SpikardError("GRPC_SERVICE", `gRPC service ${service.name} is registered twice`);
    this.sources.push({ service, hooks, skip });
    this.put(service);
  }

  private put(service: RegisteredService): void {
    this.byName.set(service.name, service);
    for (const m of service.methods) this.byPath.set(m.path, m);
  }

  /**
   * When the app starts serving: each method gets its plan (the guards its service does not
   * skip, the app's hooks, its service's, its injected parameters), registration of hooks ends, and every dependency a plan needs is checked
   * (a missing provider or a cycle stops start-up, naming the chain). Built from the services as
   * registered, so compiling again (overrides changed) gives the same result.
   */
  compile(appHooks: GrpcHooks, settings: CallSettings, because: string): void {
    appHooks.seal(because);
    const needs: Array<{ owner: string; token: string }> = [];
    for (const { service, hooks, skip } of this.sources) {
      hooks?.seal(because);
      for (const name of skip) {
        // As a route's `skip`: a name that is no middleware (a typo) would leave the service guarded, or open, by surprise.
        if (!(BUILTIN_ORDER as readonly string[]).includes(name)) throw new SpikardError("INVALID_CONFIG", `gRPC service ${service.name}: skip names "${name}", which is no built-in middleware (known: ${BUILTIN_ORDER.join(", ")})`);
      }
      const own = skip.length === 0 ? settings : { ...settings, guards: settings.guards.filter((g) => !skip.includes(g.name)) };
      const methods = service.methods.map((m) => {
        const plan = compileCallPlan(appHooks.table, hooks?.table, m.args, own);
        if (plan === undefined) return m;
        needs.push(...planNeeds(plan, `gRPC ${m.path}`));
        return { ...m, plan };
      });
      this.put({ ...service, methods });
    }
    settings.ctx.container.verify(needs);
  }

  lookup(path: string): RegisteredMethod | undefined {
    return this.byPath.get(path);
  }

  hasService(name: string): boolean {
    return this.byName.has(name);
  }

  get services(): RegisteredService[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }
}

function isProtobufService(s: unknown): s is protobuf.Service {
  return typeof s === "object" && s !== null && Array.isArray((s as protobuf.Service).methodsArray) && typeof (s as protobuf.Service).fullName === "string";
}
