import path from "node:path";
import ts from "typescript";
import { pluginOptions } from "../plugin-options";
import type { SpikardTransformOptions } from "../transform";

/** What `spikard gen` analyses and where it writes. */
export interface Project {
  configPath: string;
  /** The tsconfig's directory: generated paths and `source` names are relative to it. */
  dir: string;
  options: ts.CompilerOptions;
  /** The project's source files, without the generated folder. */
  rootNames: string[];
  /** The generated folder. */
  outDir: string;
  /** The folder source paths are mirrored from: rootDir, or the sources' common folder. */
  sourceRoot: string;
  transformOptions: SpikardTransformOptions;
  /** Problems with the tsconfig itself (options this TypeScript does not know are not fatal: the app's compiler may). */
  configDiagnostics: ts.Diagnostic[];
}

export const DEFAULT_OUT = "spikard.gen";

export function loadProject(configPath: string, out?: string): Project {
  const diagnostics: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(d) });
  if (parsed === undefined) throw new Error(ts.flattenDiagnosticMessageText(diagnostics[0]?.messageText ?? `cannot read ${configPath}`, "\n"));
  const dir = path.dirname(configPath);
  const options = analysisOptions(parsed.options, dir);
  const sources = parsed.fileNames.filter((f) => !f.endsWith(".d.ts")).map((f) => path.resolve(f));
  const sourceRoot = options.rootDir !== undefined ? path.resolve(dir, options.rootDir) : commonDir(sources, dir);
  const outDir = path.resolve(out === undefined ? path.join(sourceRoot, DEFAULT_OUT) : out);
  return {
    configPath,
    dir,
    options,
    rootNames: parsed.fileNames.map((f) => path.resolve(f)).filter((f) => !isInside(f, outDir)),
    outDir,
    sourceRoot,
    transformOptions: pluginOptions(parsed.raw?.compilerOptions?.plugins),
    configDiagnostics: [...diagnostics, ...parsed.errors],
  };
}

/**
 * The project's options as this TypeScript (5.9) reads them for analysis.
 * TypeScript 6 and 7 made `strict` the default; a project built with them
 * that leaves it unset is strict, which is what optional parameters and
 * nullable types are analysed under.
 */
function analysisOptions(options: ts.CompilerOptions, dir: string): ts.CompilerOptions {
  const out: ts.CompilerOptions = { ...options, noEmit: true, plugins: undefined };
  if (out.strict === undefined && projectTypeScriptMajor(dir) >= 6) out.strict = true;
  return out;
}

/** The major version of the TypeScript the project itself installs (0 when none is found). */
export function projectTypeScriptMajor(dir: string): number {
  try {
    const pkg = require(require.resolve("typescript/package.json", { paths: [dir] })) as { version: string };
    return Number(pkg.version.split(".")[0]);
  } catch {
    return 0;
  }
}

function commonDir(files: string[], fallback: string): string {
  if (files.length === 0) return fallback;
  let common = path.dirname(files[0]!);
  for (const f of files) while (!isInside(f, common)) common = path.dirname(common);
  return common;
}

export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}
