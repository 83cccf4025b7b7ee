import fs from "node:fs";
import path from "node:path";
import type ts from "typescript";

/** The plugin option `client`: write the app's typed client during the build. */
export interface BuildClientOptions {
  /** The app's entry module, from the tsconfig's directory (`src/app.ts`): it must call `app.run()` or `app.serve()`. */
  app: string;
  /** Where client.ts goes, from the tsconfig's directory (`client/client.ts`). */
  out: string;
}

/**
 * `"plugins": [{ "transform": "spikard/transformer", "client": { "app": "src/app.ts", "out": "client/client.ts" } }]`:
 * once a build has emitted the app module, its typed client is generated as
 * `spikard client` does (the compiled module writes its documents in a child
 * process) and written when it changed. It runs after the emit, when the
 * compiled files are on disk: at the end of the event-loop turn the emit
 * ran in (watch mode), or as the process exits (tsc exits right after
 * emitting). A failure is printed and fails the build's exit code.
 * Returns the hook the file transform calls for each file it visits.
 */
export function buildClientHook(program: ts.Program, option: unknown, configError: (message: string) => void): ((file: ts.SourceFile) => void) | undefined {
  if (option === undefined) return undefined;
  const o = option as Partial<BuildClientOptions>;
  if (o === null || typeof o !== "object" || typeof o.app !== "string" || typeof o.out !== "string") {
    configError(`[spikard] the transformer option client must be { "app": "src/app.ts", "out": "client.ts" }, not ${JSON.stringify(option)}.`);
    return undefined;
  }
  const options = program.getCompilerOptions();
  const base = typeof options.configFilePath === "string" ? path.dirname(options.configFilePath) : program.getCurrentDirectory();
  const app = path.resolve(base, o.app);
  const out = path.resolve(base, o.out);
  if (!program.getRootFileNames().some((f) => path.resolve(f) === app)) {
    configError(`[spikard] the transformer option client.app names ${o.app}, which this build does not compile; name the app's entry module (one of the tsconfig's files).`);
    return undefined;
  }
  let pending = false;
  const run = (): void => {
    if (!pending) return;
    pending = false;
    const compiled = outputOf(program, app);
    if (compiled === undefined || !fs.existsSync(compiled)) return;
    try {
      const { clientForApp, writeClientFile } = require("../src/codegen/client/from-app") as typeof import("../src/codegen/client/from-app");
      const { code } = clientForApp(compiled);
      if (writeClientFile(out, code, false) === "written") console.log(`spikard: wrote ${path.relative(process.cwd(), out)}`);
    } catch (err) {
      console.error(`spikard: the client of ${o.app} was not written: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  };
  return (file) => {
    if (path.resolve(file.fileName) !== app || pending) return;
    pending = true;
    setImmediate(run);
    process.once("exit", run);
  };
}

/** Where the build writes the app module's JavaScript (outDir and rootDir, or beside it). */
function outputOf(program: ts.Program, source: string): string | undefined {
  const o = program.getCompilerOptions();
  if (o.noEmit) return undefined;
  const js = (p: string): string => p.replace(/\.(m|c)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ""}js`);
  if (o.outDir === undefined) return js(source);
  const root = o.rootDir ?? (program as unknown as { getCommonSourceDirectory?(): string }).getCommonSourceDirectory?.() ?? program.getCurrentDirectory();
  return js(path.join(o.outDir, path.relative(root, source)));
}
