import type { ResolvedConfig } from "../config";

type Json = Record<string, unknown>;

/** The parts of the server's configuration that change what every route may answer. */
export type DocumentedServer = Partial<Pick<ResolvedConfig, "jwtAuth" | "apiKeyAuth" | "cors" | "rateLimit" | "maxBodySize" | "maxUploadSize" | "requestTimeout">>;

const json = (ref: string): Json => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });

/**
 * What the configured middleware answers on a route before (or instead of)
 * its handler: 401 without valid credentials (jwtAuth, apiKeyAuth), 403 for
 * an origin CORS refuses, 408 past requestTimeout, 413 for a body over its
 * limit, 429 past the rate limit. Bodies and media types are the ones sent.
 */
export function middlewareResponses(config: DocumentedServer, operation: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (config.jwtAuth || config.apiKeyAuth) out["401"] = { description: "Missing or invalid credentials", content: json("ProblemDetails") };
  if (config.cors) out["403"] = { description: "Origin not allowed (CORS)", content: json("CorsRejection") };
  if (config.requestTimeout !== undefined) out["408"] = { description: "No response within the request timeout" };
  if (bodyLimited(config, operation)) out["413"] = { description: "Request body too large", content: json("PayloadTooLarge") };
  if (config.rateLimit) {
    out["429"] = {
      description: "Rate limit exceeded",
      headers: { "Retry-After": { description: "Seconds until a request is accepted again", schema: { type: "string" } } },
      content: { "text/plain": { schema: { type: "string" } } },
    };
  }
  return out;
}

/** A body is limited by maxBodySize (unless null) and, in multipart, by maxUploadSize (always). */
function bodyLimited(config: DocumentedServer, operation: Json): boolean {
  const content = (operation.requestBody as { content?: Json } | undefined)?.content;
  if (content === undefined) return false;
  const multipart = "multipart/form-data" in content;
  const other = Object.keys(content).some((type) => type !== "multipart/form-data");
  return (multipart && (config.maxUploadSize ?? 1) !== Infinity) || (other && (config.maxBodySize ?? 1) !== Infinity);
}

/** Security schemes that configured authentication adds, and the requirement on every operation (both, when both are set). */
export function securityOf(config: DocumentedServer): { schemes?: Record<string, Json>; requirement?: Array<Record<string, string[]>> } {
  const schemes: Record<string, Json> = {};
  if (config.jwtAuth) schemes.bearerAuth = { type: "http", scheme: "bearer", bearerFormat: "JWT" };
  if (config.apiKeyAuth) schemes.apiKeyAuth = { type: "apiKey", in: "header", name: config.apiKeyAuth.headerName ?? "X-API-Key" };
  const names = Object.keys(schemes);
  if (names.length === 0) return {};
  return { schemes, requirement: [Object.fromEntries(names.map((n) => [n, []]))] };
}
