import ts from "typescript";
import { isTypiaTag } from "./declarations";

/** A `Rule<Check, Message>` (or `MinProperties`/`MaxProperties`) on an object type: typia checks tags on strings, numbers and arrays only. */
export interface ObjectRule {
  /** Property names from the body down to the object; "*" stands for every element of an array. */
  path: string[];
  /** JavaScript expression over `$input`. */
  check: string;
  message: string;
}

/**
 * Every Rule attached to an object type inside a body type, walked through
 * properties and array elements. typia accepts the tag on objects but emits
 * no check for it, so the route carries these and the runtime applies them.
 */
export function collectObjectRules(checker: ts.TypeChecker, type: ts.Type): ObjectRule[] {
  const memo = new Map<ts.Type, ObjectRule[]>();
  const active = new Set<ts.Type>();
  // Rules relative to `t`, computed once per type: body types share their parts.
  const below = (t: ts.Type, depth: number): ObjectRule[] => {
    const known = memo.get(t);
    if (known !== undefined) return known;
    // A recursive type's rules are found on the way down; its self-reference adds none.
    if (depth > 16 || active.has(t) || isLibraryType(t)) return [];
    active.add(t);
    const out: ObjectRule[] = [];
    const under = (segment: string, inner: ts.Type): void => {
      for (const r of below(inner, depth + 1)) out.push({ ...r, path: [segment, ...r.path] });
    };
    if (t.isUnion()) for (const m of t.types) out.push(...below(m, depth + 1));
    else if (checker.isArrayType(t)) under("*", checker.getTypeArguments(t as ts.TypeReference)[0]!);
    else {
      const members = t.isIntersection() ? t.types : [t];
      const objects = members.filter((m) => m.flags & ts.TypeFlags.Object && !isTypiaTag(m));
      if (objects.length > 0) {
        for (const m of members) {
          const rule = ruleOf(checker, m);
          if (rule !== undefined) out.push({ path: [], ...rule });
        }
        for (const o of objects) {
          for (const prop of checker.getPropertiesOfType(o)) {
            const decl = prop.valueDeclaration ?? prop.declarations?.[0];
            // Methods carry no data.
            if (decl !== undefined && (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl))) continue;
            under(prop.getName(), checker.getTypeOfSymbol(prop));
          }
        }
      }
    }
    active.delete(t);
    memo.set(t, out);
    return out;
  };
  return below(type, 0);
}

/** Types of TypeScript's own libraries (Date, Uint8Array, Map...): no Rule lives inside them. */
function isLibraryType(t: ts.Type): boolean {
  const decls = t.getSymbol()?.declarations;
  return decls !== undefined && decls.length > 0 && decls.every((d) => d.getSourceFile().hasNoDefaultLib);
}

/**
 * The check and message of an object tag, read from its `typia.tag` props: a `Rule`, or
 * `MinProperties`/`MaxProperties` worded as JSON Schema words them (Spikard passes that text through).
 */
function ruleOf(checker: ts.TypeChecker, t: ts.Type): { check: string; message: string } | undefined {
  const tag = t.getProperty("typia.tag");
  if (tag === undefined) return undefined;
  const props = checker.getNonNullableType(checker.getTypeOfSymbol(tag));
  const valueOf = (name: string): string | number | undefined => {
    const p = props.getProperty(name);
    const v = p === undefined ? undefined : checker.getTypeOfSymbol(p);
    return v?.isStringLiteral() || v?.isNumberLiteral() ? v.value : undefined;
  };
  const kind = valueOf("kind");
  if (kind === "minProperties" || kind === "maxProperties") {
    const n = valueOf("value");
    return typeof n === "number" ? propertyCountRule(kind, n) : undefined;
  }
  if (kind !== "rule") return undefined;
  const check = valueOf("validate");
  const message = valueOf("value");
  return typeof check === "string" && typeof message === "string" ? { check, message } : undefined;
}

function propertyCountRule(kind: "minProperties" | "maxProperties", n: number): { check: string; message: string } {
  const noun = n === 1 ? "property" : "properties";
  return kind === "minProperties"
    ? { check: `Object.keys($input).length >= ${n}`, message: `{input} has less than ${n} ${noun}` }
    : { check: `Object.keys($input).length <= ${n}`, message: `{input} has more than ${n} ${noun}` };
}
