import { PayloadTooLargeError } from "../adapter/types";
import { DependencyGraphError, DependencyTypeError } from "../di/errors";
import { HttpError } from "../errors";
import { httpError, Rejection, type ErrorPayload } from "../http-errors";
import { checkHeader } from "../http/header-check";
import { PROBLEM_CONTENT_TYPE } from "../problem";

/**
 * The response for an exception: HttpError as its problem details, the
 * framework's rejections from the table (src/http-errors.ts), anything else
 * logged and answered 500 with no internals.
 */
export function errorResponse(err: unknown, logger: Pick<Console, "error">): ErrorPayload {
  if (err instanceof Rejection) return err.payload;
  if (err instanceof HttpError) {
    const extra = err.headers ? Object.entries(err.headers).flat() : [];
    try {
      for (let i = 0; i < extra.length; i += 2) checkHeader(extra[i]!, extra[i + 1]!);
    } catch (invalid) {
      // The handler's bug (a header value with CR/LF, say): 500, and nothing of the header is written.
      logger.error("spikard: an HttpError's header was refused", invalid);
      return httpError("INTERNAL", []);
    }
    return { status: err.statusCode, headers: ["content-type", PROBLEM_CONTENT_TYPE, ...extra], body: JSON.stringify(err.toProblem()) };
  }
  if (err instanceof PayloadTooLargeError) return httpError("PAYLOAD_TOO_LARGE", [err.limit]);
  if (err instanceof DependencyTypeError) {
    logger.error("spikard: dependency type mismatch", err);
    return httpError("DEPENDENCY_ERROR", [err.toProblem()]);
  }
  // Logged once at start-up, not per request.
  if (err instanceof DependencyGraphError) return httpError("DEPENDENCY_ERROR", [err.toProblem()]);
  logger.error("spikard: unhandled error in handler", err);
  return httpError("INTERNAL", []);
}
