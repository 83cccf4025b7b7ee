import ts from "typescript";
import { compileCall } from "./registrations";
import { fileContext, fileStatements, type TransformProps } from "./file-context";

export type { TransformProps, TransformExtras } from "./file-context";

/**
 * The inline driver: compiles every Spikard registration in a source file
 * (registrations.ts) and writes its metadata into the call, with the imports
 * and shared functions the generated code needs at the top of the file.
 */
export function transformFile(props: TransformProps) {
  return (transformer: ts.TransformationContext) =>
    (file: ts.SourceFile): ts.SourceFile => {
      if (file.isDeclarationFile) return file;
      const context = fileContext(props, transformer);
      let changed = false;
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isCallExpression(node)) {
          const registration = compileCall(context, file, node);
          if (registration !== undefined) {
            changed = true;
            // Handlers may contain further registrations (rare) or typia calls: keep visiting.
            return ts.visitEachChild(ts.factory.updateCallExpression(node, node.expression, node.typeArguments, registration.args), visit, transformer);
          }
        }
        return ts.visitEachChild(node, visit, transformer);
      };
      const out = ts.visitEachChild(file, visit, transformer);
      if (!changed) return out;
      // After the directive prologue ("use strict"), which must stay first.
      const index = out.statements.findIndex((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
      const at = index === -1 ? out.statements.length : index;
      return ts.factory.updateSourceFile(out, [...out.statements.slice(0, at), ...fileStatements(context), ...out.statements.slice(at)]);
    };
}
