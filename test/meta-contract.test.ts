import path from "node:path";
import fs from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const FIXTURE = path.join(ROOT, "test", "types", "meta-contract.ts");

function typeErrors(file: string, text?: string): string[] {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, esModuleInterop: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: ["node"] };
  const host = ts.createCompilerHost(options);
  if (text !== undefined) {
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, text, version) : read(name, version, ...rest));
  }
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

/**
 * The transformer emits RouteMeta through `emit<T>` with T from
 * src/runtime/meta.ts, the module the runtime reads it with: a field renamed,
 * dropped or given a value of another kind on either side fails `tsc`.
 */
describe("one metadata contract", () => {
  it("every mistake in the fixture is a type error, and nothing else is", () => {
    expect(typeErrors(FIXTURE)).toEqual([]);
  });

  it("without the expectations, each mistake is reported, naming the field", () => {
    const text = fs.readFileSync(FIXTURE, "utf8").replace(/^\/\/ @ts-expect-error.*$/gm, "");
    const errors = typeErrors(FIXTURE, text);
    expect(errors).toHaveLength(7);
    expect(errors.join("\n")).toMatch(/'nulable' does not exist in type/);
    expect(errors.join("\n")).toMatch(/Property 'nullable' is missing/);
    expect(errors.join("\n")).toMatch(/"integr"/);
  });

  it("the transformer and the runtime declare the vocabulary once", () => {
    // The transformer imports these from the runtime instead of declaring its own.
    const sources = ["analyses", "programmers", "features"].flatMap((d) => fs.readdirSync(path.join(ROOT, "transformer", d)).map((f) => fs.readFileSync(path.join(ROOT, "transformer", d, f), "utf8")));
    for (const name of ["ScalarKind", "BodyKind", "FormShape", "ResponseKind", "OperationFragment"]) {
      expect(sources.some((s) => new RegExp(`(type|interface) ${name}\\b`).test(s)), name).toBe(false);
    }
  });
});
