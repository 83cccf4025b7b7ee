import { listenHttp2, type Http2Listener } from "../adapter/http2/server";
import { HealthService } from "./builtin/health";
import { reflectionServices } from "./builtin/reflection";
import { DEFAULT_GRPC_PORT, DEFAULT_MAX_RECEIVE, type GrpcServerConfig } from "./config";
import { dispatch, type DispatchOptions, type MethodTable } from "./dispatch";
import { GrpcRegistry } from "./registry";

export interface GrpcServing {
  readonly port: number;
  readonly health: HealthService | undefined;
  close(timeoutMs: number): Promise<void>;
}

/** The protocol settings every transport (HTTP/2, gRPC-Web) serves calls with. */
export function dispatchOptions(config: GrpcServerConfig, logger: Pick<Console, "error" | "warn">): DispatchOptions {
  return {
    maxReceiveMessageSize: config.maxReceiveMessageSize ?? DEFAULT_MAX_RECEIVE,
    maxSendMessageSize: config.maxSendMessageSize ?? Infinity,
    compression: config.compression,
    logger,
  };
}

/** Starts the HTTP/2 listener for the app's services, with health and reflection beside them. */
export async function serveGrpc(
  services: GrpcRegistry,
  config: GrpcServerConfig,
  defaults: { host: string; port?: number; logger: Pick<Console, "error" | "warn" | "info"> },
): Promise<GrpcServing> {
  // The app's services are looked up in its registry at each call, not copied: when the app
  // recompiles their plans (a dependency override), calls take the new ones.
  const builtins = new GrpcRegistry();
  const registry: MethodTable = {
    lookup: (path) => services.lookup(path) ?? builtins.lookup(path),
    hasService: (name) => services.hasService(name) || builtins.hasService(name),
  };
  const health = config.health === false ? undefined : new HealthService(services.services.map((s) => s.name));
  if (health) builtins.addService(health.registered());
  if (config.reflection !== false) for (const s of reflectionServices(() => [...services.services, ...builtins.services])) builtins.addService(s);
  const envPort = process.env.SPIKARD_GRPC_PORT;
  const options = dispatchOptions(config, defaults.logger);
  const listener: Http2Listener = await listenHttp2((call) => void dispatch(registry, call, options), {
    host: config.host ?? defaults.host,
    port: defaults.port ?? (envPort ? Number(envPort) : (config.port ?? DEFAULT_GRPC_PORT)),
    tls: config.tls,
    keepalive: config.keepalive,
    onDrain: () => health?.drain(),
  });
  return { port: listener.port, health, close: (t) => listener.close(t) };
}
