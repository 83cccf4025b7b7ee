import { Rejection } from "../http-errors";
import { parseJsonText } from "../pipeline/json";
import { validateBody } from "../pipeline/body";
import type { ValidationErrorDetail } from "../problem";
import type { BodyMeta } from "../runtime/meta";
import type { ErrorFormat } from "../validation/error-mapper";

/** An incoming message, decoded and validated; or why it was refused. */
export type Decoded =
  | { ok: true; value: unknown }
  | { ok: false; why: "INVALID_JSON" | "INVALID_UTF8" | "MESSAGE_TOO_DEEP"; errors?: undefined }
  | { ok: false; why: "MESSAGE_VALIDATION"; errors: ValidationErrorDetail[] };

const utf8 = new TextDecoder("utf-8", { fatal: true });
// As Buffer#toString: invalid sequences become U+FFFD (parseJsonText then refuses them) and a BOM stays (JSON.parse refuses it).
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/** A message's bytes as the handler keeps them: copied, since uWS reuses a message's memory once its callback returns. */
export function copyOf(bytes: ArrayBuffer | Uint8Array): Uint8Array {
  return bytes instanceof Uint8Array ? new Uint8Array(bytes) : new Uint8Array(bytes.slice(0));
}

/**
 * The first steps of the message plan: parse as the declared type asks
 * (`Uint8Array`: the bytes, copied; `string`: the text; otherwise JSON, with
 * the body parser's depth limit and prototype-key guard), then the generated
 * validator, reporting Spikard's validation errors at `["body", ...]` as a
 * request body's. A frame's kind (text or binary) does not decide: a JSON
 * route takes JSON sent as a binary frame too.
 */
export function decodeIncoming(meta: BodyMeta, bytes: ArrayBuffer | Uint8Array, format: ErrorFormat, maxJsonDepth: number): Decoded {
  let value: unknown;
  switch (meta.kinds[0]) {
    case "bytes":
      return { ok: true, value: copyOf(bytes) };
    case "text":
      try {
        value = utf8.decode(bytes);
      } catch {
        return { ok: false, why: "INVALID_UTF8" };
      }
      break;
    default:
      try {
        value = parseJsonText(lenient.decode(bytes), bytes, maxJsonDepth);
      } catch (err) {
        return refused(err);
      }
  }
  // The common case, a valid message: the generated check alone, no error list made; then, as for a body, the
  // properties its type does not declare are dropped.
  if (meta.oneOf === undefined && meta.objectRules === undefined && (meta.is === undefined || meta.is(value))) {
    meta.prune?.(value);
    return { ok: true, value };
  }
  const errors: ValidationErrorDetail[] = [];
  try {
    validateBody(meta, value, errors, format);
  } catch (err) {
    return refused(err);
  }
  return errors.length > 0 ? { ok: false, why: "MESSAGE_VALIDATION", errors } : { ok: true, value };
}

function refused(err: unknown): Decoded {
  if (err instanceof Rejection && err.code === "JSON_TOO_DEEP") return { ok: false, why: "MESSAGE_TOO_DEEP" };
  if (err instanceof Rejection) return { ok: false, why: "INVALID_JSON" };
  throw err;
}
