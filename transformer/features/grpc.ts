import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import type { ArgsMeta, GrpcServiceMeta } from "../../src/runtime/meta";
import { META_VERSION } from "../../src/runtime/meta";
import { analyzeSignature, type ParamPlan } from "../analyses/handler";
import { emit, literal, typed } from "../programmers/emit";
import { writeArgsMeta } from "../programmers/route-meta";
import { grpcServiceId } from "../../src/runtime/ids";
import { TransformerError } from "../TransformerError";
import type { Registration } from "../registrations";
import { declaredParameterNames } from "./dependencies";
import { checkProviders } from "./routes";

/** What a gRPC method may take after `(request, ctx)`; anything else has no source on a call. */
const INJECTABLE = new Set<ParamPlan["source"]>(["inject", "background"]);

const DESCRIBED: Partial<Record<ParamPlan["source"], string>> = {
  query: "read as a query parameter",
  path: "a path parameter",
  header: "a header (Header<...>)",
  cookie: "a cookie (Cookie<...>)",
  body: "a request body",
  request: "the HTTP Request",
};

/**
 * `app.grpc(service, implementation, options?)` → `app.grpc(service, implementation, options, meta)`,
 * where `meta` describes, per implementation method, the parameters after `(request, ctx)`:
 * injected dependencies and BackgroundTasks, as a route handler's are. Left alone when no method
 * takes any. `spikard gen` keys it by those methods' names and parameter names (src/runtime/ids.ts),
 * which the runtime reads from the implementation it is handed.
 */
export function compileGrpc(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const checker = context.checker;
  const [service, impl, options, existing] = call.arguments;
  if (service === undefined || impl === undefined || existing !== undefined) return undefined;
  const type = implementationType(checker, impl);
  const methods: ts.PropertyAssignment[] = [];
  const keyed: Array<[string, string[]]> = [];
  for (const prop of type.getProperties()) {
    const signature = checker.getTypeOfSymbolAtLocation(prop, impl).getCallSignatures()[0];
    if (signature === undefined || signature.getParameters().length <= 2 || restOnly(signature)) continue;
    const label = prop.getName();
    const params = analyzeSignature(checker, signature, "GET", `gRPC method ${label}`, [], 2).params;
    for (const p of params) {
      if (!INJECTABLE.has(p.source)) throw new TransformerError("SPK021", label, p.name, DESCRIBED[p.source] ?? p.source);
    }
    checkProviders(context, params);
    keyed.push([label, declaredParameterNames(signature)]);
    methods.push(ts.factory.createPropertyAssignment(ts.factory.createStringLiteral(prop.getName()), writeArgsMeta({ typia: context, modulo: call.expression }, params)));
  }
  if (methods.length === 0) return undefined;
  const meta = emit<GrpcServiceMeta>({ v: literal(META_VERSION), methods: typed<Record<string, ArgsMeta>>(ts.factory.createObjectLiteralExpression(methods, true)) });
  return {
    kind: "grpc",
    id: grpcServiceId(keyed),
    value: meta,
    args: [service, impl, options ?? ts.factory.createIdentifier("undefined"), meta],
    label: `app.grpc(${ts.isIdentifier(service) ? service.text : "service"})`,
  };
}

/**
 * The implementation's own type: for a variable, its initializer's (a `const impl: UserServiceImplementation = {...}`
 * is declared with the generated interface, whose methods take `...deps: any[]`; the literal has the parameters as written).
 */
function implementationType(checker: ts.TypeChecker, expr: ts.Expression): ts.Type {
  let e = expr;
  // Bounded: a chain of aliases (`const a = b`) is followed a few steps, never around a cycle.
  for (let step = 0; step < 16; step++) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    else if (ts.isIdentifier(e)) {
      const decl = checker.getSymbolAtLocation(e)?.valueDeclaration;
      if (decl !== undefined && ts.isVariableDeclaration(decl) && decl.initializer !== undefined) e = decl.initializer;
      else break;
    } else break;
  }
  return checker.getTypeAtLocation(e);
}

/**
 * `(request, ctx, ...deps: any[])`: the generated interface's own signature (a method spread or
 * assigned from an object typed by it), which declares nothing to inject.
 */
function restOnly(signature: ts.Signature): boolean {
  const third = signature.getParameters()[2]?.valueDeclaration;
  return third !== undefined && ts.isParameter(third) && third.dotDotDotToken !== undefined;
}

