type Json = Record<string, unknown>;

/**
 * The bodies Spikard answers with when it rejects a request, as components
 * the document's responses refer to. Each matches what is sent on the wire
 * (src/problem.ts, src/pipeline/error-response.ts, the middleware), so a
 * validating proxy accepts every rejection.
 */
export const PROBLEM_SCHEMAS: Record<string, Json> = {
  ProblemDetails: {
    type: "object",
    description: "RFC 9457 problem details (HttpError, authentication, unsupported media types). Extensions may add members.",
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
    },
    required: ["type", "title", "status"],
  },
  ValidationProblem: {
    type: "object",
    description: "RFC 9457 problem details listing every validation error of the request.",
    properties: {
      type: { type: "string", const: "https://spikard.dev/errors/validation-error" },
      title: { type: "string" },
      status: { type: "integer", const: 422 },
      detail: { type: "string" },
      errors: {
        type: "array",
        items: {
          type: "object",
          properties: {
            type: { type: "string" },
            loc: { type: "array", items: { type: ["string", "integer"] } },
            msg: { type: "string" },
            input: {},
            ctx: { type: "object" },
          },
          required: ["type", "loc", "msg"],
        },
      },
    },
    required: ["type", "title", "status", "detail", "errors"],
  },
  BadRequest: {
    type: "object",
    description: "A body that could not be decoded.",
    properties: { detail: { type: "string" }, error: { type: "string" } },
  },
  PayloadTooLarge: {
    type: "object",
    description: "A request body over the configured limit (maxBodySize, or maxUploadSize for multipart).",
    properties: { error: { type: "string" }, message: { type: "string" } },
    required: ["error", "message"],
  },
  CorsRejection: {
    type: "object",
    description: "A cross-origin request from an origin CORS does not allow.",
    properties: { detail: { type: "string" }, error: { type: "string" } },
  },
};
