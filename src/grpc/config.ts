import type { MessageEncoding } from "./compression";

export interface GrpcTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** CA certificates to verify client certificates with (mutual TLS when `requestCert`). */
  ca?: string | Buffer | Array<string | Buffer>;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
}

export interface GrpcKeepaliveOptions {
  /** Milliseconds between server pings on an open connection. Default: no pings. */
  timeMs?: number;
  /** Milliseconds to wait for a ping's answer before closing the connection. Default 20 000. */
  timeoutMs?: number;
}

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
}

export const DEFAULT_GRPC_PORT = 50051;
export const DEFAULT_MAX_RECEIVE = 4 * 1024 * 1024;
