import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { analyzeHandler } from "../analyses/handler";
import { findCycle, providerIndex, tokenName, tokenOfKey } from "../analyses/providers";
import { TransformerError } from "../TransformerError";
import { dependencyProblem } from "../dependency-policy";
import { checkProviders } from "./routes";
import { writeArgsMeta } from "../programmers/route-meta";
import type { Registration } from "../registrations";
import { FIXED_ARGS, type HookName } from "../../src/runtime/hook-arity";
import { isClassToken } from "../../src/runtime/token";
import { factoryId, hookId, PATTERN_PARAM } from "../../src/runtime/ids";

const isHookName = (name: string): name is HookName => Object.hasOwn(FIXED_ARGS, name);

/** `Provide(factory, options?)` gets the factory's parameter metadata (its own dependencies, headers, ...). */
export function compileFactory(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const [factory, options, existing] = call.arguments;
  if (factory === undefined || existing !== undefined) return undefined;
  const params = analyzeHandler(context.checker, factory, "GET", "<dependency>", [], 0).params;
  if (params.length === 0) return undefined;
  checkProviders(context, params);
  const meta = writeArgsMeta({ typia: context, modulo: call.expression }, params);
  return { kind: "factory", id: factoryId(parameterNames(context.checker, factory)), value: meta, args: [factory, options ?? ts.factory.createIdentifier("undefined"), meta], label: `Provide(${nameOf(factory) ?? "factory"})` };
}

/** `app.provide(Class, provider)` gets the class's token, the key handlers inject it by. */
export function compileProvideMethod(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const [key, provider, existing] = call.arguments;
  if (key === undefined || provider === undefined || existing !== undefined) return undefined;
  const token = tokenOfKey(context.checker, key);
  if (token === undefined) return undefined;
  const cycle = findCycle(providerIndex(context.program), token);
  if (cycle) dependencyProblem(context, new TransformerError("SPK012", cycle.map(tokenName).join(" -> ")));
  if (!isClassToken(token)) return undefined;
  const value = ts.factory.createStringLiteral(token);
  // The runtime sees the class object; its `name` is the declared name (src/runtime/generated.ts).
  return { kind: "class", id: tokenName(token), value, args: [key, provider, value], label: `provide(${tokenName(token)}, ...)` };
}

/** `app.onRequest(hook)` and the other hook registrations get metadata for the hook's injected parameters. */
export function compileHook(context: ITypiaContext, call: ts.CallExpression, phase: string): Registration | undefined {
  if (!isHookName(phase)) return undefined;
  const [hook, existing] = call.arguments;
  if (hook === undefined || existing !== undefined) return undefined;
  const params = analyzeHandler(context.checker, hook, "GET", `<${phase} hook>`, [], FIXED_ARGS[phase]).params;
  if (params.length === 0) return undefined;
  checkProviders(context, params);
  const meta = writeArgsMeta({ typia: context, modulo: call.expression }, params);
  return { kind: "hook", id: hookId(phase, parameterNames(context.checker, hook)), value: meta, args: [hook, meta], label: `${phase} hook ${nameOf(hook) ?? "(anonymous)"}` };
}

/** The function's parameter names as its source declares them (and its compiled text keeps them). */
function parameterNames(checker: ts.TypeChecker, fn: ts.Expression): string[] {
  return declaredParameterNames(checker.getTypeAtLocation(fn).getCallSignatures()[0]);
}

/** A signature's parameter names as its source declares them (what src/runtime/param-names.ts reads back), `_` for a pattern. */
export function declaredParameterNames(signature: ts.Signature | undefined): string[] {
  const declaration = signature?.getDeclaration();
  if (declaration === undefined) return [];
  return declaration.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === "this")).map((p) => (ts.isIdentifier(p.name) ? p.name.text : PATTERN_PARAM));
}

function nameOf(fn: ts.Expression): string | undefined {
  return ts.isIdentifier(fn) ? fn.text : (ts.isFunctionExpression(fn) && fn.name?.text) || undefined;
}
