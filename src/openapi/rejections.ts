import { HTTP_ERRORS, type HttpErrorCode } from "../http-errors";

type Json = Record<string, unknown>;

/** The component (src/openapi/problem-schemas.ts) that describes each rejection's body. */
const SCHEMA: Partial<Record<HttpErrorCode, string>> = {
  VALIDATION: "ValidationProblem",
  MALFORMED_BODY: "BadRequest",
  JSON_TOO_DEEP: "BadRequest",
  INVALID_CONTENT_TYPE: "BadRequest",
  MISSING_BOUNDARY: "BadRequest",
  FORM_PARSE: "BadRequest",
  MULTIPART_PARSE: "BadRequest",
  UNSUPPORTED_CHARSET: "ProblemDetails",
  UNSUPPORTED_MEDIA_TYPE: "ProblemDetails",
  PAYLOAD_TOO_LARGE: "PayloadTooLarge",
  UNAUTHORIZED: "ProblemDetails",
  CORS_ORIGIN_FORBIDDEN: "CorsRejection",
  CORS_NULL_ORIGIN: "CorsRejection",
  NOT_FOUND: "ProblemDetails",
  BAD_REQUEST: "ProblemDetails",
};

/**
 * A response object for rejections of the framework's one error table
 * (src/http-errors.ts): each code's media type (without parameters) and the
 * schema of its body, so what is documented is what is sent.
 */
export function rejectionResponse(description: string, codes: readonly HttpErrorCode[], headers?: Json): Json {
  const content: Record<string, Json> = {};
  for (const code of codes) {
    const type = (HTTP_ERRORS[code] as { contentType?: string }).contentType;
    if (type === undefined) continue;
    const media = type.split(";")[0]!.trim();
    // Problem details without a schema of their own are RFC 9457's.
    const name = SCHEMA[code] ?? ((HTTP_ERRORS[code] as { type?: string }).type !== undefined ? "ProblemDetails" : undefined);
    content[media] ??= { schema: name === undefined ? { type: "string" } : { $ref: `#/components/schemas/${name}` } };
  }
  return { description, ...(headers ? { headers } : {}), ...(Object.keys(content).length ? { content } : {}) };
}
