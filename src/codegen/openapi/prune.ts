import type { Json } from "./load";

/**
 * An example value cut down to what its schema declares, so it can be
 * returned as a TypeScript object literal of the generated type (which has
 * no room for undeclared properties unless the schema gives
 * `additionalProperties` a schema). `valid` picks the union member a value
 * is an example of.
 */
export function pruneToSchema(value: unknown, schema: unknown, resolve: (ref: string) => unknown, valid: (v: unknown, s: unknown) => boolean, depth = 0): unknown {
  const s = deref(schema, resolve);
  if (depth > 32 || s === undefined || value === null || typeof value !== "object") return value;
  const branches = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    for (const b of branches) {
      const p = pruneToSchema(value, b, resolve, valid, depth + 1);
      if (valid(p, b)) return p;
    }
    return value;
  }
  if (Array.isArray(value)) {
    const items = s.items;
    return items === undefined ? value : value.map((v) => pruneToSchema(v, items, resolve, valid, depth + 1));
  }
  const props = declaredProperties(s, resolve, depth);
  if (props === undefined) return value;
  const extra = s.additionalProperties;
  const keepsExtra = extra !== undefined && typeof extra === "object" && extra !== null;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k in props) out[k] = pruneToSchema(v, props[k], resolve, valid, depth + 1);
    else if (keepsExtra) out[k] = v;
  }
  return out;
}

function declaredProperties(s: Json, resolve: (ref: string) => unknown, depth: number): Record<string, unknown> | undefined {
  if (depth > 32) return undefined;
  let out: Record<string, unknown> | undefined = s.properties !== undefined ? { ...(s.properties as Json) } : undefined;
  for (const member of (s.allOf ?? []) as unknown[]) {
    const m = deref(member, resolve);
    const p = m && declaredProperties(m, resolve, depth + 1);
    if (p) out = { ...p, ...(out ?? {}) };
  }
  return out;
}

function deref(schema: unknown, resolve: (ref: string) => unknown): Json | undefined {
  let cur = schema;
  for (let i = 0; i < 16 && cur !== null && typeof cur === "object" && typeof (cur as Json).$ref === "string"; i++) cur = resolve((cur as Json).$ref as string);
  return cur !== null && typeof cur === "object" && !Array.isArray(cur) ? (cur as Json) : undefined;
}
