import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { createUnplugin, type UnpluginInstance } from "unplugin";
import { compilerError, unsupportedCompiler } from "../transformer/compiler-version";
import { createCompileService, type CompileService } from "../transformer/service";
import { compileOrThrow, importsSpikard, TS_FILE } from "../vite/index";

export interface SpikardUnpluginOptions {
  /** tsconfig used for type information. Default: the nearest `tsconfig.json` above each module. */
  tsconfig?: string;
  /** Which modules to compile. Default: TypeScript modules (not .d.ts, not in node_modules) that import "spikard" or "typia". */
  filter?: (id: string, code: string) => boolean;
}

/**
 * The Spikard transformer for bundlers, through unplugin: `esbuild`, `rollup`,
 * `rolldown`, `webpack` and `rspack` (and `vite`, as spikard/vite does). Each
 * module is compiled by the same core as tspc (transformer/service.ts) and
 * handed on as JavaScript with the routes' metadata written in.
 */
export const unplugin: UnpluginInstance<SpikardUnpluginOptions | undefined, false> = createUnplugin<SpikardUnpluginOptions | undefined, false>((options = {}) => {
  const problem = unsupportedCompiler(ts);
  if (problem !== undefined) throw compilerError(problem);
  const services = new Map<string, CompileService>();
  const serviceFor = (file: string): CompileService => {
    const tsconfig = path.resolve(options.tsconfig ?? nearestTsconfig(file));
    let service = services.get(tsconfig);
    if (service === undefined) services.set(tsconfig, (service = createCompileService({ tsconfig, format: "esm" })));
    return service;
  };
  const accept = options.filter ?? importsSpikard;
  return {
    name: "spikard",
    enforce: "pre",
    transformInclude(id: string) {
      const file = id.split("?")[0]!;
      return TS_FILE.test(file) && !file.endsWith(".d.ts");
    },
    transform(code: string, id: string) {
      const file = path.resolve(id.split("?")[0]!);
      if (!accept(file, code)) return undefined;
      return compileOrThrow(serviceFor(file), file, code);
    },
    watchChange(id: string) {
      for (const service of services.values()) service.touch(path.resolve(id));
    },
  };
});

function nearestTsconfig(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`spikard/unplugin: no tsconfig.json above ${file}; pass { tsconfig }`);
  }
}

export const esbuild = unplugin.esbuild;
export const rollup = unplugin.rollup;
export const rolldown = unplugin.rolldown;
export const webpack = unplugin.webpack;
export const rspack = unplugin.rspack;
export const vite = unplugin.vite;
export default unplugin;
