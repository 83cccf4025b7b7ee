import type { OperationFragment } from "../../src/runtime/meta";

type Json = Record<string, unknown>;

const REF_PREFIX = "#/components/schemas/";
/** What OpenAPI allows in a component's name (and so in its `$ref`). */
const COMPONENT_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * Rewrites typia's JSON Schemas into what OpenAPI tools expect:
 * - a union of literals (`oneOf: [{ const: "a" }, { const: "b" }]`) becomes
 *   `enum`, which Swagger UI shows as a choice and code generators as a union,
 *   its values in declared order (`enumOrders`, analyses/enums.ts), else
 *   sorted: typia lists them in the checker's order, which differs between
 *   builds that check files in a different order;
 * - component names keep to `^[a-zA-Z0-9._-]+$` (typia names generics after
 *   their arguments: `Pick<Book, "id">` gave quotes, a `|` or a `/`), and
 *   every `$ref` follows its component's new name.
 */
export function normalizeSchemas(fragment: OperationFragment, enumOrders: Record<string, unknown[]> = {}): OperationFragment {
  const renames = componentNames(Object.keys(fragment.components));
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== "object") return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      if (x === undefined) continue;
      if (k === "$ref" && typeof x === "string" && x.startsWith(REF_PREFIX)) out[k] = REF_PREFIX + (renames.get(decodeRef(x.slice(REF_PREFIX.length))) ?? x.slice(REF_PREFIX.length));
      else out[k] = rewrite(x);
    }
    return literalUnionAsEnum(out, enumOrders);
  };
  const components: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(fragment.components)) components[renames.get(name) ?? name] = rewrite(schema) as Json;
  return { operation: rewrite(fragment.operation) as Json, components };
}

/** New names for the components whose names OpenAPI does not allow, unique among all. */
function componentNames(names: string[]): Map<string, string> {
  const taken = new Set(names.filter((n) => COMPONENT_NAME.test(n)));
  const renames = new Map<string, string>();
  for (const name of names) {
    if (COMPONENT_NAME.test(name)) continue;
    const base = name.replace(/[^a-zA-Z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "Schema";
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    renames.set(name, candidate);
  }
  return renames;
}

/** A `$ref` names its component as a JSON Pointer token, possibly percent-encoded. */
function decodeRef(token: string): string {
  let decoded = token;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    // Not percent-encoded after all.
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}

function literalUnionAsEnum(schema: Json, enumOrders: Record<string, unknown[]>): Json {
  const members = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (!Array.isArray(members) || members.length < 2) return schema;
  // typia leaves unset keywords as undefined members, which JSON text drops.
  const literal = (m: Json): boolean => m.const !== undefined && Object.entries(m).every(([k, v]) => k === "const" || k === "type" || v === undefined);
  if (!members.every(literal)) return schema;
  const found = members.map((m) => m.const);
  const key = found.map((v) => JSON.stringify(v)).sort().join("|");
  const values = enumOrders[key] ?? [...found].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  let types = [...new Set(values.map(jsonType))];
  if (types.length === 2 && types.includes("integer") && types.includes("number")) types = ["number"];
  const { oneOf: _o, anyOf: _a, ...rest } = schema;
  return { ...(types.length === 1 ? { type: types[0] } : {}), enum: values, ...rest };
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}
