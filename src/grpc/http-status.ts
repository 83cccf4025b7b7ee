import { HttpError } from "../errors";
import { Rejection } from "../http-errors";
import type { AnyResponse } from "../response";
import { Response } from "../response";
import { GrpcError } from "./error";
import { Metadata } from "./metadata";
import { GrpcStatus, type GrpcStatusCode } from "./status";

/**
 * The gRPC code for an HTTP status the app's own code chose (an HttpError a shared dependency
 * throws, an auth middleware's 401): google.rpc.Code's HTTP mapping read backwards (code.proto:
 * INVALID_ARGUMENT 400, UNAUTHENTICATED 401, ...), plus the statuses that mapping has no row for.
 * Not grpc's http-grpc-status-mapping.md: that one is for a client reading a proxy's answer and
 * makes 400 INTERNAL and 404 UNIMPLEMENTED, which misreport an application's rejection.
 */
const BY_HTTP: Record<number, GrpcStatusCode> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  408: GrpcStatus.DEADLINE_EXCEEDED,
  409: GrpcStatus.ABORTED,
  412: GrpcStatus.FAILED_PRECONDITION,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  415: GrpcStatus.INVALID_ARGUMENT,
  416: GrpcStatus.OUT_OF_RANGE,
  422: GrpcStatus.INVALID_ARGUMENT,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  499: GrpcStatus.CANCELLED,
  501: GrpcStatus.UNIMPLEMENTED,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
};

export function grpcCodeForHttp(status: number): GrpcStatusCode {
  return BY_HTTP[status] ?? (status >= 400 && status < 500 ? GrpcStatus.FAILED_PRECONDITION : GrpcStatus.INTERNAL);
}

/** Response headers a status carries over as trailing metadata (Retry-After of a 429, WWW-Authenticate of a 401). */
function metadataOf(headers: Iterable<[string, string]>): Metadata {
  const md = new Metadata();
  for (const [k, v] of headers) {
    const key = k.toLowerCase();
    if (key === "content-type" || key === "content-length") continue;
    try {
      md.add(key, v);
    } catch {
      // A header no metadata key can carry (reserved, not ASCII) is left out rather than failing the call.
    }
  }
  return md;
}

/** The problem-details `detail` (or `title`) of an answer's body: what a gRPC client reads as the status message. */
function problemMessage(body: unknown, status: number): string {
  const text = typeof body === "string" ? body : body instanceof Uint8Array ? Buffer.from(body).toString() : undefined;
  if (text !== undefined) {
    try {
      const p = JSON.parse(text) as { detail?: unknown; title?: unknown };
      if (typeof p.detail === "string" && p.detail !== "") return p.detail;
      if (typeof p.title === "string") return p.title;
    } catch {
      if (text !== "") return text;
    }
  } else if (body !== null && typeof body === "object") {
    const p = body as { detail?: unknown; title?: unknown };
    if (typeof p.detail === "string") return p.detail;
    if (typeof p.title === "string") return p.title;
  }
  return `HTTP ${status}`;
}

/** A middleware's answer that stopped a call (a 401 from jwtAuth, a 429 from rateLimit) as the status the call ends with. */
export function grpcErrorFromResponse(res: AnyResponse): GrpcError {
  const status = res.statusCode < 400 ? 500 : res.statusCode;
  const body = res instanceof Response ? res.content : undefined;
  return new GrpcError(grpcCodeForHttp(status), problemMessage(body, status), metadataOf(Object.entries(res.headers)));
}

/**
 * An HTTP-shaped exception from code shared with the routes (an HttpError, a framework
 * Rejection) as a gRPC status; undefined for anything else. 5xx keep their message only when the
 * app wrote it (an HttpError); a Rejection's 5xx is the framework's and says nothing more.
 */
export function grpcErrorFromHttp(err: unknown): GrpcError | undefined {
  if (err instanceof HttpError) {
    const headers = Object.entries(err.headers ?? {});
    return new GrpcError(grpcCodeForHttp(err.statusCode), err.detail, metadataOf(headers), { cause: err });
  }
  if (err instanceof Rejection) {
    const p = err.payload;
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < p.headers.length; i += 2) headers.push([p.headers[i]!, p.headers[i + 1]!]);
    return new GrpcError(grpcCodeForHttp(p.status), problemMessage(p.body, p.status), metadataOf(headers), { cause: err });
  }
  return undefined;
}
