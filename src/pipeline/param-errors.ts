import type { ValidationErrorDetail } from "../problem";

/** Errors found while reading strings (missing, unparsable, malformed formats) come before constraint checks. */
const PARSE_ERRORS = new Set(["missing", "int_parsing", "float_parsing", "bool_parsing", "uuid_parsing", "date_parsing", "datetime_parsing", "time_parsing", "duration_parsing", "string_type"]);

/**
 * Spikard checks parameters in two passes: presence and parsing first, and only
 * when those all succeed, the constraints. Each pass reports by parameter name.
 */
export function parameterErrors(errors: ValidationErrorDetail[]): ValidationErrorDetail[] {
  const parse = errors.filter((e) => PARSE_ERRORS.has(e.type));
  const chosen = parse.length > 0 ? parse : errors.slice();
  return chosen.map((e, i) => ({ e, i })).sort((a, b) => compareName(a.e, b.e) || a.i - b.i).map((x) => x.e);
}

function compareName(a: ValidationErrorDetail, b: ValidationErrorDetail): number {
  const x = String(a.loc[1] ?? "");
  const y = String(b.loc[1] ?? "");
  return x < y ? -1 : x > y ? 1 : 0;
}

