import typiaTransform from "typia/lib/transform";
import ts from "typescript";
import { transformFile } from "./FileTransformer";

export interface SpikardTransformOptions {
  /** Options handed to typia's own transform (finite, numeric, functional, undefined). */
  typia?: Record<string, unknown>;
}

/**
 * Runs Spikard's route transform, then typia's, so user code may also call
 * `typia.*` without configuring typia separately.
 */
export function createTransform(
  program: ts.Program,
  options: SpikardTransformOptions = {},
  extras: { addDiagnostic: (d: ts.Diagnostic) => number } = { addDiagnostic: () => 0 },
): ts.TransformerFactory<ts.SourceFile> {
  const compilerOptions = program.getCompilerOptions();
  const strict = compilerOptions.strictNullChecks ?? compilerOptions.strict ?? false;
  if (!strict) {
    extras.addDiagnostic({
      category: ts.DiagnosticCategory.Error,
      code: 0,
      file: undefined,
      start: undefined,
      length: undefined,
      messageText: "[spikard] strict (or strictNullChecks) must be enabled: optional parameters and nullable types depend on it.",
    });
  }
  const ours = transformFile({ program, checker: program.getTypeChecker(), compilerOptions, extras });
  const typia = (typiaTransform as unknown as typeof createTransform)(program, (options.typia ?? {}) as SpikardTransformOptions, extras);
  return (context) => {
    const a = ours(context);
    const b = typia(context);
    return (file) => b(a(file));
  };
}
