import protobuf from "protobufjs";
import { messageCodec } from "../codec";
import type { GrpcCallContext } from "../context";
import { GrpcError } from "../error";
import type { RegisteredService } from "../registry";
import { GrpcStatus } from "../status";
import { typedMethods, type ServiceDefinition } from "../typed";
import { HEALTH_PROTO } from "./protos";

export type ServingStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";
const CODE: Record<ServingStatus, number> = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 };

interface CheckRequest { service: string }
interface CheckResponse { status: number }

/**
 * grpc.health.v1.Health: every registered service (and "" for the server) is SERVING while the
 * server runs and NOT_SERVING once it drains; Watch streams each change.
 */
export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Set<{ service: string; push: (s: ServingStatus) => void; end: () => void }>();
  readonly root: protobuf.Root;

  constructor(serviceNames: string[]) {
    this.root = protobuf.parse(HEALTH_PROTO, { keepCase: true }).root;
    this.statuses.set("", "SERVING");
    for (const name of serviceNames) this.statuses.set(name, "SERVING");
  }

  setStatus(service: string, status: ServingStatus): void {
    this.statuses.set(service, status);
    for (const w of this.watchers) if (w.service === service) w.push(status);
  }

  /** Server shutdown: everything NOT_SERVING, watchers told and their streams ended. */
  drain(): void {
    for (const name of this.statuses.keys()) this.setStatus(name, "NOT_SERVING");
    for (const w of this.watchers) w.end();
  }

  registered(): RegisteredService {
    const root = this.root;
    const req = messageCodec<CheckRequest>(root, "grpc.health.v1.HealthCheckRequest");
    const res = messageCodec<CheckResponse>(root, "grpc.health.v1.HealthCheckResponse");
    const list = messageCodec<object, { statuses: Record<string, CheckResponse> }>(root, "grpc.health.v1.HealthListResponse");
    const listReq = messageCodec<object>(root, "grpc.health.v1.HealthListRequest");
    const definition: ServiceDefinition = {
      typeName: "grpc.health.v1.Health",
      methods: {
        check: { name: "Check", kind: "unary", requestType: req, responseType: res },
        list: { name: "List", kind: "unary", requestType: listReq, responseType: list },
        watch: { name: "Watch", kind: "server_streaming", requestType: req, responseType: res },
      },
      root: () => root,
    };
    const impl = {
      check: (r: CheckRequest): CheckResponse => {
        const s = this.statuses.get(r.service);
        if (s === undefined) throw new GrpcError(GrpcStatus.NOT_FOUND, `Unknown service "${r.service}"`);
        return { status: CODE[s] };
      },
      list: () => ({ statuses: Object.fromEntries([...this.statuses].map(([k, s]) => [k, { status: CODE[s] }])) }),
      watch: (r: CheckRequest, ctx: GrpcCallContext) => this.watch(r.service, ctx),
    };
    return { name: definition.typeName, methods: typedMethods(definition, impl), root: definition.root };
  }

  private async *watch(service: string, ctx: GrpcCallContext): AsyncGenerator<CheckResponse> {
    const pending: ServingStatus[] = [this.statuses.get(service) ?? "SERVICE_UNKNOWN"];
    let wake: (() => void) | undefined;
    let ended = false;
    const watcher = {
      service,
      push: (s: ServingStatus) => {
        pending.push(s);
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    };
    const onAbort = (): void => watcher.end();
    this.watchers.add(watcher);
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      let last: ServingStatus | undefined;
      for (;;) {
        while (pending.length > 0) {
          const s = pending.shift()!;
          if (s !== last) yield { status: CODE[s] };
          last = s;
        }
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      this.watchers.delete(watcher);
      ctx.signal.removeEventListener("abort", onAbort);
    }
  }
}
