import ts from "typescript";

/**
 * Recognises Spikard's own declarations by the JSDoc tags they carry
 * (`@spikardRoute`, `@spikardMarker`, `@spikardRequest`, `@spikardResponse`).
 * The declaration is found through the checker, so renamed imports, re-exports
 * and subclasses all resolve to it; a user type that merely shares a name does not.
 */
export function tagOf(node: ts.Node | undefined, tag: string): string | undefined {
  if (node === undefined) return undefined;
  for (const t of ts.getJSDocTags(node)) {
    if (t.tagName.text === tag) return typeof t.comment === "string" ? t.comment.trim() : (ts.getTextOfJSDocComment(t.comment) ?? "").trim();
  }
  return undefined;
}

export function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol | undefined): ts.Symbol | undefined {
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) return checker.getAliasedSymbol(symbol);
  return symbol;
}

/** The marker (`query`, `path`, `header`, `cookie`, `body`) a type node refers to, if any. */
export function markerOf(checker: ts.TypeChecker, typeNode: ts.TypeNode | undefined): { kind: string; node: ts.TypeReferenceNode } | undefined {
  if (typeNode === undefined || !ts.isTypeReferenceNode(typeNode)) return undefined;
  const symbol = resolveAlias(checker, checker.getSymbolAtLocation(typeNode.typeName));
  const decl = symbol?.declarations?.[0];
  const kind = decl !== undefined && ts.isTypeAliasDeclaration(decl) ? tagOf(decl, "spikardMarker") : undefined;
  return kind ? { kind, node: typeNode } : undefined;
}

/** True when `type` is (a subclass of) a class tagged `tag`. */
export function isTaggedClass(checker: ts.TypeChecker, type: ts.Type, tag: string): boolean {
  const visit = (t: ts.Type): boolean => {
    const decls = t.getSymbol()?.declarations ?? [];
    if (decls.some((d) => ts.isClassDeclaration(d) && tagOf(d, tag) !== undefined)) return true;
    const target = (t as ts.TypeReference).target ?? t;
    return target.isClassOrInterface() ? checker.getBaseTypes(target).some(visit) : false;
  };
  return visit(type);
}

/** A typia tag type (`tags.MinLength<1>`, `Rule<...>`): it carries metadata under "typia.tag", not data. */
export function isTypiaTag(t: ts.Type): boolean {
  return t.getProperty("typia.tag") !== undefined;
}

/**
 * Where a handler's JSDoc sits: on a function declaration itself; for an
 * arrow or function expression on its variable statement (`const h = () => ...`),
 * or on the registration statement for an inline one (`app.get(..., () => ...)`).
 */
export function jsDocHost(fn: ts.Node): ts.Node {
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return fn;
  let cur: ts.Node = fn;
  while (cur.parent && (ts.isVariableDeclaration(cur.parent) || ts.isVariableDeclarationList(cur.parent) || ts.isVariableStatement(cur.parent) || ts.isParenthesizedExpression(cur.parent))) cur = cur.parent;
  if (cur === fn && cur.parent && ts.isCallExpression(cur.parent) && cur.parent.parent && ts.isExpressionStatement(cur.parent.parent)) return cur.parent.parent;
  return cur;
}

/** A string literal's text, or that of an expression whose type is a string literal (a `const`). */
export function stringLiteralOf(checker: ts.TypeChecker, e: ts.Expression | undefined): string | undefined {
  if (e === undefined) return undefined;
  if (ts.isStringLiteralLike(e)) return e.text;
  const t = checker.getTypeAtLocation(e);
  return t.isStringLiteral() ? t.value : undefined;
}
