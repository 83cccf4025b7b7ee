import { isPrototypeKey } from "../prototype-keys";
import { decodeNumber, decodeScalar } from "../runtime/decode";
import type { FormShape } from "../runtime/meta";

/**
 * Form values arrive as strings; the body type (as the transformer described
 * it) says what each field should become. Fields the type does not mention
 * stay strings, and a value that does not decode stays as sent so validation
 * reports it.
 */
export function coerceForm(value: unknown, shape: FormShape | undefined): unknown {
  if (shape === undefined) return value;
  if ("k" in shape) {
    // Spikard reads form numbers as JSON numbers, where 2.0 and 1e3 are integers; query integers are i64 literals.
    if (typeof value === "string") return shape.k === "integer" ? decodeNumber(value) : decodeScalar(shape.k, value);
    if (Array.isArray(value)) return value.map((v) => coerceForm(v, shape));
    return value;
  }
  if ("a" in shape) {
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => coerceForm(v, shape.a));
  }
  if ("o" in shape) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (!isPrototypeKey(k)) out[k] = coerceForm(v, shape.o[k]);
    return out;
  }
  return value;
}
