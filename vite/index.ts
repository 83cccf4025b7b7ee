import path from "node:path";
import ts from "typescript";
import { createTransform, type SpikardTransformOptions } from "../transformer/transform";
import { compilerError, unsupportedCompiler } from "../transformer/compiler-version";

export interface SpikardViteOptions {
  /** tsconfig used for type information. Default: `tsconfig.json` in Vite's root. */
  tsconfig?: string;
  /** Which modules to compile. Default: TypeScript files (not .d.ts) that import "spikard" or "typia". */
  filter?: (id: string, code: string) => boolean;
}

/** The subset of Vite's plugin interface this plugin uses (no dependency on vite's types). */
export interface SpikardVitePlugin {
  name: string;
  enforce: "pre";
  configResolved(config: { root: string }): void;
  transform(code: string, id: string): { code: string; map: string | null } | undefined;
  watchChange(id: string): void;
}

const TS_FILE = /\.(c|m)?tsx?$/;
const IMPORTS_US = /from\s+["'](?:spikard|typia)(?:\/[^"']*)?["']|require\(["'](?:spikard|typia)/;

/**
 * Runs the Spikard transformer (and typia's) on TypeScript modules under Vite
 * and Vitest, so tests exercise compiled routes without a separate build.
 * A TypeScript language service supplies the type checker; it grows with the
 * files Vite asks for and reuses unchanged files between runs.
 */
export default function spikard(options: SpikardViteOptions = {}): SpikardVitePlugin {
  const problem = unsupportedCompiler(ts);
  if (problem !== undefined) throw compilerError(problem);
  let root = process.cwd();
  let service: Service | undefined;
  const getService = (): Service => (service ??= createService(path.resolve(root, options.tsconfig ?? "tsconfig.json")));
  const accept = options.filter ?? ((id: string, code: string) => TS_FILE.test(id) && !id.endsWith(".d.ts") && !id.includes("/node_modules/") && IMPORTS_US.test(code));

  return {
    name: "spikard",
    enforce: "pre",
    configResolved(config) {
      root = config.root;
    },
    transform(code, rawId) {
      const id = rawId.split("?")[0]!;
      if (!accept(id, code)) return undefined;
      return getService().emit(path.resolve(id), code);
    },
    watchChange(id) {
      service?.touch(path.resolve(id));
    },
  };
}

interface Service {
  emit(file: string, code: string): { code: string; map: string | null };
  touch(file: string): void;
}

function createService(tsconfigPath: string): Service {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`spikard/vite: cannot read ${tsconfigPath}`);
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.ESNext,
    // Vite hands over ES modules; node16/nodenext resolution insists on module node16/nodenext and would leave
    // every import unresolved (typed any), so those projects resolve as bundlers do, with package exports.
    moduleResolution: nodeStyle(parsed.options.moduleResolution) ? ts.ModuleResolutionKind.Bundler : (parsed.options.moduleResolution ?? ts.ModuleResolutionKind.Bundler),
    sourceMap: true,
    inlineSources: true,
    inlineSourceMap: false,
    declaration: false,
    declarationMap: false,
    noEmit: false,
    outDir: undefined,
    emitDeclarationOnly: false,
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
  return {
    emit(file, code) {
      if (!roots.has(file) || contents.get(file) !== code) {
        roots.add(file);
        contents.set(file, code);
        versions.set(file, (versions.get(file) ?? 0) + 1);
      }
      const program = ls.getProgram()!;
      const source = program.getSourceFile(file);
      if (!source) throw new Error(`spikard/vite: ${file} is not part of the TypeScript program`);
      const diagnostics: ts.Diagnostic[] = [];
      let js = "";
      let map: string | null = null;
      program.emit(
        source,
        (name, text) => {
          if (name.endsWith(".map")) map = text;
          else if (/\.(c|m)?js$/.test(name)) js = text;
        },
        undefined,
        false,
        { before: [createTransform(program, transformOptions, { addDiagnostic: (d) => diagnostics.push(d) })] },
      );
      const format = (list: ts.Diagnostic[]): string => ts.formatDiagnostics(list, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" });
      const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (errors.length > 0) throw new Error(format(errors));
      const warnings = diagnostics.filter((d) => d.category !== ts.DiagnosticCategory.Error);
      if (warnings.length > 0) console.warn(format(warnings));
      return { code: js.replace(/\/\/# sourceMappingURL=.*$/m, ""), map };
    },
    touch(file) {
      if (versions.has(file)) {
        contents.delete(file);
        versions.set(file, (versions.get(file) ?? 0) + 1);
      }
    },
  };
}

/** The options of the tsconfig's spikard/transformer plugin entry, so Vite builds as tspc does. */
function pluginOptions(plugins: unknown): SpikardTransformOptions {
  if (!Array.isArray(plugins)) return {};
  const entry = (plugins as Array<Record<string, unknown>>).find((p) => typeof p.transform === "string" && /(^|[\\/])spikard[\\/]transformer$|(^|[\\/])transformer[\\/]index(\.[cm]?[jt]s)?$/.test(p.transform));
  if (entry === undefined) return {};
  const { transform: _transform, ...options } = entry;
  return options as SpikardTransformOptions;
}

function nodeStyle(kind: ts.ModuleResolutionKind | undefined): boolean {
  return kind === ts.ModuleResolutionKind.Node16 || kind === ts.ModuleResolutionKind.NodeNext;
}
