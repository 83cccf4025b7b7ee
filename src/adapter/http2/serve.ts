import { HealthService } from "../../grpc/builtin/health";
import { reflectionServices } from "../../grpc/builtin/reflection";
import { DEFAULT_GRPC_PORT, DEFAULT_MAX_RECEIVE, type GrpcServerConfig } from "../../grpc/config";
import { GrpcRegistry } from "../../grpc/registry";
import { listenHttp2, type Http2Listener } from "./server";

export interface GrpcServing {
  readonly port: number;
  readonly health: HealthService | undefined;
  close(timeoutMs: number): Promise<void>;
}

/** Starts the HTTP/2 listener for the app's services, with health and reflection beside them. */
export async function serveGrpc(
  services: GrpcRegistry,
  config: GrpcServerConfig,
  defaults: { host: string; port?: number; logger: Pick<Console, "error" | "warn" | "info"> },
): Promise<GrpcServing> {
  const registry = new GrpcRegistry();
  for (const s of services.services) registry.addService(s);
  const health = config.health === false ? undefined : new HealthService(services.services.map((s) => s.name));
  if (health) registry.addService(health.registered());
  if (config.reflection !== false) for (const s of reflectionServices(() => registry.services)) registry.addService(s);
  const envPort = process.env.SPIKARD_GRPC_PORT;
  const listener: Http2Listener = await listenHttp2(registry, {
    host: config.host ?? defaults.host,
    port: defaults.port ?? (envPort ? Number(envPort) : (config.port ?? DEFAULT_GRPC_PORT)),
    tls: config.tls,
    keepalive: config.keepalive,
    onDrain: () => health?.drain(),
    dispatch: {
      maxReceiveMessageSize: config.maxReceiveMessageSize ?? DEFAULT_MAX_RECEIVE,
      maxSendMessageSize: config.maxSendMessageSize ?? Infinity,
      compression: config.compression,
      logger: defaults.logger,
    },
  });
  return { port: listener.port, health, close: (t) => listener.close(t) };
}
