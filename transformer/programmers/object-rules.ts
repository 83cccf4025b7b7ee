import ts from "typescript";
import type { ObjectRule } from "../analyses/object-rules";
import { TransformerError } from "../TransformerError";

/** `[{ path, check: ($input) => <Check>, message }]` for the runtime to apply after typia's validation. */
export function writeObjectRules(rules: ObjectRule[]): ts.Expression {
  const f = ts.factory;
  return f.createArrayLiteralExpression(
    rules.map((r) =>
      f.createObjectLiteralExpression([
        f.createPropertyAssignment("path", f.createArrayLiteralExpression(r.path.map((p) => f.createStringLiteral(p)))),
        f.createPropertyAssignment("check", f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, "$input")], undefined, undefined, parseCheck(r.check))),
        f.createPropertyAssignment("message", f.createStringLiteral(r.message)),
      ]),
    ),
  );
}

/** The Check text as an expression. */
function parseCheck(check: string): ts.Expression {
  const file = ts.createSourceFile("rule.ts", `(${check});`, ts.ScriptTarget.ESNext, true, ts.ScriptKind.TS);
  const statement = file.statements[0];
  const diagnostics = (file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  if (file.statements.length !== 1 || statement === undefined || !ts.isExpressionStatement(statement) || diagnostics.length > 0) {
    throw new TransformerError("SPK013", JSON.stringify(check));
  }
  return synthesized(statement.expression);
}

/**
 * Parsed nodes carry positions in their own little file; printed inside the
 * user's file the printer would read their text at those offsets there.
 * Without positions they print from their own contents.
 */
function synthesized<T extends ts.Node>(node: T): T {
  const strip = (n: ts.Node): void => {
    ts.forEachChild(n, strip);
    ts.setTextRange(n, { pos: -1, end: -1 });
  };
  strip(node);
  return node;
}
