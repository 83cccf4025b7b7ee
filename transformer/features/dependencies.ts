import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { tagOf } from "../analyses/declarations";
import { analyzeHandler } from "../analyses/handler";
import { findCycle, providerIndex, tokenName, tokenOfKey } from "../analyses/providers";
import { TransformerError } from "../TransformerError";
import { dependencyProblem } from "../dependency-policy";
import { checkProviders } from "./routes";
import { writeArgsMeta } from "../programmers/route-meta";
import { FIXED_ARGS, type HookName } from "../../src/runtime/hook-arity";
import { isClassToken } from "../../src/runtime/token";

const isHookName = (name: string): name is HookName => Object.hasOwn(FIXED_ARGS, name);


/**
 * - `Provide(factory, options?)` gets the factory's parameter metadata (its own dependencies, headers, ...);
 * - `app.provide(Class, provider)` gets the class's token, the key handlers inject it by;
 * - `app.onRequest(hook)` and the other hook registrations get metadata for the hook's injected parameters.
 * Returns undefined for calls that are none of these.
 */
export function transformDependencyCall(context: ITypiaContext, call: ts.CallExpression): ts.CallExpression | undefined {
  const checker = context.checker;
  const declaration = checker.getResolvedSignature(call)?.declaration;
  if (declaration === undefined) return undefined;
  const emit = { typia: context, modulo: call.expression };
  if (tagOf(declaration, "spikardProvide") !== undefined) {
    const [factory, options, existing] = call.arguments;
    if (factory === undefined || existing !== undefined) return undefined;
    const params = analyzeHandler(checker, factory, "GET", "<dependency>", [], 0).params;
    if (params.length === 0) return undefined;
    checkProviders(context, params);
    return update(call, [factory, options ?? ts.factory.createIdentifier("undefined"), writeArgsMeta(emit, params)]);
  }
  if (tagOf(declaration, "spikardProvideMethod") !== undefined) {
    const [key, provider, existing] = call.arguments;
    if (key === undefined || provider === undefined || existing !== undefined) return undefined;
    const token = tokenOfKey(checker, key);
    if (token === undefined) return undefined;
    const cycle = findCycle(providerIndex(context.program), token);
    if (cycle) dependencyProblem(context, new TransformerError("SPK012", cycle.map(tokenName).join(" -> ")));
    if (!isClassToken(token)) return undefined;
    return update(call, [key, provider, ts.factory.createStringLiteral(token)]);
  }
  const phase = tagOf(declaration, "spikardHook");
  if (phase !== undefined && isHookName(phase)) {
    const [hook, existing] = call.arguments;
    if (hook === undefined || existing !== undefined) return undefined;
    const params = analyzeHandler(checker, hook, "GET", `<${phase} hook>`, [], FIXED_ARGS[phase]).params;
    if (params.length === 0) return undefined;
    checkProviders(context, params);
    return update(call, [hook, writeArgsMeta(emit, params)]);
  }
  return undefined;
}

function update(call: ts.CallExpression, args: ts.Expression[]): ts.CallExpression {
  return ts.factory.updateCallExpression(call, call.expression, call.typeArguments, args);
}
