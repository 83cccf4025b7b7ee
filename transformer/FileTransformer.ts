import { ImportProgrammer, type ITypiaContext } from "@typia/core";
import ts from "typescript";
import { transformRouteCall } from "./features/routes";
import { transformDependencyCall } from "./features/dependencies";
import { transformWebSocketCall } from "./features/websocket";
import { transformSseCall } from "./features/sse";
import { transformPublishCall } from "./features/publish";
import { sharedStatements } from "./programmers/shared-functions";
import { TransformerError } from "./TransformerError";
import { setDependencyPolicy, takeDeferredDependencyProblems, type DependencyErrors } from "./dependency-policy";

export interface TransformProps {
  program: ts.Program;
  checker: ts.TypeChecker;
  compilerOptions: ts.CompilerOptions;
  extras: TransformExtras;
  dependencyErrors: DependencyErrors;
}

export interface TransformExtras {
  addDiagnostic: (d: ts.Diagnostic) => number;
  /**
   * Where warnings go. Not diagnostics: tsc exits non-zero on a diagnostic of
   * any category, and a warning must not fail the build. Default console.warn.
   */
  warn?: (message: string) => void;
}

/**
 * Visits every call in a source file, rewrites Spikard registrations, adds the
 * imports typia's generated code needs, and turns TransformerErrors (ours and
 * typia's) into diagnostics on the offending call.
 */
export function transformFile(props: TransformProps) {
  return (transformer: ts.TransformationContext) =>
    (file: ts.SourceFile): ts.SourceFile => {
      if (file.isDeclarationFile) return file;
      const importer = new ImportProgrammer({ internalPrefix: "spikard_transform" });
      const context: ITypiaContext = {
        program: props.program,
        compilerOptions: props.compilerOptions,
        checker: props.checker,
        printer: ts.createPrinter(),
        // finite: numbers are checked with Number.isFinite, so a JSON literal beyond a double's range
        // (JSON.parse makes it Infinity, which would answer as null) is caught by validation.
        options: { finite: true },
        transformer,
        importer,
        extras: props.extras,
      };
      setDependencyPolicy(context, props.dependencyErrors);
      let changed = false;
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isCallExpression(node)) {
          const replaced = tryTransform(context, file, node);
          if (replaced !== undefined) {
            changed = true;
            // Handlers may contain further registrations (rare) or typia calls: keep visiting.
            return ts.visitEachChild(replaced, visit, transformer);
          }
        }
        return ts.visitEachChild(node, visit, transformer);
      };
      const out = ts.visitEachChild(file, visit, transformer);
      if (!changed) return out;
      const index = out.statements.findIndex((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
      const at = index === -1 ? out.statements.length : index;
      return ts.factory.updateSourceFile(out, [...out.statements.slice(0, at), ...importer.toStatements(), ...sharedStatements(context), ...out.statements.slice(at)]);
    };
}

function tryTransform(context: ITypiaContext, file: ts.SourceFile, node: ts.CallExpression): ts.CallExpression | undefined {
  try {
    return transformRouteCall(context, node) ?? transformWebSocketCall(context, node) ?? transformSseCall(context, node) ?? transformPublishCall(context, node) ?? transformDependencyCall(context, node);
  } catch (err) {
    if (!isTransformerError(err)) throw err;
    report(context, file, node, err, ts.DiagnosticCategory.Error);
    return undefined;
  } finally {
    for (const deferred of takeDeferredDependencyProblems(context)) {
      const at = node.pos >= 0 ? file.getLineAndCharacterOfPosition(node.getStart(file)) : undefined;
      const where = at ? `${file.fileName}(${at.line + 1},${at.character + 1})` : file.fileName;
      warn(context)(`${where}: warning [spikard ${deferred.code}] ${deferred.message} The route answers 500 "dependency-error" problem details instead (dependencyErrors: "respond").`);
    }
  }
}

function warn(context: ITypiaContext): (message: string) => void {
  return (context.extras as TransformExtras).warn ?? ((m) => console.warn(m));
}

function report(context: ITypiaContext, file: ts.SourceFile, node: ts.Node, err: Error & { code: string }, category: ts.DiagnosticCategory): void {
  const code = err instanceof TransformerError ? err.code : String(err.code);
  const located = node.pos >= 0;
  context.extras.addDiagnostic({
    file,
    start: located ? node.getStart(file) : undefined,
    length: located ? node.getWidth(file) : undefined,
    category,
    code: 0,
    messageText: `[spikard ${code}] ${err.message}`,
  });
}

/** Ours, or typia's (thrown by its programmers for unsupported types). */
function isTransformerError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && (err instanceof TransformerError || (err.constructor.name === "TransformerError" && typeof (err as { code?: unknown }).code === "string"));
}
