import type { MetadataSchema } from "@typia/core";
import ts from "typescript";
import { analyzeMetadata } from "./scalar";

/** The first part of a type that JSON cannot carry, where it is, and how to change it. */
export interface JsonProblem {
  /** `body.tags`, `return.items[]`... */
  at: string;
  what: string;
  /** What to use instead, completing "Use ..." (bodies) or "Return ..." (return values). */
  fix: string;
}

/** Natives that JSON (and typia's JSON checks) handle: Date as an ISO string, bytes only as a whole body. */
const CARRIED_NATIVES = new Set(["Date", "Uint8Array", "Buffer"]);

/**
 * Walks a body or return type (through typia's metadata, as its validators
 * and serializers see it) for what JSON cannot carry: Map, Set, functions,
 * symbols, WeakMap and the like. A bigint is fine in a body (forms decode it)
 * and not in a return value (JSON.stringify throws on it). A return value
 * that is a function, or an object whose members are all functions, would be
 * written as nothing.
 */
export function jsonProblem(checker: ts.TypeChecker, type: ts.Type, root: "body" | "return"): JsonProblem | undefined {
  if (root === "return" && onlyMethods(checker, type)) {
    return { at: root, what: `an object with only methods (${checker.typeToString(type)})`, fix: "the data it holds (an interface of its fields), not the object with its methods." };
  }
  const meta = analyzeMetadata(checker, type);
  if (typeof meta === "string") return undefined;
  const seen = new Set<unknown>();
  const visit = (m: MetadataSchema | null | undefined, at: string, top: boolean): JsonProblem | undefined => {
    if (m === null || m === undefined || seen.has(m)) return undefined;
    seen.add(m);
    if (m.maps.length > 0) return { at, what: "a Map", fix: "an object type (Record<string, V>) or an array of [key, value] pairs instead; convert with Object.fromEntries(map) and new Map(Object.entries(obj))." };
    if (m.sets.length > 0) return { at, what: "a Set", fix: "an array (T[]) instead; convert with [...set] and new Set(array)." };
    if (m.functions.length > 0 && (top || m.size() === m.functions.length)) {
      return root === "return"
        ? { at, what: "a function", fix: "the value it computes (call the function), not the function itself." }
        : { at, what: "a function", fix: "data only: a request cannot carry a function, so remove it from the type." };
    }
    if (root === "return" && m.atomics.some((a) => a.type === "bigint")) return { at, what: "a bigint", fix: "it as a string (value.toString()) or a number, typed so: JSON has no bigint." };
    const native = m.natives.find((n) => !CARRIED_NATIVES.has(n.name));
    if (native !== undefined) return { at, what: `a ${native.name}`, fix: "plain data (objects, arrays, strings, numbers, booleans) for what travels as JSON." };
    if (m.escaped !== null) return visit(m.escaped.returns, at, top);
    for (const object of m.objects) {
      for (const p of object.type.properties) {
        const key = p.key.isSoleLiteral() ? String(p.key.constants[0]!.values[0]!.value) : "*";
        const found = visit(p.value, `${at}.${key}`, false);
        if (found) return found;
      }
    }
    for (const a of m.arrays) {
      const found = visit(a.type.value, `${at}[]`, false);
      if (found) return found;
    }
    for (const t of m.tuples) {
      for (const e of t.type.elements) {
        const found = visit(e, `${at}[]`, false);
        if (found) return found;
      }
    }
    for (const a of m.aliases) {
      const found = visit(a.type.value, at, top);
      if (found) return found;
    }
    return visit(m.rest, `${at}[]`, false);
  };
  return visit(meta, root, true);
}

/** An object type with members, every one of them a method or function (typia writes it as `{}`). */
function onlyMethods(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (!(type.flags & ts.TypeFlags.Object) || checker.isArrayType(type)) return false;
  const props = checker.getPropertiesOfType(type);
  return props.length > 0 && props.every((p) => checker.getTypeOfSymbol(p).getCallSignatures().length > 0);
}
