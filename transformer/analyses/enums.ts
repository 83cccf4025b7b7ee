import ts from "typescript";
import { isTypiaTag } from "./declarations";

/**
 * typia prints a failed literal union sorted; Spikard's message lists the
 * values in declared order. This walks a type (and, where it has them, the
 * declaring type nodes) and records each literal union's declared order,
 * keyed like the runtime's `enumKey`. `declaredOnly`: only unions written in
 * a type node (the others come in the checker's order, which depends on what
 * it checked first).
 */
export function collectEnumOrders(checker: ts.TypeChecker, type: ts.Type, node: ts.TypeNode | undefined, declaredOnly = false): Record<string, unknown[]> | undefined {
  const out: Record<string, unknown[]> = {};
  const seen = new Set<ts.Type>();
  const visit = (t: ts.Type, n: ts.TypeNode | undefined, depth: number): void => {
    if (depth > 24) return;
    n = unwrap(checker, n);
    const fromNode = n !== undefined && ts.isUnionTypeNode(n) ? literalsOf(n.types) : undefined;
    if (fromNode !== undefined && fromNode.length > 1) record(out, fromNode);
    else if (t.isUnion() && !declaredOnly) {
      const lits = t.types.filter((m) => m.isLiteral() || m.flags & ts.TypeFlags.BooleanLiteral);
      const plainBoolean = lits.length === 2 && lits.every((m) => m.flags & ts.TypeFlags.BooleanLiteral);
      // `boolean` is `false | true` to the checker but typia names it "boolean": nothing to reorder.
      if (!plainBoolean && lits.length > 1 && lits.length === t.types.filter((m) => !(m.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))).length) {
        record(out, lits.map((m) => (m.isLiteral() ? (m.value as unknown) : checker.typeToString(m) === "true")));
      }
    }
    if (t.isUnion() || t.isIntersection()) {
      const nodes = n !== undefined && (ts.isUnionTypeNode(n) || ts.isIntersectionTypeNode(n)) ? n.types : undefined;
      t.types.forEach((m, i) => visit(m, nodes?.length === t.types.length ? nodes[i] : undefined, depth + 1));
      return;
    }
    if (seen.has(t)) return;
    const element = arrayElement(checker, t);
    if (element !== undefined) {
      seen.add(t);
      const en = n !== undefined && ts.isArrayTypeNode(n) ? n.elementType : n !== undefined && ts.isTypeReferenceNode(n) ? n.typeArguments?.[0] : undefined;
      visit(element, en, depth + 1);
      return;
    }
    // typia's tag types (`tags.MinLength<1>`) carry metadata, not the value's literals.
    if (t.flags & ts.TypeFlags.Object && !isTypiaTag(t)) {
      seen.add(t);
      for (const prop of checker.getPropertiesOfType(t)) {
        const decl = prop.valueDeclaration;
        const typeNode = decl !== undefined && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
        visit(checker.getTypeOfSymbol(prop), typeNode, depth + 1);
      }
    }
  };
  visit(type, node, 0);
  return Object.keys(out).length > 0 ? out : undefined;
}

function record(out: Record<string, unknown[]>, values: unknown[]): void {
  out[values.map((v) => JSON.stringify(v)).sort().join("|")] = values;
}

function unwrap(checker: ts.TypeChecker, n: ts.TypeNode | undefined): ts.TypeNode | undefined {
  for (let i = 0; n !== undefined && i < 10; i++) {
    if (ts.isParenthesizedTypeNode(n)) n = n.type;
    else if (ts.isTypeReferenceNode(n) && (n.typeArguments === undefined || n.typeArguments.length === 0)) {
      const sym = checker.getSymbolAtLocation(n.typeName);
      const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const decl = target?.declarations?.find(ts.isTypeAliasDeclaration);
      if (decl === undefined) return n;
      n = decl.type;
    } else return n;
  }
  return n;
}

function literalsOf(nodes: ts.NodeArray<ts.TypeNode>): unknown[] | undefined {
  const out: unknown[] = [];
  for (const m of nodes) {
    if (!ts.isLiteralTypeNode(m)) {
      if (m.kind === ts.SyntaxKind.NullKeyword || m.kind === ts.SyntaxKind.UndefinedKeyword) continue;
      return undefined;
    }
    const l = m.literal;
    if (ts.isStringLiteral(l)) out.push(l.text);
    else if (ts.isNumericLiteral(l)) out.push(Number(l.text));
    else if (l.kind === ts.SyntaxKind.TrueKeyword) out.push(true);
    else if (l.kind === ts.SyntaxKind.FalseKeyword) out.push(false);
    else if (ts.isPrefixUnaryExpression(l) && ts.isNumericLiteral(l.operand)) out.push(-Number(l.operand.text));
    else if (l.kind === ts.SyntaxKind.NullKeyword) continue;
    else return undefined;
  }
  return out;
}

function arrayElement(checker: ts.TypeChecker, t: ts.Type): ts.Type | undefined {
  if (checker.isArrayType(t)) return checker.getTypeArguments(t as ts.TypeReference)[0];
  return undefined;
}
