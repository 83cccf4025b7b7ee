import { MetadataCollection, MetadataFactory, type MetadataSchema } from "@typia/core";
import type ts from "typescript";
import type { ScalarKind } from "../../src/runtime/meta";

/** How a parameter type is read from strings: element kind, array-ness, and what may be absent. */
export interface ScalarShape {
  kind: ScalarKind;
  array: boolean;
  nullable: boolean;
  /** The type itself admits `undefined`. */
  optional: boolean;
  /** Exactly `string` with no constraints: no validation needed after reading. */
  plainString: boolean;
  /** Exactly `any`/`unknown`. */
  any: boolean;
  /** `Separator<S>` on the array type. */
  separator?: string;
}

// Types are unique objects per checker, and one body type is read for its kinds, its form shape and each
// property's scalar shape: analysing it once per build saves typia's metadata walk each time after.
const metadataCache = new WeakMap<ts.Type, MetadataSchema | string>();

export function analyzeMetadata(checker: ts.TypeChecker, type: ts.Type): MetadataSchema | string {
  let cached = metadataCache.get(type);
  if (cached === undefined) metadataCache.set(type, (cached = analyzeUncached(checker, type)));
  return cached;
}

function analyzeUncached(checker: ts.TypeChecker, type: ts.Type): MetadataSchema | string {
  const result = MetadataFactory.analyze({
    checker,
    transformer: undefined,
    options: { escape: false, constant: true, absorb: true },
    components: new MetadataCollection(),
    type,
  });
  if (!result.success) return result.errors.map((e) => `${e.name}: ${e.messages.join("; ")}`).join(", ");
  return result.data;
}

/**
 * Classifies a parameter type for decoding from the wire. Returns a reason
 * string when the type cannot come from a single string or repeated strings.
 */
export function scalarShape(checker: ts.TypeChecker, type: ts.Type): ScalarShape | string {
  const meta = analyzeMetadata(checker, type);
  if (typeof meta === "string") return meta;
  const base = unalias(meta);
  if (base.any) return { kind: "unknown", array: false, nullable: base.nullable, optional: !base.isRequired(), plainString: false, any: true };
  if (base.arrays.length === 1 && base.size() === 1) {
    const element = unalias(base.arrays[0]!.type.value);
    const kind = elementKind(element);
    if (typeof kind !== "string" || kind === "unknown") return `array of ${element.getName()}`;
    const separator = base.arrays[0]!.tags.flat().find((t) => t.kind === "separator")?.value;
    return { kind, array: true, nullable: base.nullable, optional: !base.isRequired(), plainString: false, any: false, ...(typeof separator === "string" ? { separator } : {}) };
  }
  const kind = elementKind(base);
  if (kind === "unknown") return base.getName();
  const plainString = kind === "string" && base.size() === 1 && base.atomics.length === 1 && base.atomics[0]!.tags.length === 0 && !base.nullable;
  return { kind, array: false, nullable: base.nullable, optional: !base.isRequired(), plainString, any: false };
}

function unalias(m: MetadataSchema): MetadataSchema {
  let cur = m;
  while (cur.aliases.length === 1 && cur.size() === 1) cur = cur.aliases[0]!.type.value;
  return cur;
}

function elementKind(m: MetadataSchema): ScalarKind {
  if (m.objects.length || m.arrays.length || m.tuples.length || m.maps.length || m.sets.length || m.functions.length) return "unknown";
  const natives = m.natives.map((n) => n.name);
  if (natives.some((n) => n !== "Date")) return "unknown";
  const types = new Set<string>();
  for (const a of m.atomics) types.add(a.type === "number" && isInteger(a.tags) ? "integer" : a.type);
  for (const c of m.constants) types.add(c.type === "number" && c.values.every((v) => Number.isInteger(v.value)) ? "integer" : c.type);
  if (m.templates.length) types.add("string");
  if (natives.length) types.add("date");
  // A union of kinds decodes as the most permissive member: a string is always a valid reading.
  for (const k of ["string", "date", "number", "integer", "bigint", "boolean"] as const) if (types.has(k)) return k === "date" && types.size > 1 ? "string" : k;
  return "unknown";
}

function isInteger(tags: Array<Array<{ kind: string; value?: unknown }>>): boolean {
  return tags.length > 0 && tags.every((row) => row.some((t) => t.kind === "type" && typeof t.value === "string" && /int/.test(t.value)));
}

/** Whether a value of the type can hold an object with properties (something `prune` could remove). */
export function holdsObjects(checker: ts.TypeChecker, type: ts.Type): boolean {
  const meta = analyzeMetadata(checker, type);
  // A type typia cannot analyse is reported where its checks are generated.
  if (typeof meta === "string") return false;
  const seen = new Set<MetadataSchema>();
  const visit = (m: MetadataSchema | null | undefined): boolean => {
    if (m === null || m === undefined || seen.has(m)) return false;
    seen.add(m);
    if (m.objects.length > 0) return true;
    return (
      visit(m.rest) ||
      visit(m.escaped?.returns) ||
      m.aliases.some((a) => visit(a.type.value)) ||
      m.arrays.some((a) => visit(a.type.value)) ||
      m.tuples.some((t) => t.type.elements.some(visit))
    );
  };
  return visit(meta);
}
