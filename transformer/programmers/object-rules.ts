import ts from "typescript";
import type { ObjectRuleMeta } from "../../src/runtime/meta";
import type { ObjectRule } from "../analyses/object-rules";
import { TransformerError } from "../TransformerError";
import { array, emit, literal, str, typed } from "./emit";

/** `[{ path, check: ($input) => <Check>, message }]` for the runtime to apply after typia's validation. */
export function writeObjectRules(rules: ObjectRule[]) {
  const f = ts.factory;
  const check = (source: string) => typed<ObjectRuleMeta["check"]>(f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, "$input")], undefined, undefined, parseCheck(source)));
  return array(rules.map((r) => emit<ObjectRuleMeta>({ path: literal(r.path), check: check(r.check), message: str(r.message) })));
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
