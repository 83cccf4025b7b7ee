import ts from "typescript";
import { isTaggedClass } from "./declarations";
import type { BodyKind, FileRules, FormShape } from "../../src/runtime/meta";
import { scalarShape } from "./scalar";

/** Which Content-Types a `Body<T>` accepts: bytes take anything, strings text or JSON, the rest JSON or forms. */
export function bodyKinds(checker: ts.TypeChecker, type: ts.Type): BodyKind[] {
  const t = stripNullish(type);
  if (isBytes(t)) return ["bytes"];
  if (t.flags & ts.TypeFlags.StringLike || (t.isIntersection() && t.types.some((m) => m.flags & ts.TypeFlags.StringLike))) return ["text", "json"];
  // Files only travel in multipart bodies.
  if (hasUploads(checker, t)) return ["multipart"];
  return ["json", "form", "multipart"];
}

/** True when the body type contains an UploadFile anywhere: only multipart can carry it. */
export function hasUploads(checker: ts.TypeChecker, type: ts.Type): boolean {
  const shape = formShape(checker, type);
  const visit = (s: FormShape | undefined): boolean => s !== undefined && ("f" in s || ("a" in s && visit(s.a)) || ("o" in s && Object.values(s.o).some(visit)));
  return visit(shape);
}

/**
 * What form fields (strings on the wire) become, walked through the checker:
 * scalars by kind, arrays, nested objects, and UploadFile fields.
 */
const formShapes = new WeakMap<ts.Type, FormShape | undefined>();

/** The form shape of a body type, computed once per type (bodyKinds and the route meta both ask). */
export function formShape(checker: ts.TypeChecker, type: ts.Type): FormShape | undefined {
  if (formShapes.has(type)) return formShapes.get(type);
  const shape = formShapeAt(checker, type, 0);
  formShapes.set(type, shape);
  return shape;
}

function formShapeAt(checker: ts.TypeChecker, type: ts.Type, depth: number): FormShape | undefined {
  if (depth > 16) return undefined;
  const t = stripNullish(type);
  if (isTaggedClass(checker, t, "spikardUpload")) return { f: fileRules(checker, t) };
  if (checker.isArrayType(t)) {
    const inner = formShapeAt(checker, checker.getTypeArguments(t as ts.TypeReference)[0]!, depth + 1);
    return inner ? { a: inner } : undefined;
  }
  // An object is walked property by property; asking typia whether it is a scalar would analyse
  // the whole subtree at every level (quadratic in depth, a tenth of a large app's build).
  const structural = isPlainObject(t);
  const scalar = structural ? undefined : scalarShape(checker, t);
  if (scalar !== undefined && typeof scalar !== "string" && !scalar.any) return scalar.array ? { a: { k: scalar.kind } } : { k: scalar.kind };
  if (t.flags & ts.TypeFlags.Object || t.isIntersection()) {
    const o: Record<string, FormShape> = {};
    for (const prop of checker.getPropertiesOfType(t)) {
      // An object tag (Rule, MinProperties) carries typia's "typia.tag" member, which is no form field.
      if (prop.getName() === TYPIA_TAG) continue;
      const shape = formShapeAt(checker, checker.getTypeOfSymbol(prop), depth + 1);
      if (shape) o[prop.getName()] = shape;
    }
    return { o };
  }
  return undefined;
}

const TYPIA_TAG = "typia.tag";

/** `UploadFile<Accept, CheckContent>`'s type arguments as rules. */
function fileRules(checker: ts.TypeChecker, t: ts.Type): FileRules {
  const [accept, check] = (t as ts.TypeReference).target ? checker.getTypeArguments(t as ts.TypeReference) : [];
  const rules: FileRules = {};
  const members = accept === undefined ? [] : accept.isUnion() ? accept.types : [accept];
  if (members.length > 0 && members.every((m) => m.isStringLiteral())) rules.accept = members.map((m) => (m as ts.StringLiteralType).value);
  if (check !== undefined && check.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(check) === "true") rules.checkContent = true;
  return rules;
}

/** An object type that is no array, tuple or Date, nor an intersection with a primitive (a tagged scalar). */
function isPlainObject(t: ts.Type): boolean {
  if (t.isIntersection()) return t.types.every(isPlainObject);
  if (!(t.flags & ts.TypeFlags.Object)) return false;
  const name = t.getSymbol()?.getName();
  return name !== "Date" && name !== "Array" && name !== "ReadonlyArray" && !((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference && (t as ts.TypeReference).target.objectFlags & ts.ObjectFlags.Tuple);
}

function stripNullish(type: ts.Type): ts.Type {
  if (!type.isUnion()) return type;
  const rest = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
  return rest.length === 1 ? rest[0]! : type;
}

function isBytes(t: ts.Type): boolean {
  const name = t.getSymbol()?.getName();
  return name === "Uint8Array" || name === "Buffer";
}
