import ts from "typescript";
import { isTaggedClass, resolveAlias, stringLiteralOf, tagOf } from "./declarations";

/**
 * The prefix of the router a registration is made on, as it was created
 * (`const users = new Router({ prefix: "/users" })`, the app's being ""),
 * when the source says it: part of a route's key in generated metadata,
 * which the runtime computes from the router's `prefix`. Undefined when the
 * receiver is not a router created in sight (a parameter, a subclass).
 */
export function routerPrefix(checker: ts.TypeChecker, receiver: ts.Expression): string | undefined {
  const e = skipOuter(receiver);
  if (isTaggedClass(checker, checker.getTypeAtLocation(e), "spikardApp")) return "";
  // `app.get(...).get(...)`: registration methods return the router itself.
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && checker.getTypeAtLocation(e) === checker.getTypeAtLocation(e.expression.expression)) return routerPrefix(checker, e.expression.expression);
  if (ts.isNewExpression(e)) return prefixOfNew(checker, e);
  if (!ts.isIdentifier(e)) return undefined;
  const declaration = resolveAlias(checker, checker.getSymbolAtLocation(e))?.valueDeclaration;
  if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return undefined;
  if (!(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return undefined;
  const init = skipOuter(declaration.initializer);
  return ts.isNewExpression(init) ? prefixOfNew(checker, init) : undefined;
}

function prefixOfNew(checker: ts.TypeChecker, e: ts.NewExpression): string | undefined {
  if (isTaggedClass(checker, checker.getTypeAtLocation(e), "spikardApp")) return "";
  // Router itself: a subclass may set its own prefix in its constructor.
  const created = resolveAlias(checker, checker.getSymbolAtLocation(e.expression))?.declarations?.find(ts.isClassDeclaration);
  if (created === undefined || tagOf(created, "spikardRouter") === undefined) return undefined;
  const options = e.arguments?.[0];
  if (options === undefined) return "";
  if (!ts.isObjectLiteralExpression(options) || options.properties.some(ts.isSpreadAssignment)) return undefined;
  const prop = options.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "prefix");
  if (prop === undefined) return "";
  return ts.isPropertyAssignment(prop) ? stringLiteralOf(checker, prop.initializer) : undefined;
}

function skipOuter(e: ts.Expression): ts.Expression {
  let cur = e;
  while (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isSatisfiesExpression(cur) || ts.isNonNullExpression(cur)) cur = cur.expression;
  return cur;
}
