import {
  badRequestProblem,
  internalProblem,
  methodNotAllowedProblem,
  notFoundProblem,
  PROBLEM_CONTENT_TYPE,
  ProblemType,
  validationProblem,
  type ValidationErrorDetail,
} from "./problem";

/**
 * Every rejection the framework answers, in one table: its status, content
 * type and body, exactly as Spikard writes them (some are RFC 9457 problem
 * details, some Spikard's older `{error, message}` or `{detail}` shapes, a few
 * empty). The pipeline, every middleware and every adapter build their error
 * responses from here, and a test pins the table against docs/errors.md.
 */

const JSON_TYPE = "application/json";

interface Spec {
  readonly status: number;
  /** The problem `type` URI where the body is problem details. */
  readonly type?: string;
  /** Content-Type of the body; absent for an empty one. */
  readonly contentType?: string;
  /** The body as a JSON value, or undefined for none. */
  readonly body: (...args: never[]) => unknown;
}

const unauthorized = (title: string, detail: string) => ({ type: ProblemType.unauthorized, title, status: 401, detail });

export const HTTP_ERRORS = {
  VALIDATION: { status: 422, type: ProblemType.validation, contentType: JSON_TYPE, body: (errors: ValidationErrorDetail[]) => validationProblem(errors) },
  NOT_FOUND: { status: 404, type: ProblemType.notFound, contentType: PROBLEM_CONTENT_TYPE, body: (detail: string) => notFoundProblem(detail) },
  METHOD_NOT_ALLOWED: { status: 405, type: ProblemType.methodNotAllowed, contentType: PROBLEM_CONTENT_TYPE, body: (detail: string) => methodNotAllowedProblem(detail) },
  INTERNAL: { status: 500, type: ProblemType.internal, contentType: PROBLEM_CONTENT_TYPE, body: () => internalProblem() },
  BAD_REQUEST: { status: 400, type: ProblemType.badRequest, contentType: PROBLEM_CONTENT_TYPE, body: (detail: string) => badRequestProblem(detail) },
  MALFORMED_BODY: { status: 400, contentType: JSON_TYPE, body: () => ({ detail: "Invalid request format" }) },
  JSON_TOO_DEEP: { status: 400, contentType: JSON_TYPE, body: (max: number) => ({ error: `Request body exceeds maximum nesting depth of ${max}` }) },
  INVALID_CONTENT_TYPE: { status: 400, contentType: JSON_TYPE, body: () => ({ error: "Invalid Content-Type header" }) },
  MISSING_BOUNDARY: { status: 400, contentType: JSON_TYPE, body: () => ({ error: "multipart/form-data requires 'boundary' parameter" }) },
  FORM_PARSE: { status: 400, contentType: JSON_TYPE, body: (why: string) => ({ error: `Failed to parse URL-encoded form data: ${why}` }) },
  MULTIPART_PARSE: { status: 400, contentType: JSON_TYPE, body: (why: string) => ({ error: `Failed to parse multipart data: ${why}` }) },
  UNSUPPORTED_CHARSET: {
    status: 415,
    type: ProblemType.unsupportedCharset,
    contentType: PROBLEM_CONTENT_TYPE,
    body: (charset: string) => ({ type: ProblemType.unsupportedCharset, title: "Unsupported Charset", status: 415, detail: `Unsupported charset '${charset}' for JSON. Only UTF-8 is supported.` }),
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    type: ProblemType.unsupportedMediaType,
    contentType: PROBLEM_CONTENT_TYPE,
    body: () => ({ type: ProblemType.unsupportedMediaType, title: "Unsupported Media Type", status: 415, detail: "Unsupported media type" }),
  },
  MULTIPART_LIMIT: { status: 413, contentType: JSON_TYPE, body: (what: string, limit: number) => ({ error: "Payload Too Large", message: `Multipart body exceeds the limit of ${limit} ${what}` }) },
  PAYLOAD_TOO_LARGE: { status: 413, contentType: JSON_TYPE, body: (limit: number) => ({ error: "Payload Too Large", message: `Request body size exceeds maximum allowed size of ${limit} bytes` }) },
  HEADERS_TOO_LARGE: { status: 431, contentType: JSON_TYPE, body: (limit: number) => ({ error: "Request Header Fields Too Large", message: `Request headers exceed maximum allowed size of ${limit} bytes` }) },
  TOO_MANY_HEADERS: { status: 431, contentType: JSON_TYPE, body: (limit: number) => ({ error: "Request Header Fields Too Large", message: `Request has more than the maximum of ${limit} header fields` }) },
  URI_TOO_LONG: { status: 414, contentType: JSON_TYPE, body: (limit: number) => ({ error: "URI Too Long", message: `Request URI exceeds maximum allowed length of ${limit} bytes` }) },
  VERSION_NOT_SUPPORTED: {
    status: 505,
    type: ProblemType.versionNotSupported,
    contentType: PROBLEM_CONTENT_TYPE,
    body: (version: string) => ({ type: ProblemType.versionNotSupported, title: "HTTP Version Not Supported", status: 505, detail: `HTTP version ${version} is not supported; use HTTP/1.1 or HTTP/1.0` }),
  },
  UNAUTHORIZED: { status: 401, type: ProblemType.unauthorized, contentType: JSON_TYPE, body: unauthorized },
  CORS_ORIGIN_FORBIDDEN: { status: 403, contentType: JSON_TYPE, body: (origin: string) => ({ detail: `CORS request from origin '${origin}' not allowed` }) },
  CORS_NULL_ORIGIN: { status: 403, contentType: JSON_TYPE, body: () => ({ error: "Origin 'null' is not allowed" }) },
  CORS_PREFLIGHT_FORBIDDEN: { status: 403, body: () => undefined },
  RATE_LIMITED: {
    status: 429,
    type: ProblemType.rateLimitExceeded,
    contentType: PROBLEM_CONTENT_TYPE,
    body: (wait: string) => ({ type: ProblemType.rateLimitExceeded, title: "Too Many Requests", status: 429, detail: `Too Many Requests! Wait for ${wait}s` }),
  },
  RATE_LIMIT_STORE_FAILED: {
    status: 503,
    type: ProblemType.serviceUnavailable,
    contentType: PROBLEM_CONTENT_TYPE,
    body: () => ({ type: ProblemType.serviceUnavailable, title: "Service Unavailable", status: 503, detail: "The rate limit store is unavailable" }),
  },
  REQUEST_TIMEOUT: { status: 408, body: () => undefined },
  UPGRADE_REQUIRED: {
    status: 426,
    type: ProblemType.upgradeRequired,
    contentType: PROBLEM_CONTENT_TYPE,
    body: (detail: string) => ({ type: ProblemType.upgradeRequired, title: "Upgrade Required", status: 426, detail }),
  },
  DEPENDENCY_ERROR: { status: 500, type: ProblemType.dependency, contentType: JSON_TYPE, body: (problem: Record<string, unknown>) => problem },
} as const satisfies Record<string, Spec>;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;
type Args<C extends HttpErrorCode> = Parameters<(typeof HTTP_ERRORS)[C]["body"]>;

/** A response ready for a sink. */
export interface ErrorPayload {
  status: number;
  headers: readonly string[];
  body: string | undefined;
}

/** The response for a table entry; `extraHeaders` (Allow, Retry-After, WWW-Authenticate...) come first. */
export function httpError<C extends HttpErrorCode>(code: C, args: Args<C>, extraHeaders: readonly string[] = []): ErrorPayload {
  const spec: Spec = HTTP_ERRORS[code];
  const value = (spec.body as (...a: unknown[]) => unknown)(...(args as unknown[]));
  const body = value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
  const type = spec.contentType === undefined || body === undefined ? undefined : spec.contentType;
  // Without extra headers the list is one shared constant.
  const headers = extraHeaders.length === 0 ? typeHeaders(type) : type === undefined ? [...extraHeaders] : [...extraHeaders, "content-type", type];
  return { status: spec.status, headers, body };
}

const TYPE_HEADERS = new Map<string | undefined, readonly string[]>();
function typeHeaders(type: string | undefined): readonly string[] {
  let h = TYPE_HEADERS.get(type);
  if (h === undefined) TYPE_HEADERS.set(type, (h = Object.freeze(type === undefined ? [] : ["content-type", type])));
  return h;
}

/**
 * A request the framework refuses, thrown where the problem is found (a body
 * decoder, a limit) and answered from the table by whoever catches it.
 */
export class Rejection extends Error {
  readonly payload: ErrorPayload;
  constructor(
    readonly code: HttpErrorCode,
    ...args: unknown[]
  ) {
    const payload = httpError(code, args as never);
    super(`${code}: ${payload.body ?? HTTP_ERRORS[code].status}`);
    this.name = "Rejection";
    this.payload = payload;
  }
  get status(): number {
    return this.payload.status;
  }
}
