import type { Json } from "./load";

/**
 * OpenAPI 3.0's schema dialect in JSON Schema 2020-12 terms (what 3.1 and
 * validators speak): `nullable: true` adds `null`, boolean exclusive bounds
 * become numeric, `example` becomes `examples`. Other keywords are kept.
 */
export function toJsonSchema2020(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema2020);
  if (schema === null || typeof schema !== "object") return schema;
  const s = schema as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "nullable" || k === "example") continue;
    if ((k === "exclusiveMinimum" || k === "exclusiveMaximum") && typeof v === "boolean") continue;
    out[k] = SCHEMA_MAPS.has(k) ? mapValues(v, toJsonSchema2020) : SCHEMA_KEYS.has(k) ? toJsonSchema2020(v) : v;
  }
  if (s.exclusiveMinimum === true && typeof s.minimum === "number") {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === "number") {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if ("example" in s && !("examples" in s)) out.examples = [s.example];
  if (s.nullable === true) return addNull(out);
  return out;
}

function addNull(s: Json): Json {
  if (typeof s.type === "string") return { ...s, type: [s.type, "null"] };
  if (Array.isArray(s.type)) return s.type.includes("null") ? s : { ...s, type: [...s.type, "null"] };
  if (Array.isArray(s.enum)) return s.enum.includes(null) ? s : { ...s, enum: [...s.enum, null] };
  return { anyOf: [s, { type: "null" }] };
}

/** Keywords whose value is a schema or a list of schemas. */
const SCHEMA_KEYS = new Set(["items", "additionalProperties", "not", "allOf", "oneOf", "anyOf", "prefixItems", "contains", "if", "then", "else", "propertyNames", "unevaluatedProperties", "unevaluatedItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

function mapValues(v: unknown, f: (x: unknown) => unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, f(x)]));
}

/** Rewrites local `#/...` refs to point into `base` (a schema registered under that id). */
export function rebaseRefs(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((x) => rebaseRefs(x, base));
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(Object.entries(schema as Json).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#") ? `${base}${v}` : rebaseRefs(v, base)]));
}
