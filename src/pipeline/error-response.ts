import { HttpError } from "../errors";
import { internalProblem, PROBLEM_CONTENT_TYPE } from "../problem";
import { BodyError } from "./body-error";
import { DependencyGraphError, DependencyTypeError } from "../di/errors";
import { PayloadTooLargeError } from "./sink";

/** A response ready for the sink. */
export interface ErrorPayload {
  status: number;
  headers: string[];
  body: string;
}

/**
 * The response for an exception: HttpError as its problem details, body
 * errors and size limits as Spikard writes them, anything else logged and
 * answered 500 with no internals.
 */
export function errorResponse(err: unknown, logger: Pick<Console, "error">): ErrorPayload {
  if (err instanceof HttpError) {
    const extra = err.headers ? Object.entries(err.headers).flat() : [];
    return { status: err.statusCode, headers: ["content-type", PROBLEM_CONTENT_TYPE, ...extra], body: JSON.stringify(err.toProblem()) };
  }
  if (err instanceof DependencyTypeError) {
    logger.error("spikard: dependency type mismatch", err);
    return { status: 500, headers: ["content-type", "application/json"], body: JSON.stringify(err.toProblem()) };
  }
  // Logged once at start-up, not per request.
  if (err instanceof DependencyGraphError) return { status: 500, headers: ["content-type", "application/json"], body: JSON.stringify(err.toProblem()) };
  if (err instanceof BodyError) return { status: err.status, headers: ["content-type", err.contentType], body: JSON.stringify(err.body) };
  if (err instanceof PayloadTooLargeError) {
    return { status: 413, headers: ["content-type", "application/json"], body: JSON.stringify({ error: "Payload Too Large", message: `Request body size exceeds maximum allowed size of ${err.limit} bytes` }) };
  }
  logger.error("spikard: unhandled error in handler", err);
  return { status: 500, headers: ["content-type", PROBLEM_CONTENT_TYPE], body: JSON.stringify(internalProblem()) };
}
