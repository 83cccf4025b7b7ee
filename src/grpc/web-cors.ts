import { cors, type CorsOptions } from "../middleware/cors";
import { readOnlyBeforeNext, type Middleware } from "../pipeline/middleware";

/** What a gRPC-Web client sends besides its metadata (PROTOCOL-WEB.md; connect-web and grpc-web alike). */
const REQUEST_HEADERS = ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding"];
const EXPOSED = ["grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding"];

const union = (a: readonly string[] | undefined, b: readonly string[]): string[] => [...new Set([...(a ?? []), ...b])];

/**
 * ServerConfig's `cors` when the app serves gRPC-Web: requests to a gRPC method's path are
 * checked against the same origins, with gRPC-Web's own request headers (and POST) allowed on
 * top of the configured ones and its status headers exposed, so a browser's preflight passes
 * without listing protocol headers in `allowedHeaders`; every other path keeps the policy as
 * configured (its routes do not gain `content-type` or `x-grpc-web`). Named `cors`, so `skip`
 * and the built-in order treat it as the one CORS middleware.
 */
export function grpcWebCors(options: CorsOptions, isGrpcPath: (path: string) => boolean): Middleware {
  const http = cors(options);
  const web = cors({
    ...options,
    allowedMethods: options.allowedMethods === undefined ? undefined : union(options.allowedMethods, ["POST"]),
    allowedHeaders: options.allowedHeaders?.includes("*") ? options.allowedHeaders : union(options.allowedHeaders, REQUEST_HEADERS),
    exposeHeaders: union(options.exposeHeaders, EXPOSED),
  });
  return readOnlyBeforeNext(function cors(req, next) {
    return isGrpcPath(req.path) ? web(req, next) : http(req, next);
  });
}
