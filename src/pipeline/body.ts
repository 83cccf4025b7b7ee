import type { ValidationErrorDetail } from "../problem";
import type { BodyMeta } from "../runtime/meta";
import { mapTypiaErrors } from "../validation/error-mapper";

/** A body that cannot be decoded at all: answered before validation. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = "application/json",
  ) {
    super(typeof body === "object" && body !== null && "detail" in body ? String((body as { detail: unknown }).detail) : `HTTP ${status}`);
    this.name = "BodyError";
  }
}

/** Decodes and validates the body; validation problems go to `errors`, undecodable input throws `BodyError`. */
export function decodeBody(meta: BodyMeta, contentType: string | undefined, buf: Buffer, errors: ValidationErrorDetail[]): unknown {
  if (buf.length === 0) {
    if (meta.optional) return undefined;
    errors.push({ type: "missing", loc: ["body"], msg: "Field required", input: null });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(buf.toString("utf8"));
  } catch {
    throw new BodyError(400, { detail: "Invalid request format" });
  }
  if (meta.is !== undefined && !meta.is(value)) {
    const result = meta.validate!(value);
    if (!result.success) errors.push(...mapTypiaErrors(result.errors ?? [], ["body"], { root: value, source: "body" }));
  }
  return value;
}
