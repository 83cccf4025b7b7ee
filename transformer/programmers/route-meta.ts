import ts from "typescript";
import { META_VERSION, type ArgMeta, type ArgsMeta, type BackgroundMeta, type BodyMeta, type InjectMeta, type IsFn, type ParamMeta, type RequestParamMeta, type ResponseMeta, type RouteDoc, type RouteMeta, type SignalMeta, type ValidateFn } from "../../src/runtime/meta";
import type { HandlerPlan, ParamPlan } from "../analyses/handler";
import type { ResponsePlan } from "../analyses/response";
import { bodyKinds, formShape } from "../analyses/body-shape";
import { collectEnumOrders } from "../analyses/enums";
import { holdsObjects } from "../analyses/scalar";
import { collectObjectRules } from "../analyses/object-rules";
import { writeObjectRules } from "./object-rules";
import { writeOperationFragment } from "./openapi-fragment";
import { writeChecks, writeIs, writePrune, writeStringify, type EmitContext } from "./typia";
import { respondsToDependencyErrors } from "../dependency-policy";
import { array, bool, emit, literal, str, typed, type Expr } from "./emit";

/** Emits the `RouteMeta` literal (see src/runtime/meta.ts) for one route. */
export function writeRouteMeta(context: EmitContext, plan: HandlerPlan, response: ResponsePlan, path: string | undefined, defaultStatus?: number): Expr<RouteMeta> {
  const openapi = writeOperationFragment(context.typia.checker, plan, response, path, defaultStatus);
  const doc: RouteDoc = compact({ ...plan.doc, tags: plan.doc.tags.length ? plan.doc.tags : undefined });
  return emit<RouteMeta>({
    v: literal(META_VERSION),
    args: array(plan.params.map((p) => writeArg(context, p)), true),
    response: writeResponse(context, response),
    doc: literal(doc),
    // As JSON text: one string node instead of a large object literal halves emit time for big apps, and the
    // runtime parses it only when the document is built.
    openapi: openapi ? str(JSON.stringify(openapi)) : undefined,
    dependencyErrors: respondsToDependencyErrors(context.typia) ? str("respond") : undefined,
  });
}

/** The `{ v: 1, args }` literal a factory or hook gets for its parameters. */
export function writeArgsMeta(context: EmitContext, params: ParamPlan[]): Expr<ArgsMeta> {
  return emit<ArgsMeta>({ v: literal(META_VERSION), args: array(params.map((p) => writeArg(context, p)), true) });
}

export function writeArg(context: EmitContext, p: ParamPlan): Expr<ArgMeta> {
  switch (p.source) {
    case "request":
      return emit<RequestParamMeta>({ in: str("request"), name: str(p.name) });
    case "background":
      return emit<BackgroundMeta>({ in: str("background"), name: str(p.name) });
    case "signal":
      return emit<SignalMeta>({ in: str("signal"), name: str(p.name) });
    case "inject":
      return writeInject(context, p);
    case "body":
      return writeBody(context, p);
    default:
      return writeParam(context, p, p.source);
  }
}

function writeInject(context: EmitContext, p: ParamPlan): Expr<InjectMeta> {
  const checked = !(p.type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown));
  return emit<InjectMeta>({
    in: str("inject"),
    name: str(p.name),
    key: str(p.key),
    is: checked ? writeIs(context, p.type) : undefined,
    expected: checked ? str(jsonTypeName(context.typia.checker, p.type)) : undefined,
  });
}

function writeBody(context: EmitContext, p: ParamPlan): Expr<BodyMeta> {
  const checker = context.typia.checker;
  const kinds = bodyKinds(checker, p.type);
  const bytes = kinds.includes("bytes");
  const form = kinds.includes("form") || kinds.includes("multipart") ? formShape(checker, p.type) : undefined;
  const rules = bytes ? [] : collectObjectRules(checker, p.type);
  const checked = bytes ? undefined : checks(context, p);
  return emit<BodyMeta>(
    {
      in: str("body"),
      name: str(p.name),
      kinds: literal(kinds),
      optional: bool(p.optional),
      form: form !== undefined ? literal(form) : undefined,
      enums: checked?.enums,
      oneOf: checked?.oneOf,
      objectRules: rules.length > 0 ? writeObjectRules(rules) : undefined,
      // Strict<T> rejects undeclared properties instead; a body without objects has none.
      prune: bytes || p.strict === true || !holdsObjects(checker, p.type) ? undefined : writePrune(context, p.type),
    },
    ...(checked ? [checked.both] : []),
  );
}

function writeParam(context: EmitContext, p: ParamPlan, source: ParamMeta["in"]): Expr<ParamMeta> {
  const shape = p.shape!;
  const checked = !shape.plainString && !shape.any ? checks(context, p) : undefined;
  return emit<ParamMeta>(
    {
      in: str(source),
      name: str(p.name),
      key: str(p.key),
      kind: str(shape.kind),
      array: bool(shape.array),
      optional: bool(p.optional),
      nullable: bool(shape.nullable),
      hasDefault: p.hasDefault ? bool(true) : undefined,
      default: p.defaultLiteral !== undefined ? literal(p.defaultLiteral) : undefined,
      description: p.description ? str(p.description) : undefined,
      separator: shape.separator !== undefined ? str(shape.separator) : undefined,
      enums: checked?.enums,
    },
    ...(checked ? [checked.both] : []),
  );
}

export interface Checks {
  /** The shared `{ is, validate }` constant, spread into the argument's metadata. */
  both: Expr<{ is: IsFn; validate: ValidateFn }>;
  enums?: Expr<Record<string, readonly unknown[]>>;
  oneOf?: Expr<IsFn[]>;
}

/** `is`/`validate` (one shared constant), the declared order of literal unions and OneOf's member checks, for a value of `p.type`. */
export function checks(context: EmitContext, p: Pick<ParamPlan, "type" | "typeNode" | "strict" | "oneOf">): Checks {
  const enums = collectEnumOrders(context.typia.checker, p.type, p.typeNode);
  const strict = p.strict === true;
  return {
    both: typed(writeChecks(context, p.type, strict)),
    enums: enums ? literal(enums) : undefined,
    oneOf: p.oneOf ? array(p.oneOf.map((t) => writeIs(context, t, strict))) : undefined,
  };
}

function writeResponse(context: EmitContext, r: ResponsePlan): Expr<ResponseMeta> {
  return emit<ResponseMeta>({
    kind: str(r.kind),
    stringify: r.jsonType !== undefined ? writeStringify(context, r.jsonType) : undefined,
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

export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
