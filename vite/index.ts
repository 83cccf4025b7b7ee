import path from "node:path";
import ts from "typescript";
import { compilerError, unsupportedCompiler } from "../transformer/compiler-version";
import { createCompileService, type CompileService } from "../transformer/service";

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

export const TS_FILE = /\.(c|m)?tsx?$/;
const IMPORTS_US = /from\s+["'](?:spikard|typia)(?:\/[^"']*)?["']|require\(["'](?:spikard|typia)/;

/** The default filter: TypeScript modules outside node_modules that import spikard or typia. */
export function importsSpikard(id: string, code: string): boolean {
  return TS_FILE.test(id) && !id.endsWith(".d.ts") && !id.includes("/node_modules/") && IMPORTS_US.test(code);
}

/**
 * Runs the Spikard transformer (and typia's) on TypeScript modules under Vite
 * and Vitest, so tests exercise compiled routes without a separate build.
 * A TypeScript language service supplies the type checker (transformer/service.ts).
 */
export default function spikard(options: SpikardViteOptions = {}): SpikardVitePlugin {
  const problem = unsupportedCompiler(ts);
  if (problem !== undefined) throw compilerError(problem);
  let root = process.cwd();
  let service: CompileService | undefined;
  const getService = (): CompileService => (service ??= createCompileService({ tsconfig: path.resolve(root, options.tsconfig ?? "tsconfig.json"), format: "esm" }));
  const accept = options.filter ?? importsSpikard;

  return {
    name: "spikard",
    enforce: "pre",
    configResolved(config) {
      root = config.root;
    },
    transform(code, rawId) {
      const id = rawId.split("?")[0]!;
      if (!accept(id, code)) return undefined;
      return compileOrThrow(getService(), path.resolve(id), code);
    },
    watchChange(id) {
      service?.touch(path.resolve(id));
    },
  };
}

/** A bundler's transform result: the errors thrown as one message with every diagnostic, warnings printed. */
export function compileOrThrow(service: CompileService, file: string, code: string): { code: string; map: string | null } {
  const out = service.compile(file, code);
  if (out.errors.length > 0) throw new Error(service.format(out.errors));
  for (const w of out.warnings) console.warn(w);
  return { code: out.code, map: out.map };
}
