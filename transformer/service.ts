import path from "node:path";
import ts from "typescript";
import { createTransform } from "./transform";
import { pluginOptions } from "./plugin-options";

/** The module format a driver hands on: ES modules to bundlers, CommonJS or ES modules to Node. */
export type EmitFormat = "esm" | "cjs";

export interface CompileServiceOptions {
  tsconfig: string;
  format: EmitFormat;
  /** Source maps inline in the code (Node) instead of returned beside it (bundlers). */
  inlineSourceMap?: boolean;
}

export interface Compiled {
  code: string;
  map: string | null;
  /** spikard's errors, and the file's syntax errors: the module cannot be used. */
  errors: ts.Diagnostic[];
  /** Printed, not fatal. */
  warnings: string[];
}

export interface CompileService {
  readonly options: ts.CompilerOptions;
  readonly tsconfig: string;
  /** Compiles one module of the project with the transformer (and typia's). */
  compile(file: string, code?: string): Compiled;
  /** The file changed on disk: read it again next time. */
  touch(file: string): void;
  format(diagnostics: readonly ts.Diagnostic[]): string;
}

/**
 * The inline drivers' compiler (spikard/vite, spikard/unplugin, spikard/register):
 * a TypeScript language service over the tsconfig whose program grows with the
 * files asked for and reuses unchanged files between calls, emitting each file
 * with the transformer, which writes the metadata into the registration calls.
 */
export function createCompileService(options: CompileServiceOptions): CompileService {
  const tsconfigPath = path.resolve(options.tsconfig);
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`spikard: cannot read ${tsconfigPath}`);
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    ...moduleOptions(parsed.options, options.format),
    sourceMap: !options.inlineSourceMap,
    inlineSourceMap: options.inlineSourceMap === true,
    inlineSources: true,
    declaration: false,
    declarationMap: false,
    noEmit: false,
    emitDeclarationOnly: false,
    outDir: undefined,
    rootDir: undefined,
    outFile: undefined,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
  };
  const transformOptions = pluginOptions(parsed.options.plugins);
  const roots = new Set<string>();
  const versions = new Map<string, number>();
  const contents = new Map<string, string>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => compilerOptions,
    getScriptFileNames: () => [...roots],
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = contents.get(f) ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => path.dirname(tsconfigPath),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
    // Route docs and our declaration tags live in JSDoc, which tsc skips by default since 5.3.
    jsDocParsingMode: ts.JSDocParsingMode.ParseAll,
  };
  const ls = ts.createLanguageService(host, ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, path.dirname(tsconfigPath), ts.JSDocParsingMode.ParseAll));
  const formatHost: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
  return {
    options: compilerOptions,
    tsconfig: tsconfigPath,
    compile(file, code) {
      const text = code ?? ts.sys.readFile(file);
      if (text === undefined) throw new Error(`spikard: cannot read ${file}`);
      if (!roots.has(file) || contents.get(file) !== text) {
        roots.add(file);
        contents.set(file, text);
        versions.set(file, (versions.get(file) ?? 0) + 1);
      }
      const program = ls.getProgram()!;
      const source = program.getSourceFile(file);
      if (!source) throw new Error(`spikard: ${file} is not part of the TypeScript program of ${tsconfigPath}`);
      const diagnostics: ts.Diagnostic[] = [...program.getSyntacticDiagnostics(source)];
      const warnings: string[] = [];
      let js = "";
      let map: string | null = null;
      program.emit(
        source,
        (name, out) => {
          if (name.endsWith(".map")) map = out;
          else if (/\.(c|m)?js$/.test(name)) js = out;
        },
        undefined,
        false,
        { before: [createTransform(program, transformOptions, { addDiagnostic: (d) => diagnostics.push(d), warn: (m) => warnings.push(m) })] },
      );
      for (const d of diagnostics.filter((d) => d.category !== ts.DiagnosticCategory.Error)) warnings.push(ts.formatDiagnostics([d], formatHost).trimEnd());
      const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
      return { code: options.inlineSourceMap ? js : js.replace(/\/\/# sourceMappingURL=.*$/m, ""), map, errors, warnings };
    },
    touch(file) {
      if (versions.has(file)) {
        contents.delete(file);
        versions.set(file, (versions.get(file) ?? 0) + 1);
      }
    },
    format(list) {
      return process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext(list, formatHost) : ts.formatDiagnostics(list, formatHost);
    },
  };
}

function moduleOptions(options: ts.CompilerOptions, format: EmitFormat): ts.CompilerOptions {
  if (format === "cjs") return { module: ts.ModuleKind.CommonJS, moduleResolution: nodeResolution(options) ? ts.ModuleResolutionKind.Node10 : options.moduleResolution };
  // ES modules: node16/nodenext resolution insists on module node16/nodenext and would leave every
  // import unresolved (typed any), so those projects resolve as bundlers do, with package exports.
  return { module: ts.ModuleKind.ESNext, moduleResolution: nodeResolution(options) || options.moduleResolution === undefined || options.moduleResolution === ts.ModuleResolutionKind.Node10 ? ts.ModuleResolutionKind.Bundler : options.moduleResolution };
}

function nodeResolution(options: ts.CompilerOptions): boolean {
  return options.moduleResolution === ts.ModuleResolutionKind.Node16 || options.moduleResolution === ts.ModuleResolutionKind.NodeNext;
}
