import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { joinPaths, parsePathPattern, pathParamNames } from "../../src/routing/path-pattern";
import { stringLiteralOf } from "../analyses/declarations";
import { routerPrefix } from "../analyses/router-prefix";
import { analyzeHandler } from "../analyses/handler";
import { analyzeResponse } from "../analyses/response";
import { jsonProblem } from "../analyses/json-compat";
import { writeRouteMeta } from "../programmers/route-meta";
import { TransformerError } from "../TransformerError";
import { providerIndex, tokenName } from "../analyses/providers";
import type { ParamPlan } from "../analyses/handler";
import { dependencyProblem } from "../dependency-policy";
import { isClassToken } from "../../src/runtime/token";
import { routeId } from "../../src/runtime/ids";
import type { Registration } from "../registrations";

/** A dependency nothing provides is a compile error (unless some provide() key is not statically known, or dependencyErrors is "respond"). */
export function checkProviders(context: ITypiaContext, params: ParamPlan[]): void {
  const index = providerIndex(context.program);
  if (index.opaque) return;
  for (const p of params) {
    if (p.source === "inject" && !index.known.has(p.key)) {
      dependencyProblem(context, new TransformerError("SPK011", tokenName(p.key), p.name, isClassToken(p.key) ? tokenName(p.key) : JSON.stringify(p.key)));
    }
  }
}

/**
 * `router.get(path, handler, options?)` → `router.get(path, handler, options, meta)`.
 * Returns undefined for calls that are not Spikard route registrations.
 */
export function compileRoute(context: ITypiaContext, call: ts.CallExpression, tag: string): Registration | undefined {
  const checker = context.checker;
  const offset = tag === "" ? 1 : 0;
  const method = tag === "" ? stringLiteralOf(checker, call.arguments[0]) : tag;
  const [pathArg, handler, options, existing] = call.arguments.slice(offset);
  if (existing !== undefined || handler === undefined || pathArg === undefined) return undefined;
  if (method === undefined) throw new TransformerError("SPK010", "The method of route(method, path, handler) must be a string literal such as \"GET\".");
  const path = stringLiteralOf(checker, pathArg);
  let pathParams: string[] = [];
  if (path !== undefined) {
    try {
      pathParams = pathParamNames(parsePathPattern(path));
    } catch (err) {
      throw new TransformerError("SPK010", (err as Error).message);
    }
  }
  const label = `${method.toUpperCase()} ${path ?? "<dynamic path>"}`;
  const plan = analyzeHandler(checker, handler, method.toUpperCase(), path ?? "<dynamic path>", pathParams);
  checkProviders(context, plan.params);
  const response = analyzeResponse(checker, plan.returnType);
  checkReturnSerializable(checker, response.jsonType, label);
  const meta = writeRouteMeta({ typia: context, modulo: call.expression }, plan, response, path, statusOption(checker, options));
  return {
    kind: "route",
    id: routeKey(checker, call, method, path, options, label),
    value: meta,
    args: [...call.arguments.slice(0, offset + 2), options ?? ts.factory.createIdentifier("undefined"), meta],
    label,
  };
}

/** The route's key in generated metadata (src/runtime/ids.ts): its operationId, or its method and path under its router's prefix. */
export function routeKey(checker: ts.TypeChecker, call: ts.CallExpression, method: string, path: string | undefined, options: ts.Expression | undefined, label: string): string | TransformerError {
  const operationId = operationIdOf(checker, options);
  if (operationId === null) return new TransformerError("SPK019", label, "its operationId is not a string literal");
  if (operationId !== undefined) return routeId(method, "", operationId);
  if (path === undefined) return new TransformerError("SPK019", label, "its path is not a string literal");
  const prefix = ts.isPropertyAccessExpression(call.expression) ? routerPrefix(checker, call.expression.expression) : undefined;
  if (prefix === undefined) return new TransformerError("SPK019", label, "the prefix of the router it is registered on cannot be read where the router is created");
  return routeId(method, joinPaths(prefix, path), undefined);
}

/** The options' `operationId`: its literal value, undefined when there is none, null when it is not known statically. */
function operationIdOf(checker: ts.TypeChecker, options: ts.Expression | undefined): string | undefined | null {
  if (options === undefined) return undefined;
  if (ts.isObjectLiteralExpression(options) && options.properties.every((p) => !ts.isSpreadAssignment(p))) {
    const prop = options.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "operationId");
    if (prop === undefined) return undefined;
    const value = ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined;
    return value === undefined ? null : (stringLiteralOf(checker, value) ?? null);
  }
  const symbol = checker.getTypeAtLocation(options).getProperty("operationId");
  if (symbol === undefined) return undefined;
  const type = checker.getTypeOfSymbolAtLocation(symbol, options);
  if (type.flags & ts.TypeFlags.Undefined) return undefined;
  return type.isStringLiteral() ? type.value : null;
}

/** A registration's path, when it is a literal, and its parameter names (SPK010 for a malformed pattern). */
export function routePath(checker: ts.TypeChecker, pathArg: ts.Expression): { path: string | undefined; pathParams: string[] } {
  const path = stringLiteralOf(checker, pathArg);
  if (path === undefined) return { path, pathParams: [] };
  try {
    return { path, pathParams: pathParamNames(parsePathPattern(path)) };
  } catch (err) {
    throw new TransformerError("SPK010", (err as Error).message);
  }
}

/** A return type JSON cannot write (a Map, a bigint, a function) would answer an empty or broken body at run time. */
function checkReturnSerializable(checker: ts.TypeChecker, type: ts.Type | undefined, route: string): void {
  if (type === undefined) return;
  const problem = jsonProblem(checker, type, "return");
  if (problem === undefined) return;
  if (problem.what === "a function" || problem.what.startsWith("an object with only methods")) {
    const what = problem.what === "a function" ? `a function (${checker.typeToString(type)})` : problem.what;
    throw new TransformerError("SPK015", route, problem.at === "return" ? what : `${what} at ${problem.at}`, problem.fix);
  }
  throw new TransformerError("SPK009", checker.typeToString(type), problem.what, problem.at, problem.fix);
}

/** The `statusCode` a literal options argument gives plain return values (documented as the success status). */
function statusOption(checker: ts.TypeChecker, options: ts.Expression | undefined): number | undefined {
  if (options === undefined || !ts.isObjectLiteralExpression(options)) return undefined;
  const prop = options.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "statusCode");
  if (prop === undefined || !ts.isPropertyAssignment(prop)) return undefined;
  const t = checker.getTypeAtLocation(prop.initializer);
  return t.isNumberLiteral() ? t.value : undefined;
}
