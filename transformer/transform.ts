import ts from "typescript";
import { transformFile, type TransformExtras } from "./FileTransformer";
import { memoizeTypiaHelpers } from "./programmers/typia-memo";
import { parseDependencyErrors, type DependencyErrors } from "./dependency-policy";
import type { BuildClientOptions } from "./build-client";

export interface SpikardTransformOptions {
  /** Options handed to typia's own transform (finite, numeric, functional, undefined). */
  typia?: Record<string, unknown>;
  /**
   * "fail" (default): a missing provider or a dependency cycle is a compile
   * error, and a start-up error where only the runtime can see it. "respond":
   * as Spikard's other bindings, a warning, and the affected routes answer 500
   * `dependency-error` problem details.
   */
  dependencyErrors?: DependencyErrors;
  /** Writes the app's typed client during the build (`tspc`), as `spikard client` does: `{ "app": "src/app.ts", "out": "client/client.ts" }`. */
  client?: BuildClientOptions;
}

/**
 * Runs Spikard's route transform, then typia's, so user code may also call
 * `typia.*` without configuring typia separately.
 */
export function createTransform(
  program: ts.Program,
  options: SpikardTransformOptions = {},
  extras: TransformExtras = { addDiagnostic: () => 0 },
): ts.TransformerFactory<ts.SourceFile> {
  const compilerOptions = program.getCompilerOptions();
  const setup = transformSetup(compilerOptions, options);
  for (const messageText of setup.problems) {
    extras.addDiagnostic({ category: ts.DiagnosticCategory.Error, code: 0, file: undefined, start: undefined, length: undefined, messageText });
  }
  const ours = transformFile({ program, checker: program.getTypeChecker(), compilerOptions, extras, dependencyErrors: setup.dependencyErrors });
  if (!importsTypiaValue(program)) return ours;
  const typiaTransform = (require("typia/lib/transform") as { default: typeof createTransform }).default;
  const typia = typiaTransform(program, (options.typia ?? {}) as SpikardTransformOptions, extras);
  return (context) => {
    const a = ours(context);
    const b = typia(context);
    return (file) => b(a(file));
  };
}

/** What every driver checks before compiling: the options the analysis depends on, and the plugin's own. */
export function transformSetup(compilerOptions: ts.CompilerOptions, options: SpikardTransformOptions): { dependencyErrors: DependencyErrors; problems: string[] } {
  const problems: string[] = [];
  const strict = compilerOptions.strictNullChecks ?? compilerOptions.strict ?? false;
  if (!strict) problems.push("[spikard] strict (or strictNullChecks) must be enabled: optional parameters and nullable types depend on it.");
  const dependencyErrors = parseDependencyErrors(options.dependencyErrors);
  if (dependencyErrors === undefined) problems.push(`[spikard] the transformer option dependencyErrors must be "fail" or "respond", not ${JSON.stringify(options.dependencyErrors)}.`);
  memoizeTypiaHelpers();
  return { dependencyErrors: dependencyErrors ?? "fail", problems };
}

/**
 * Whether any source file imports typia as a value (so may call `typia.*`).
 * Handlers usually import only its tag types, and then typia's own pass (its
 * load plus a walk over every node, generated ones included) is skipped. A
 * module re-exporting typia imports it as a value itself, so a call through a
 * re-export still enables the pass.
 */
function importsTypiaValue(program: ts.Program): boolean {
  const fromTypia = (specifier: ts.Expression): boolean => ts.isStringLiteral(specifier) && (specifier.text === "typia" || specifier.text.startsWith("typia/"));
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile) continue;
    for (const statement of file.statements) {
      if (ts.isImportDeclaration(statement) && fromTypia(statement.moduleSpecifier)) {
        const clause = statement.importClause;
        if (clause === undefined || clause.isTypeOnly) {
          if (clause === undefined) return true;
          continue;
        }
        const named = clause.namedBindings;
        if (clause.name !== undefined || named === undefined || ts.isNamespaceImport(named) || named.elements.some((e) => !e.isTypeOnly)) return true;
      } else if (ts.isImportEqualsDeclaration(statement) && !statement.isTypeOnly) {
        const ref = statement.moduleReference;
        if (ts.isExternalModuleReference(ref) && fromTypia(ref.expression)) return true;
      } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier !== undefined && fromTypia(statement.moduleSpecifier)) {
        return true;
      }
    }
  }
  return false;
}
