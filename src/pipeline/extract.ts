import type { Request } from "../context";
import type { ValidationErrorDetail } from "../problem";
import { decodeBody, type BodyLimits, type ReceivedBody } from "./body";
import { parameterErrors } from "./param-errors";
import type { RoutePlan } from "./plan";

/**
 * Fills a route's arguments from the request: parameters through their
 * extractors, typed segments, the Request itself, the decoded body. Returns
 * the 422 errors, or undefined when every argument is valid. Spikard checks
 * the body first and answers its errors alone. Throws a Rejection for a body
 * that cannot be decoded at all. `scratch` collects parameter errors (a
 * caller on the hot path passes one array for every request: this is synchronous).
 */
export function extractArgs(route: RoutePlan, req: Request | undefined, body: ReceivedBody | undefined, args: unknown[], scratch: ValidationErrorDetail[], limits: BodyLimits): ValidationErrorDetail[] | undefined {
  scratch.length = 0;
  const extractors = route.extractors;
  const n = route.argCount;
  for (let i = 0; i < n; i++) {
    const ex = extractors[i];
    if (ex !== undefined) args[i] = ex(req!, scratch);
  }
  for (const check of route.segmentChecks) check(req!, scratch);
  for (const i of route.requestIndices) args[i] = req;
  if (route.body !== undefined) {
    const bodyErrors: ValidationErrorDetail[] = [];
    args[route.bodyIndex] = decodeBody(route.body, body!, bodyErrors, route.errorFormat, limits);
    if (bodyErrors.length > 0) return bodyErrors;
  }
  return scratch.length > 0 ? parameterErrors(scratch) : undefined;
}
