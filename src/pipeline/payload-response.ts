import { httpError, type ErrorPayload, type HttpErrorCode, type HTTP_ERRORS } from "../http-errors";
import { Response } from "../response";

/** A table entry's (or an exception's) response, as middleware and hooks see responses. */
export function payloadResponse(p: ErrorPayload): Response {
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < p.headers.length; i += 2) headers.push([p.headers[i]!, p.headers[i + 1]!]);
  return new Response({ statusCode: p.status, headers, content: p.body });
}

/** `httpError(...)` as a Response: what a middleware answers a rejection with. */
export function rejection<C extends HttpErrorCode>(code: C, args: Parameters<(typeof HTTP_ERRORS)[C]["body"]>, extraHeaders: readonly string[] = []): Response {
  return payloadResponse(httpError(code, args, extraHeaders));
}
