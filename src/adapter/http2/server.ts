import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { SpikardError } from "../../errors";
import { dispatch, type DispatchOptions } from "../../grpc/dispatch";
import type { GrpcKeepaliveOptions, GrpcTlsOptions } from "../../grpc/config";
import type { GrpcRegistry } from "../../grpc/registry";
import { Http2Call } from "./call";

const { HTTP2_HEADER_STATUS, HTTP2_HEADER_METHOD, HTTP2_HEADER_CONTENT_TYPE, NGHTTP2_CANCEL } = http2.constants;

export interface Http2ListenOptions {
  host: string;
  port: number;
  tls?: GrpcTlsOptions;
  keepalive?: GrpcKeepaliveOptions;
  dispatch: DispatchOptions;
  /** Called first when a drain starts (health turns NOT_SERVING and ends its watches). */
  onDrain?: () => void;
}

export interface Http2Listener {
  readonly port: number;
  /** Sends GOAWAY, lets in-flight calls finish for up to `timeoutMs`, then cancels what is left. */
  close(timeoutMs: number): Promise<void>;
}

/** The HTTP/2 listener for gRPC: the only code that imports node:http2. */
export function listenHttp2(registry: GrpcRegistry, options: Http2ListenOptions): Promise<Http2Listener> {
  const settings: http2.Settings = { maxConcurrentStreams: 1000 };
  const server = options.tls
    ? http2.createSecureServer({ ...options.tls, allowHTTP1: false, settings })
    : http2.createServer({ settings });
  const sessions = new Set<http2.ServerHttp2Session>();
  let draining = false;

  server.on("session", (session) => {
    sessions.add(session);
    session.on("error", ignore);
    session.once("close", () => sessions.delete(session));
    if (draining) session.close();
    startKeepalive(session, options.keepalive);
  });
  server.on("sessionError", () => undefined);
  server.on("stream", (stream, headers) => {
    stream.on("error", ignore);
    if (headers[HTTP2_HEADER_METHOD] !== "POST") {
      // gRPC is POST only; other methods get a plain HTTP answer (no client library sends them).
      stream.respond({ [HTTP2_HEADER_STATUS]: 405, allow: "POST" }, { endStream: true });
      return;
    }
    const contentType = headers[HTTP2_HEADER_CONTENT_TYPE];
    if (typeof contentType !== "string" || !isGrpcContentType(contentType)) {
      // PROTOCOL-HTTP2.md: a content-type that is not application/grpc* answers HTTP 415 (as grpc-js does).
      stream.respond({ [HTTP2_HEADER_STATUS]: 415 }, { endStream: true });
      return;
    }
    void dispatch(registry, new Http2Call(stream, headers), options.dispatch);
  });

  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(new SpikardError("LISTEN_FAILED", `${options.host}:${options.port} for gRPC (${err.code ?? err.message})`));
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.off("error", onError);
      server.on("error", () => undefined);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: (timeoutMs) => {
          draining = true;
          options.onDrain?.();
          return new Promise<void>((done) => {
            let finished = false;
            const finish = (): void => {
              if (finished) return;
              finished = true;
              clearTimeout(timer);
              done();
            };
            server.close(() => finish());
            for (const s of sessions) s.close();
            const timer = setTimeout(() => {
              for (const s of sessions) s.destroy(undefined, NGHTTP2_CANCEL);
            }, timeoutMs);
            timer.unref();
          });
        },
      });
    });
  });
}

/** Errors on a stream or session are reported by its 'close' (a reset); without a listener they would throw. */
function ignore(): void {}

function isGrpcContentType(ct: string): boolean {
  return ct === "application/grpc" || ct.startsWith("application/grpc+") || ct.startsWith("application/grpc;");
}

function startKeepalive(session: http2.ServerHttp2Session, keepalive: GrpcKeepaliveOptions | undefined): void {
  const interval = keepalive?.timeMs;
  if (interval === undefined || interval <= 0) return;
  const timeoutMs = keepalive?.timeoutMs ?? 20_000;
  const timer = setInterval(() => {
    if (session.closed || session.destroyed) return;
    const deadline = setTimeout(() => session.destroy(), timeoutMs);
    deadline.unref();
    const sent = session.ping((err) => {
      clearTimeout(deadline);
      if (err) session.destroy();
    });
    if (!sent) clearTimeout(deadline);
  }, interval);
  timer.unref();
  session.once("close", () => clearInterval(timer));
}
