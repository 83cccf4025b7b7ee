import type { Request } from "../context";
import type { ValidationErrorDetail } from "../problem";
import { decodeScalar } from "../runtime/decode";
import type { ParamMeta } from "../runtime/meta";
import { mapTypiaErrors, missingParam, sourceLoc, type ErrorFormat } from "../validation/error-mapper";

/** Reads, decodes and validates one handler argument; pushes errors instead of throwing. */
export type Extractor = (req: Request, errors: ValidationErrorDetail[]) => unknown;

/**
 * Builds the extractor for a query/path/header/cookie parameter once, at
 * start-up, so the per-request work is a lookup, a decode and typia's check.
 */
export function paramExtractor(p: ParamMeta, pathIndex: number, format: ErrorFormat): Extractor {
  const read = reader(p, pathIndex);
  const { kind, is, validate, optional, array, key } = p;
  // Headers carry lists comma-separated; queries repeat the key unless a Separator is declared.
  const separator = p.separator ?? (p.in === "header" ? "," : undefined);
  const loc = sourceLoc(p.in);

  const check = (value: unknown, raw: unknown, wire: string, errors: ValidationErrorDetail[]): unknown => {
    if (is === undefined || is(value)) return value;
    const result = validate!(value);
    if (result.success) return result.data ?? value;
    errors.push(...mapTypiaErrors(result.errors ?? [], [loc, key], { root: value, raw, wire, source: p.in, enums: p.enums, format }));
    return value;
  };

  if (array) {
    return (req, errors) => {
      const raw = read(req);
      if (raw === undefined) {
        if (optional) return undefined;
        errors.push(missingParam(p.in, key, req));
        return undefined;
      }
      let strings = typeof raw === "string" ? [raw] : raw;
      const wire = strings[0]!;
      if (separator !== undefined) strings = strings.flatMap((v) => v.split(separator).map((x) => (p.in === "header" ? x.trim() : x)));
      const values = strings.map((s) => decodeScalar(kind, s));
      return check(values, strings, wire, errors);
    };
  }
  return (req, errors) => {
    const raw = read(req);
    if (raw === undefined) {
      if (optional) return undefined;
      errors.push(missingParam(p.in, key, req));
      return undefined;
    }
    const s = typeof raw === "string" ? raw : raw[0]!;
    return check(kind === "string" ? s : decodeScalar(kind, s), s, s, errors);
  };
}

function reader(p: ParamMeta, pathIndex: number): (req: Request) => string | string[] | undefined {
  const key = p.key;
  switch (p.in) {
    case "query":
      return (req) => req.queryParam(key);
    case "path":
      // A dependency's Path<...> is read by name: it is not tied to one route's pattern.
      return pathIndex === -1 ? (req) => req.params[key] : (req) => req.pathValue(pathIndex);
    case "header":
      return (req) => req.header(key);
    case "cookie":
      return (req) => req.cookies[key];
  }
}
