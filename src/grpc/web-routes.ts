import { httpError } from "../http-errors";
import { payloadResponse } from "../pipeline/payload-response";
import type { RawHandler, RouteDefinition } from "../router";
import type { BodyMeta, RouteMeta } from "../runtime/meta";
import type { DispatchOptions } from "./call-state";
import { CALL_MIDDLEWARE } from "./call-guard";
import { dispatch } from "./dispatch";
import type { GrpcRegistry } from "./registry";
import { WebCall } from "./web-call";
import { parseWebContentType } from "./web";

/** A gRPC-Web body is whatever bytes come: the call reads them itself, as they stream in. */
const BODY: BodyMeta = { in: "body", name: "body", kinds: ["bytes"], optional: true };
const META: RouteMeta = { v: 1, args: [BODY], response: { kind: "dynamic" } };

/**
 * Middleware a gRPC-Web request never goes through as HTTP: gRPC compresses messages itself (and
 * gzip over a stream would hold messages back), a call's deadline is its `grpc-timeout`, not the
 * HTTP 408, and the call runs the guards itself (call-guard.ts), so a refusal is a gRPC status in
 * the trailer frame, as on HTTP/2, instead of a 401 page a gRPC-Web client cannot read.
 */
const ALWAYS_SKIPPED = ["compression", "timeout", ...CALL_MIDDLEWARE];

function notAHandler(): never {
  throw new Error("gRPC-Web routes are answered by their endpoint");
}

/**
 * `POST /package.Service/Method` on the HTTP port for every method of the app's services, answered
 * by the same handlers as the HTTP/2 listener: a browser calls them without a proxy. They are
 * routes like any other, so routing (405 for other methods), the app's middleware (CORS, rate
 * limits, authentication; `skip` leaves some out) and the adapters' body handling apply; a content
 * type other than gRPC-Web's answers 415.
 */
export function grpcWebRoutes(registry: GrpcRegistry, options: DispatchOptions, skip: readonly string[] = []): RouteDefinition[] {
  const raw: RawHandler = (req, body, client) => {
    const type = parseWebContentType(req.header("content-type"));
    if (type === undefined) return payloadResponse(httpError("UNSUPPORTED_MEDIA_TYPE", []));
    const call = new WebCall(req, body, client, type);
    void dispatch(registry, call, options);
    return call.answer;
  };
  const routeOptions = { skip: [...ALWAYS_SKIPPED, ...skip], bodyLimit: Infinity };
  return registry.services.flatMap((s) => s.methods.map((m): RouteDefinition => ({ method: "POST", path: m.path, handler: notAHandler, options: routeOptions, meta: META, raw })));
}
