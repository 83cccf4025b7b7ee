import type protobuf from "protobufjs";
import { SpikardError } from "../errors";
import type { GrpcHandler } from "./handler";
import { LOW_LEVEL_METHODS, lowLevelMethods, protobufServiceMethods } from "./low-level";
import type { RegisteredMethod } from "./service";
import { isServiceDefinition, typedMethods, type ServiceDefinition } from "./typed";

export interface RegisteredService {
  readonly name: string;
  readonly methods: readonly RegisteredMethod[];
  /** Where the service's types live, for reflection; absent for services built by hand. */
  readonly root: (() => protobuf.Root) | undefined;
}

/** Services by name and methods by `/package.Service/Method` path. */
export class GrpcRegistry {
  private readonly byPath = new Map<string, RegisteredMethod>();
  private readonly byName = new Map<string, RegisteredService>();

  /**
   * `add(root.lookupService("x.v1.S"), new Handler())` (low-level GrpcHandler) or
   * `add(S, { method(req, ctx) {...} })` (a generated definition and its typed implementation).
   */
  add(service: protobuf.Service | ServiceDefinition, handler: GrpcHandler | Record<string, unknown>): void {
    if (typeof handler !== "object" || handler === null) throw new SpikardError("GRPC_SERVICE", "app.grpc(service, handler): the handler must be an object");
    let registered: RegisteredService;
    if (isServiceDefinition(service)) {
      const lowLevel = LOW_LEVEL_METHODS.some((k) => typeof (handler as Record<string, unknown>)[k] === "function") && !Object.keys(service.methods).some((k) => k in handler);
      const methods = lowLevel
        ? lowLevelMethods(service.typeName, Object.values(service.methods).map((m) => ({ name: m.name, kind: m.kind })), handler as GrpcHandler)
        : typedMethods(service, handler as Record<string, unknown>);
      registered = { name: service.typeName, methods, root: service.root };
    } else if (isProtobufService(service)) {
      const name = service.fullName.replace(/^\./, "");
      const root = service.root as protobuf.Root;
      registered = { name, methods: lowLevelMethods(name, protobufServiceMethods(service), handler as GrpcHandler), root: () => root };
    } else {
      throw new SpikardError("GRPC_SERVICE", "app.grpc(service, handler): service must be a protobufjs Service (root.lookupService(...)) or a definition from `spikard generate proto`");
    }
    this.addService(registered);
  }

  /** Registers methods built elsewhere (the built-in health and reflection services). */
  addService(service: RegisteredService): void {
    if (this.byName.has(service.name)) throw new SpikardError("GRPC_SERVICE", `gRPC service ${service.name} is registered twice`);
    this.byName.set(service.name, service);
    for (const m of service.methods) this.byPath.set(m.path, m);
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
