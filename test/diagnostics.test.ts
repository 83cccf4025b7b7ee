import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { createTransform } from "../transformer/transform";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "test-error");

/** Compiles one file with the Spikard transformer and returns every diagnostic's text. */
function compile(file: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    skipLibCheck: true,
    noEmit: false,
    outDir: path.join(ROOT, "test-results", "test-error-out"),
    baseUrl: ROOT,
    paths: { spikard: ["./src/index.ts"] },
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseAll;
  const program = ts.createProgram([file], options, host);
  const found: ts.Diagnostic[] = [];
  program.emit(undefined, () => undefined, undefined, false, { before: [createTransform(program, {}, { addDiagnostic: (d) => found.push(d) })] });
  return found.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".ts"));

describe("compile-time diagnostics (test-error/)", () => {
  it("has fixtures", () => expect(files.length).toBeGreaterThanOrEqual(8));

  it.each(files)("%s fails to compile with its expected diagnostic", (name) => {
    const file = path.join(DIR, name);
    const expectation = /^\/\/ expect: (SPK\d{3}) (.+)$/m.exec(fs.readFileSync(file, "utf8"));
    expect(expectation, "fixture declares `// expect: SPKnnn text`").not.toBeNull();
    const [, code, text] = expectation!;
    const messages = compile(file);
    expect(messages.some((m) => m.includes(`[spikard ${code}]`) && m.includes(text!)), messages.join("\n")).toBe(true);
  });
});
