/** RFC 9457 problem details, with Spikard's type URIs and titles. */

export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

export const ProblemType = {
  validation: "https://spikard.dev/errors/validation-error",
  notFound: "https://spikard.dev/errors/not-found",
  methodNotAllowed: "https://spikard.dev/errors/method-not-allowed",
  internal: "https://spikard.dev/errors/internal-server-error",
  badRequest: "https://spikard.dev/errors/bad-request",
  unauthorized: "https://spikard.dev/errors/unauthorized",
  unsupportedCharset: "https://spikard.dev/errors/unsupported-charset",
  unsupportedMediaType: "https://spikard.dev/errors/unsupported-media-type",
  dependency: "https://spikard.dev/errors/dependency-error",
  /** Upstream's type for a rate limit (its GraphQL errors); its HTTP layer answers plain text. */
  rateLimitExceeded: "https://spikard.dev/errors/rate-limit-exceeded",
  serviceUnavailable: "https://spikard.dev/errors/service-unavailable",
  versionNotSupported: "https://spikard.dev/errors/http-version-not-supported",
  upgradeRequired: "https://spikard.dev/errors/upgrade-required",
} as const;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

/** One entry of a 422 body, in the FastAPI/Pydantic-compatible shape Spikard uses. */
export interface ValidationErrorDetail {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export function validationProblem(errors: ValidationErrorDetail[]): Problem {
  const n = errors.length;
  return {
    type: ProblemType.validation,
    title: "Request Validation Failed",
    status: 422,
    detail: n === 1 ? "1 validation error in request" : `${n} validation errors in request`,
    errors,
  };
}

export const notFoundProblem = (detail: string): Problem => ({
  type: ProblemType.notFound,
  title: "Resource Not Found",
  status: 404,
  detail,
});

export const methodNotAllowedProblem = (detail: string): Problem => ({
  type: ProblemType.methodNotAllowed,
  title: "Method Not Allowed",
  status: 405,
  detail,
});

export const internalProblem = (detail = "Internal server error"): Problem => ({
  type: ProblemType.internal,
  title: "Internal Server Error",
  status: 500,
  detail,
});

export const badRequestProblem = (detail: string): Problem => ({
  type: ProblemType.badRequest,
  title: "Bad Request",
  status: 400,
  detail,
});
