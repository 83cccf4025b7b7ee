import type { GrpcKeepaliveOptions, GrpcTlsOptions } from "../adapter/http2/server";
import type { MessageEncoding } from "./compression";

export type { GrpcKeepaliveOptions, GrpcTlsOptions };

/** `grpc` in ServerConfig: the HTTP/2 listener that serves `app.grpc(...)` services. */
export interface GrpcServerConfig {
  /** Port of the HTTP/2 listener; env SPIKARD_GRPC_PORT overrides. Default 50051. */
  port?: number;
  /** Bind address. Default: the HTTP server's host. */
  host?: string;
  /** Serve TLS (h2) instead of cleartext (h2c). */
  tls?: GrpcTlsOptions;
  /** Largest request message in bytes, after decompression (RESOURCE_EXHAUSTED beyond). Default 4 MiB. */
  maxReceiveMessageSize?: number;
  /** Largest response message in bytes (RESOURCE_EXHAUSTED beyond). Default unlimited. */
  maxSendMessageSize?: number;
  /** Server pings on idle connections: `{ timeMs, timeoutMs }`. */
  keepalive?: GrpcKeepaliveOptions;
  /** Compress responses with this encoding when the client accepts it. Default none (identity). */
  compression?: MessageEncoding;
  /** Serve grpc.health.v1.Health. Default true. */
  health?: boolean;
  /** Serve grpc.reflection.v1 and v1alpha (lists services and their schemas). Default true. */
  reflection?: boolean;
  /**
   * Serve the app's services as gRPC-Web on the HTTP/1.1 port too (`POST /package.Service/Method`,
   * `application/grpc-web`, `+proto` and `-text`), for browsers without a proxy. Default true.
   * `{ skip: ["jwtAuth"] }` leaves middleware out for those requests, as a route's `skip` does.
   */
  web?: boolean | { skip?: string[] };
}

export const DEFAULT_GRPC_PORT = 50051;
export const DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;
