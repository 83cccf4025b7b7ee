import { FunctionProgrammer, IsProgrammer, JsonStringifyProgrammer, MiscPruneProgrammer, ValidateProgrammer, type ITypiaContext } from "@typia/core";
import ts from "typescript";
import type { IsFn, PruneFn, StringifyFn } from "../../src/runtime/meta";
import { shared, sharedRegExp } from "./shared-functions";
import { typed, type Expr } from "./emit";

/**
 * Thin wrappers over typia's programmers: each returns an expression that
 * evaluates to the generated function. `modulo` must be an original source
 * node (typia reads its text to name the API in its messages).
 */
export interface EmitContext {
  typia: ITypiaContext;
  modulo: ts.LeftHandSideExpression;
}

/** `equals` also rejects properties the type does not declare. */
export function writeIs(c: EmitContext, type: ts.Type, equals = false): Expr<IsFn> {
  return typed(shared(c.typia, type, equals ? "equals" : "is", () => polish(c, IsProgrammer.write({ context: c.typia, modulo: c.modulo, type, name: undefined, config: { equals } }))));
}

/**
 * `{ is, validate }` from one analysis: typia's validate already builds the
 * `is` check as its fast path (`__is`), so both come out of one decompose
 * instead of analysing the type twice (a third of a large app's build time).
 */
export function writeChecks(c: EmitContext, type: ts.Type, equals = false): ts.Expression {
  return shared(c.typia, type, equals ? "strictChecks" : "checks", () => polish(c, checksOf(c, type, equals)));
}

function checksOf(c: EmitContext, type: ts.Type, equals: boolean): ts.Expression {
  const functor = new FunctionProgrammer(c.modulo.getText());
  const result = ValidateProgrammer.decompose({ context: c.typia, modulo: c.modulo, functor, type, name: undefined, config: { equals } });
  const f = ts.factory;
  const both = f.createObjectLiteralExpression([
    f.createPropertyAssignment("is", f.createIdentifier("__is")),
    f.createPropertyAssignment("validate", result.arrow),
  ]);
  return writeDecomposed(functor, result, both);
}

export function writeStringify(c: EmitContext, type: ts.Type): Expr<StringifyFn> {
  return typed(shared(c.typia, type, "stringify", () => polish(c, stringifyOf(c, type))));
}

/**
 * typia's prune for a body type: deletes, in place, the properties the type
 * does not declare, down through nested objects and arrays (msgspec's and
 * pydantic's default of ignoring unknown fields). It runs on a value that
 * passed validation, so it is decomposed as validated and leaves out the
 * `is` functions unless a union of objects needs them to pick its member.
 */
export function writePrune(c: EmitContext, type: ts.Type): Expr<PruneFn> {
  return typed(shared(c.typia, type, "prune", () => polish(c, pruneOf(c, type))));
}

function pruneOf(c: EmitContext, type: ts.Type): ts.Expression {
  const functor = new FunctionProgrammer(c.modulo.getText());
  const result = MiscPruneProgrammer.decompose({ context: c.typia, functor, type, name: undefined, validated: true });
  if (usesIsFunctions(functor)) return MiscPruneProgrammer.write({ context: c.typia, modulo: c.modulo, type, name: undefined });
  return writeDecomposed(functor, result, result.arrow);
}

/**
 * typia's `write()` serializes a value it treats as unchecked, so it also
 * generates an `is` function per object to tell union members apart, and
 * emits them whether or not the type has a union (a fifth of a serializer's
 * nodes, built, transformed and printed for nothing). Decomposed as
 * "validated", it leaves them out; a serializer that does discriminate
 * objects asks the functor for them, and is then written typia's usual way.
 * `finite` is off for it: a validated number would be written bare, and a
 * handler's NaN would become invalid JSON instead of `null`.
 */
function stringifyOf(c: EmitContext, type: ts.Type): ts.Expression {
  const functor = new FunctionProgrammer(c.modulo.getText());
  const context: ITypiaContext = { ...c.typia, options: { ...c.typia.options, finite: false } };
  const result = JsonStringifyProgrammer.decompose({ context, functor, type, name: undefined, validated: true });
  if (usesIsFunctions(functor)) return JsonStringifyProgrammer.write({ context: c.typia, modulo: c.modulo, type, name: undefined });
  return writeDecomposed(functor, result, result.arrow);
}

/** IsProgrammer's functions are named `_i…` (`_io0`, `_iu1`); the serializer's own are `_s…`. */
function usesIsFunctions(functor: FunctionProgrammer): boolean {
  const locals = (functor as unknown as { local_: Set<string> }).local_;
  for (const name of locals) if (name.startsWith("_i")) return true;
  return false;
}

/**
 * `(() => { ...helpers; return value })()`: the shape typia's own write()
 * gives a decomposed result, with only the helper functions the code uses.
 */
function writeDecomposed(functor: FunctionProgrammer, result: { functions: Record<string, ts.Statement>; statements: ts.Statement[] }, value: ts.Expression): ts.Expression {
  const f = ts.factory;
  const body = f.createBlock([
    ...functor.declare(),
    ...Object.entries(result.functions)
      .filter(([k]) => functor.hasLocal(k))
      .map(([, v]) => v),
    ...result.statements,
    f.createReturnStatement(value),
  ]);
  return f.createCallExpression(f.createParenthesizedExpression(f.createArrowFunction(undefined, undefined, [], undefined, undefined, body)), undefined, []);
}

/**
 * One pass over typia's output, rewriting two of its idioms:
 *
 * - A number is written as `String(_jsonStringifyNumber(v))`. V8 caches
 *   number-to-string results and allocates the cached strings in the old
 *   generation, so a response with many numbers grows the old space by the
 *   request and forces full collections (raw JSON.stringify does not: a 5 KB
 *   order echoed at 11k req/s kept 10-15 MB more heap). `JSON.stringify(v)`
 *   writes the same text (non-finite numbers as null) with young strings.
 * - A Pattern is checked as `RegExp("...").test(v)`, a new RegExp object per
 *   value checked: it becomes a shared module-level constant (see sharedRegExp).
 */
function polish(c: EmitContext, expression: ts.Expression): ts.Expression {
  const f = ts.factory;
  const literal = (a: ts.Expression | undefined): a is ts.StringLiteral => a !== undefined && ts.isStringLiteral(a);
  const numberWrite = (node: ts.Node): ts.Expression | undefined => {
    if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== "String" || node.arguments.length !== 1) return undefined;
    const inner = node.arguments[0]!;
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === "_jsonStringifyNumber" && inner.arguments.length === 1) return inner.arguments[0]!;
    return undefined;
  };
  const pattern = (node: ts.Node): { source: string; flags: string } | undefined => {
    if (!(ts.isCallExpression(node) || ts.isNewExpression(node)) || !ts.isIdentifier(node.expression) || node.expression.text !== "RegExp") return undefined;
    const args = node.arguments ?? [];
    const [source, flags] = args;
    if (args.length < 1 || args.length > 2 || !literal(source) || (flags !== undefined && !literal(flags)) || /[gy]/.test(flags?.text ?? "")) return undefined;
    return { source: source.text, flags: flags?.text ?? "" };
  };
  // Most generated functions contain few or none of these: a read-only scan
  // marks the nodes on the way to one, and only those are rebuilt.
  const hot = new Set<ts.Node>();
  const scan = (node: ts.Node): boolean => {
    let found = numberWrite(node) !== undefined || pattern(node) !== undefined;
    ts.forEachChild(node, (child) => {
      if (scan(child)) found = true;
    });
    if (found) hot.add(node);
    return found;
  };
  if (!scan(expression)) return expression;
  const visit = (node: ts.Node): ts.Node => {
    if (!hot.has(node)) return node;
    const number = numberWrite(node);
    if (number !== undefined) return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("JSON"), "stringify"), undefined, [ts.visitNode(number, visit) as ts.Expression]);
    const regExp = pattern(node);
    if (regExp !== undefined) return sharedRegExp(c.typia, regExp.source, regExp.flags);
    return ts.visitEachChild(node, visit, undefined);
  };
  return ts.visitNode(expression, visit) as ts.Expression;
}
