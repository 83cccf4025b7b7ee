/**
 * The TypeScript the transformer runs on. It needs the compiler API that
 * TypeScript 5 and 6 ship in JavaScript (a ts-patch'ed `tspc` hands it over:
 * ts-patch 3 for 5.9, ts-patch 4 for 6); TypeScript 7 is the native compiler,
 * whose npm package has no such API and no plugins (`spikard gen` brings its
 * own TypeScript instead), and before 5 typia's programmers do not run.
 */
export const SUPPORTED_TYPESCRIPT = "5.9";

/** Why the running compiler cannot run the transformer, as one line that says what to do; undefined when it can. */
export function unsupportedCompiler(running: unknown): string | undefined {
  const api = (running ?? {}) as { version?: unknown; factory?: unknown; createProgram?: unknown };
  const version = typeof api.version === "string" ? api.version : "of unknown version";
  const major = Number(version.split(".")[0]);
  const gen = "run `npx spikard gen` and import the generated folder once (import \"./spikard.gen\"), then build with any compiler";
  const tspc = `build with TypeScript ${SUPPORTED_TYPESCRIPT} and tspc (npm install -D typescript@${SUPPORTED_TYPESCRIPT} ts-patch@3)`;
  if (major >= 7) return `[spikard] TypeScript ${version} is the native compiler, which runs no compiler plugins, so spikard/transformer cannot run on it: ${gen}, or ${tspc}.`;
  if (!(major >= 5) || typeof api.factory !== "object" || typeof api.createProgram !== "function") return `[spikard] spikard/transformer needs TypeScript 5 or 6 with its compiler API, not TypeScript ${version}: ${tspc}, or ${gen}.`;
  return undefined;
}

/** An error whose printed form is its message alone: the line says what to do, a stack trace would bury it. */
export function compilerError(message: string): Error {
  const err = new Error(message);
  err.stack = message;
  return err;
}
