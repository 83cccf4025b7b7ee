import ts from "typescript";
import type { HandlerPlan, ParamPlan } from "../analyses/handler";
import type { ResponsePlan } from "../analyses/response";
import { bodyKinds, formShape } from "../analyses/body-shape";
import { collectEnumOrders } from "../analyses/enums";
import { collectObjectRules } from "../analyses/object-rules";
import { writeObjectRules } from "./object-rules";
import { writeOperationFragment } from "./openapi-fragment";
import { writeChecks, writeIs, writeStringify, type EmitContext } from "./typia";
import { respondsToDependencyErrors } from "../dependency-policy";

const f = ts.factory;

/** Emits the `RouteMeta` literal (see src/runtime/meta.ts) for one route. */
export function writeRouteMeta(context: EmitContext, plan: HandlerPlan, response: ResponsePlan, path: string | undefined): ts.Expression {
  const openapi = writeOperationFragment(context.typia.checker, plan, response, path);
  return object({
    v: f.createNumericLiteral(1),
    args: f.createArrayLiteralExpression(plan.params.map((p) => writeArg(context, p)), true),
    response: writeResponse(context, response),
    doc: literal(compact({ ...plan.doc, tags: plan.doc.tags.length ? plan.doc.tags : undefined })),
    // As JSON text: one string node instead of a large object literal halves emit time for big apps, and the
    // runtime parses it only when the document is built.
    ...(openapi ? { openapi: str(JSON.stringify(openapi)) } : {}),
    ...(respondsToDependencyErrors(context.typia) ? { dependencyErrors: str("respond") } : {}),
  });
}

/** The `{ v: 1, args }` literal a factory or hook gets for its parameters. */
export function writeArgsMeta(context: EmitContext, params: ParamPlan[]): ts.Expression {
  return object({ v: f.createNumericLiteral(1), args: f.createArrayLiteralExpression(params.map((p) => writeArg(context, p)), true) });
}

export function writeArg(context: EmitContext, p: ParamPlan): ts.Expression {
  if (p.source === "request") return object({ in: str("request"), name: str(p.name) });
  if (p.source === "background") return object({ in: str("background"), name: str(p.name) });
  if (p.source === "signal") return object({ in: str("signal"), name: str(p.name) });
  if (p.source === "inject") {
    const checked = !(p.type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
    return object({ in: str("inject"), name: str(p.name), key: str(p.key), ...(checked ? { is: writeIs(context, p.type), expected: str(jsonTypeName(context.typia.checker, p.type)) } : {}) });
  }
  if (p.source === "body") {
    const checker = context.typia.checker;
    const kinds = bodyKinds(checker, p.type);
    const form = kinds.includes("form") || kinds.includes("multipart") ? formShape(checker, p.type) : undefined;
    const rules = kinds.includes("bytes") ? [] : collectObjectRules(checker, p.type);
    return object({
      in: str("body"),
      name: str(p.name),
      kinds: literal(kinds),
      optional: bool(p.optional),
      ...(form !== undefined ? { form: literal(form) } : {}),
      ...(kinds.includes("bytes") ? {} : checks(context, p)),
      ...(rules.length > 0 ? { objectRules: writeObjectRules(rules) } : {}),
    });
  }
  const shape = p.shape!;
  const needsCheck = !shape.plainString && !shape.any;
  return object({
    in: str(p.source),
    name: str(p.name),
    key: str(p.key),
    kind: str(shape.kind),
    array: bool(shape.array),
    optional: bool(p.optional),
    nullable: bool(shape.nullable),
    ...(p.hasDefault ? { hasDefault: bool(true) } : {}),
    ...(p.defaultLiteral !== undefined ? { default: literal(p.defaultLiteral) } : {}),
    ...(p.description ? { description: str(p.description) } : {}),
    ...(shape.separator !== undefined ? { separator: str(shape.separator) } : {}),
    ...(needsCheck ? checks(context, p) : {}),
  });
}

/** `is`/`validate` (spread), the declared order of literal unions and OneOf's member checks, for a value of `p.type`. */
export function checks(context: EmitContext, p: Pick<ParamPlan, "type" | "typeNode" | "strict" | "oneOf">): Record<string, ts.Expression> {
  const enums = collectEnumOrders(context.typia.checker, p.type, p.typeNode);
  const strict = p.strict === true;
  return {
    [SPREAD]: writeChecks(context, p.type, strict),
    ...(enums ? { enums: literal(enums) } : {}),
    ...(p.oneOf ? { oneOf: f.createArrayLiteralExpression(p.oneOf.map((t) => writeIs(context, t, strict))) } : {}),
  };
}

function writeResponse(context: EmitContext, r: ResponsePlan): ts.Expression {
  return object({
    kind: str(r.kind),
    ...(r.jsonType !== undefined ? { stringify: writeStringify(context, r.jsonType) } : {}),
  });
}

/** A type's JSON type name, for dependency type-mismatch errors. */
function jsonTypeName(checker: ts.TypeChecker, t: ts.Type): string {
  if (t.flags & ts.TypeFlags.StringLike) return "string";
  if (t.flags & ts.TypeFlags.NumberLike) return "number";
  if (t.flags & ts.TypeFlags.BooleanLike) return "boolean";
  if (t.flags & ts.TypeFlags.Null) return "null";
  if (checker.isArrayType(t) || checker.isTupleType(t)) return "array";
  return "object";
}

export const str = (s: string): ts.Expression => f.createStringLiteral(s);
export const bool = (b: boolean): ts.Expression => (b ? f.createTrue() : f.createFalse());

/** Key whose expression is spread into the object (`...expr`) instead of assigned. */
export const SPREAD = "\u0000spread";

export function object(props: Record<string, ts.Expression>): ts.ObjectLiteralExpression {
  return f.createObjectLiteralExpression(
    Object.entries(props).map(([k, v]) =>
      k === SPREAD ? f.createSpreadAssignment(v) : f.createPropertyAssignment(/^[A-Za-z_$][\w$]*$/.test(k) ? f.createIdentifier(k) : f.createStringLiteral(k), v),
    ),
    true,
  );
}

/** A JSON-compatible value as an expression. */
export function literal(v: unknown): ts.Expression {
  if (v === null) return f.createNull();
  if (v === undefined) return f.createIdentifier("undefined");
  if (typeof v === "string") return str(v);
  if (typeof v === "boolean") return bool(v);
  if (typeof v === "number") return v < 0 ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-v)) : f.createNumericLiteral(v);
  if (Array.isArray(v)) return f.createArrayLiteralExpression(v.map(literal));
  return object(Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, literal(x)])));
}

export function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
