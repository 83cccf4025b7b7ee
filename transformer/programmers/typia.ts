import { IsProgrammer, JsonStringifyProgrammer, ValidateProgrammer, type ITypiaContext } from "@typia/core";
import ts from "typescript";

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
export function writeIs(c: EmitContext, type: ts.Type, equals = false): ts.Expression {
  return IsProgrammer.write({ context: c.typia, modulo: c.modulo, type, name: undefined, config: { equals } });
}

export function writeValidate(c: EmitContext, type: ts.Type, equals = false): ts.Expression {
  return ValidateProgrammer.write({ context: c.typia, modulo: c.modulo, type, name: undefined, config: { equals } });
}

export function writeStringify(c: EmitContext, type: ts.Type): ts.Expression {
  return JsonStringifyProgrammer.write({ context: c.typia, modulo: c.modulo, type, name: undefined });
}
