import type { RouteDefinition } from "../route-definition";
import { rejectionResponse } from "./rejections";

type Json = Record<string, unknown>;

/** The parts of the server's configuration (ResolvedConfig) that change what routes may answer; only whether each is set matters. */
export interface DocumentedServer {
  jwtAuth?: object;
  apiKeyAuth?: { headerName?: string };
  cors?: object;
  rateLimit?: object;
  /** Infinity: no limit. */
  maxBodySize?: number;
  maxUploadSize?: number;
  requestTimeout?: number;
}

/**
 * What the configured middleware answers on a route before (or instead of)
 * its handler, unless the route skips it: 401 without valid credentials
 * (jwtAuth, apiKeyAuth), 403 for an origin CORS refuses, 408 past its timeout,
 * 413 for a body over its limit, 429 past the rate limit.
 */
export function middlewareResponses(config: DocumentedServer, route: RouteDefinition, operation: Json): Record<string, Json> {
  const on = (name: string): boolean => !(route.options.skip ?? []).includes(name);
  const out: Record<string, Json> = {};
  if ((config.jwtAuth && on("jwtAuth")) || (config.apiKeyAuth && on("apiKeyAuth"))) out["401"] = rejectionResponse("Missing or invalid credentials", ["UNAUTHORIZED"]);
  if (config.cors && on("cors")) out["403"] = rejectionResponse("Origin not allowed (CORS)", ["CORS_ORIGIN_FORBIDDEN", "CORS_NULL_ORIGIN"]);
  if (route.options.timeout !== undefined || (config.requestTimeout !== undefined && on("timeout"))) out["408"] = rejectionResponse("No response within the request timeout", ["REQUEST_TIMEOUT"]);
  if (bodyLimited(config, route, operation)) out["413"] = rejectionResponse("Request body too large", ["PAYLOAD_TOO_LARGE"]);
  if (config.rateLimit && on("rateLimit")) {
    out["429"] = rejectionResponse("Rate limit exceeded", ["RATE_LIMITED"], { "Retry-After": { description: "Seconds until a request is accepted again", schema: { type: "string" } } });
  }
  // The limiter's store (Redis, or the threads' shared memory) failing answers 503 instead of guessing.
  if (config.rateLimit && on("rateLimit")) out["503"] = rejectionResponse("Rate limit store unavailable", ["RATE_LIMIT_STORE_FAILED"]);
  return out;
}

/** A body is limited by the route's bodyLimit, or maxBodySize (unless null) and, in multipart, maxUploadSize. */
function bodyLimited(config: DocumentedServer, route: RouteDefinition, operation: Json): boolean {
  const content = (operation.requestBody as { content?: Json } | undefined)?.content;
  if (content === undefined) return false;
  if (route.options.bodyLimit !== undefined) return route.options.bodyLimit !== Infinity;
  const multipart = "multipart/form-data" in content;
  const other = Object.keys(content).some((type) => type !== "multipart/form-data");
  return (multipart && (config.maxUploadSize ?? 1) !== Infinity) || (other && (config.maxBodySize ?? 1) !== Infinity);
}

/** The security schemes configured authentication adds. */
export function securitySchemes(config: DocumentedServer): Record<string, Json> | undefined {
  const schemes: Record<string, Json> = {};
  if (config.jwtAuth) schemes.bearerAuth = { type: "http", scheme: "bearer", bearerFormat: "JWT" };
  if (config.apiKeyAuth) schemes.apiKeyAuth = { type: "apiKey", in: "header", name: config.apiKeyAuth.headerName ?? "X-API-Key" };
  return Object.keys(schemes).length > 0 ? schemes : undefined;
}

/** The schemes a route requires (all together), leaving out those whose middleware it skips; [] marks a public route. */
export function securityOf(config: DocumentedServer, route: RouteDefinition): Array<Record<string, string[]>> | undefined {
  if (securitySchemes(config) === undefined) return undefined;
  const skip = route.options.skip ?? [];
  const required = [...(config.jwtAuth && !skip.includes("jwtAuth") ? ["bearerAuth"] : []), ...(config.apiKeyAuth && !skip.includes("apiKeyAuth") ? ["apiKeyAuth"] : [])];
  return required.length === 0 ? [] : [Object.fromEntries(required.map((n) => [n, []]))];
}
