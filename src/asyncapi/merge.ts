type Json = Record<string, unknown>;

/**
 * Adds named definitions (schemas, messages) to a document's components. A
 * name already taken by a different definition gets a numeric suffix; the
 * returned renames are applied to the newcomers' own references first, so a
 * fragment stays consistent with itself.
 */
export function mergeNamed(target: Record<string, Json>, incoming: Record<string, Json>, refPrefix: string): Map<string, string> {
  const renames = new Map<string, string>();
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const [name, value] of Object.entries(incoming)) {
    if (target[name] === undefined || same(target[name], value)) continue;
    let n = 2;
    while (target[`${name}_${n}`] !== undefined && !same(target[`${name}_${n}`], value)) n++;
    renames.set(name, `${name}_${n}`);
  }
  for (const [name, value] of Object.entries(incoming)) target[renames.get(name) ?? name] = rewriteRefs(value, refPrefix, renames) as Json;
  return renames;
}

/** `value` with every `$ref` to `refPrefix + old` pointing at `refPrefix + renamed`. */
export function rewriteRefs(value: unknown, refPrefix: string, renames: Map<string, string>): unknown {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, refPrefix, renames));
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith(refPrefix)) {
      const name = v.slice(refPrefix.length);
      out[k] = `${refPrefix}${renames.get(name) ?? name}`;
    } else out[k] = rewriteRefs(v, refPrefix, renames);
  }
  return out;
}
