import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { parsePathPattern, pathParamNames } from "../../src/routing/path-pattern";
import { tagOf } from "../analyses/declarations";
import { analyzeHandler } from "../analyses/handler";
import { analyzeResponse } from "../analyses/response";
import { jsonProblem } from "../analyses/json-compat";
import { writeRouteMeta } from "../programmers/route-meta";
import { TransformerError } from "../TransformerError";
import { providerIndex, tokenName } from "../analyses/providers";
import type { ParamPlan } from "../analyses/handler";
import { dependencyProblem } from "../dependency-policy";
import { isClassToken } from "../../src/runtime/token";

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
export function transformRouteCall(context: ITypiaContext, call: ts.CallExpression): ts.CallExpression | undefined {
  const checker = context.checker;
  const declaration = checker.getResolvedSignature(call)?.declaration;
  const tag = tagOf(declaration, "spikardRoute");
  if (tag === undefined) return undefined;
  const offset = tag === "" ? 1 : 0;
  const method = tag === "" ? stringLiteralOf(checker, call.arguments[0]) : tag;
  const [pathArg, handler, options, existing] = call.arguments.slice(offset);
  if (existing !== undefined || handler === undefined || pathArg === undefined) return undefined;
  if (method === undefined) throw new TransformerError("SPK010", "The method of route(method, path, handler) must be a string literal such as \"GET\".");
  const { path, pathParams } = routePath(checker, pathArg);
  const plan = analyzeHandler(checker, handler, method.toUpperCase(), path ?? "<dynamic path>", pathParams);
  checkProviders(context, plan.params);
  const response = analyzeResponse(checker, plan.returnType);
  checkReturnSerializable(checker, response.jsonType, `${method.toUpperCase()} ${path ?? "<dynamic path>"}`);
  const meta = writeRouteMeta({ typia: context, modulo: call.expression }, plan, response, path, statusOption(checker, options));
  const args = [...call.arguments.slice(0, offset + 2), options ?? ts.factory.createIdentifier("undefined"), meta];
  return ts.factory.updateCallExpression(call, call.expression, call.typeArguments, args);
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

function stringLiteralOf(checker: ts.TypeChecker, e: ts.Expression | undefined): string | undefined {
  if (e === undefined) return undefined;
  if (ts.isStringLiteralLike(e)) return e.text;
  const t = checker.getTypeAtLocation(e);
  return t.isStringLiteral() ? t.value : undefined;
}
