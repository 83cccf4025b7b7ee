import path from "node:path";
import ts from "typescript";
import { createTransform, type SpikardTransformOptions } from "../../transformer/transform";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Compiles one file with the Spikard transformer through the compiler API
 * ("spikard" mapped to the sources): the emitted JavaScript and every
 * diagnostic the transformer reported, and the warnings it printed.
 */
export function compileWithTransformer(
  file: string,
  outDir = path.join(ROOT, "test-results", "transformed"),
  transformOptions: SpikardTransformOptions = {},
): { js: string; diagnostics: string[]; warnings: string[] } {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    outDir,
    baseUrl: ROOT,
    paths: { spikard: ["./src/index.ts"] },
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseAll;
  const program = ts.createProgram([file], options, host);
  const found: ts.Diagnostic[] = [];
  const warnings: string[] = [];
  let js = "";
  program.emit(program.getSourceFile(file), (name, text) => name.endsWith(".js") && (js = text), undefined, false, {
    before: [createTransform(program, transformOptions, { addDiagnostic: (d) => found.push(d), warn: (m) => warnings.push(m) })],
  });
  return { js, diagnostics: found.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")), warnings };
}
