import path from "node:path";
import ts from "typescript";
import { compileCall, reportAt, type Registration } from "../registrations";
import { fileContext, fileStatements, type TransformProps } from "../file-context";
import { TransformerError } from "../TransformerError";
import type { DependencyErrors } from "../dependency-policy";
import { moduleText, type Entry } from "./module";
import { isInside, type Project } from "./project";

/** One registration as written to a generated module. */
export interface GeneratedRegistration extends Entry {
  label: string;
  file: ts.SourceFile;
  start: number;
  length: number;
  /** The generated code it stands for (its metadata and the shared functions that metadata uses), to tell equal registrations from different ones. */
  fingerprint: () => string;
}

/** What `spikard gen` made of one source file. */
export interface FileRecord {
  file: string;
  /** Relative to the project, as messages and the generated code name it. */
  name: string;
  /** The generated module's text; undefined when the file registers nothing. */
  module: string | undefined;
  registrations: GeneratedRegistration[];
  diagnostics: ts.Diagnostic[];
  warnings: string[];
}

/** The project's own source files in the program (not declarations, libraries or the generated folder). */
export function projectFiles(program: ts.Program, project: Project): ts.SourceFile[] {
  return program.getSourceFiles().filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f) && !isInside(path.resolve(f.fileName), project.outDir));
}

/**
 * Runs the analysis core (registrations.ts) over one file, as the inline
 * drivers do, and prints what it found as a generated module.
 */
export function analyseFile(program: ts.Program, project: Project, file: ts.SourceFile, dependencyErrors: DependencyErrors): FileRecord {
  const name = path.relative(project.dir, file.fileName).split(path.sep).join("/");
  const record: FileRecord = { file: path.resolve(file.fileName), name, module: undefined, registrations: [], diagnostics: [], warnings: [] };
  const syntax = program.getSyntacticDiagnostics(file);
  if (syntax.length > 0) {
    // The checker's answers about a file that does not parse would be noise; the syntax error is the problem.
    record.diagnostics.push(...syntax);
    return record;
  }
  record.diagnostics.push(...unresolvedImports(program.getTypeChecker(), file, name));
  const props: TransformProps = {
    program,
    checker: program.getTypeChecker(),
    compilerOptions: program.getCompilerOptions(),
    extras: { addDiagnostic: (d) => record.diagnostics.push(d), warn: (m) => record.warnings.push(m) },
    dependencyErrors,
  };
  const found: Array<{ call: ts.CallExpression; registration: Registration & { id: string } }> = [];
  let statements: ts.Statement[] = [];
  // typia's programmers expect a transformation context; a pass that changes nothing supplies one.
  ts.transform(
    file,
    [
      (transformer) => (source) => {
        const context = fileContext(props, transformer);
        const visit = (node: ts.Node): void => {
          if (ts.isCallExpression(node)) {
            const registration = compileCall(context, source, node);
            if (registration !== undefined) {
              if (registration.id instanceof TransformerError) reportAt(context, source, node, registration.id);
              else found.push({ call: node, registration: registration as Registration & { id: string } });
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
        statements = fileStatements(context);
        return source;
      },
    ],
    program.getCompilerOptions(),
  ).dispose();
  if (found.length === 0) return record;
  const shared = sharedDeclarations(statements);
  record.registrations = found.map(({ call, registration }) => ({
    kind: registration.kind,
    id: registration.id,
    value: registration.value,
    label: registration.label,
    file,
    start: call.getStart(file),
    length: call.getWidth(file),
    fingerprint: memo(() => fingerprint(registration.value, shared)),
  }));
  record.module = moduleText(file, name, statements, record.registrations);
  return record;
}

/**
 * Imports the checker cannot resolve. tsc would report them, but `spikard gen`
 * does not type-check, and the types they bring (typia's `tags`, say) would
 * silently read as `any`: validation the source asks for would be missing.
 */
function unresolvedImports(checker: ts.TypeChecker, file: ts.SourceFile, name: string): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  for (const statement of file.statements) {
    // A side-effect import brings no types (and `import "./spikard.gen"` does not resolve before the first run).
    const brings = (ts.isImportDeclaration(statement) && statement.importClause !== undefined) || ts.isExportDeclaration(statement);
    const specifier = brings ? statement.moduleSpecifier : undefined;
    if (specifier === undefined || !ts.isStringLiteral(specifier) || checker.getSymbolAtLocation(specifier) !== undefined) continue;
    const err = new TransformerError("SPK020", name, JSON.stringify(specifier.text));
    out.push({ file, start: specifier.getStart(file), length: specifier.getWidth(file), category: ts.DiagnosticCategory.Error, code: 0, messageText: `[spikard ${err.code}] ${err.message}` });
  }
  return out;
}

/** Shared constants by the identifier node their references reuse (programmers/shared-functions.ts). */
function sharedDeclarations(statements: ts.Statement[]): Map<ts.Node, ts.Statement> {
  const out = new Map<ts.Node, ts.Statement>();
  for (const s of statements) {
    if (!ts.isVariableStatement(s)) continue;
    for (const d of s.declarationList.declarations) out.set(d.name, s);
  }
  return out;
}

/** The value printed after the shared constants it uses (transitively), by a printer of its own: equal code prints equal text. */
function fingerprint(value: ts.Expression, shared: Map<ts.Node, ts.Statement>): string {
  const used: ts.Statement[] = [];
  const seen = new Set<ts.Statement>();
  const visit = (node: ts.Node): void => {
    const s = shared.get(node);
    if (s !== undefined && !seen.has(s)) {
      seen.add(s);
      visit(s);
      used.push(s);
    }
    ts.forEachChild(node, visit);
  };
  visit(value);
  const empty = ts.createSourceFile("fingerprint.ts", "", ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter().printFile(ts.factory.updateSourceFile(empty, [...used, ts.factory.createExpressionStatement(value)]));
}

function memo<T>(f: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
}
