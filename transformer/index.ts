import Module from "node:module";
import path from "node:path";
import type ts from "typescript";
import type { SpikardTransformOptions } from "./transform";
import { compilerError, unsupportedCompiler } from "./compiler-version";

export type { SpikardTransformOptions };

interface Extras {
  addDiagnostic: (d: ts.Diagnostic) => number;
  /** The running compiler's own namespace, which ts-patch hands its plugins. */
  ts?: typeof ts;
}

/**
 * ts-patch entry: `"plugins": [{ "transform": "spikard/transformer" }]`.
 * Loads the transform lazily so that it and typia can run on the compiler
 * that is already running instead of loading a second copy of TypeScript.
 */
export default function transform(program: ts.Program, options: SpikardTransformOptions = {}, extras: Extras = { addDiagnostic: () => 0 }): ts.TransformerFactory<ts.SourceFile> {
  const problem = unsupportedCompiler(extras.ts ?? require("typescript"));
  if (problem !== undefined) throw compilerError(problem);
  if (extras.ts !== undefined) shareCompiler(extras.ts);
  const { createTransform } = require("./transform") as typeof import("./transform");
  const factory = createTransform(program, options, extras);
  // The build-time client belongs to real builds (tspc), not to the Vite plugin's in-memory ones, which enter below this.
  const { buildClientHook } = require("./build-client") as typeof import("./build-client");
  const hook = buildClientHook(program, options.client, (messageText) => extras.addDiagnostic({ category: 1 /* ts.DiagnosticCategory.Error */, code: 0, file: undefined, start: undefined, length: undefined, messageText }));
  if (hook === undefined) return factory;
  return (context) => {
    const visit = factory(context);
    return (file) => {
      const out = visit(file);
      hook(file);
      return out;
    };
  };
}

export { transform };

/**
 * `tspc` runs a patched compiler that `require("typescript")` would load again
 * (9 MB of JavaScript, ~0.2 s per build). Until something has loaded it, the
 * module cache entry typia and this package resolve to is pointed at the running
 * compiler: nodes then also come from the very factory that prints them.
 */
function shareCompiler(running: typeof ts): void {
  const typiaDir = path.dirname(require.resolve("@typia/core"));
  const targets = new Set([require.resolve("typescript"), require.resolve("typescript", { paths: [typiaDir] })]);
  if ([...targets].some((file) => require.cache[file] !== undefined)) return;
  for (const file of targets) {
    const m = new Module(file);
    m.filename = file;
    m.loaded = true;
    m.exports = running;
    require.cache[file] = m;
  }
}
