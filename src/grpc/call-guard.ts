import type { Request } from "../context";
import type { Middleware } from "../hooks";
import { runChain } from "../pipeline/middleware";
import { Response, type AnyResponse } from "../response";
import type { GrpcError } from "./error";
import { grpcErrorFromResponse } from "./http-status";

/**
 * ServerConfig's middleware that guard gRPC calls as they guard routes, on both transports: rate
 * limiting, then authentication (BUILTIN_ORDER). The others have no meaning for a call: CORS and
 * static files are HTTP's, a call's deadline is its `grpc-timeout`, gRPC compresses its own
 * messages, and request ids are metadata a hook can set.
 */
export const CALL_MIDDLEWARE: readonly string[] = ["rateLimit", "apiKeyAuth", "jwtAuth"];

const rethrow = (err: unknown): never => {
  throw err;
};

/**
 * Runs the guards over the call as a `Request` (its metadata as headers; what they leave on
 * `req.state`, e.g. `jwt` claims, is the call's `ctx.state`). Undefined: the call may go on. A
 * guard that answers instead of calling `next()` stops the call with that answer's status mapped
 * to gRPC (401 → UNAUTHENTICATED, 429 → RESOURCE_EXHAUSTED), its problem detail as the message.
 */
export function guardCall(guards: readonly Middleware[], req: Request): GrpcError | undefined | Promise<GrpcError | undefined> {
  let passed = false;
  // The chain's end stands in for the call, which goes on outside the chain (it may stream for hours).
  const r = runChain(guards, req, () => ((passed = true), new Response({ statusCode: 200 })), rethrow);
  const verdict = (res: AnyResponse): GrpcError | undefined => (passed ? undefined : grpcErrorFromResponse(res));
  return r instanceof Promise ? r.then(verdict) : verdict(r);
}
