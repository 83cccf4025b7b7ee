/**
 * The TypeScript the transformer runs on. It needs the compiler API that
 * TypeScript 5 and 6 ship in JavaScript (a ts-patch'ed `tspc` hands it over);
 * TypeScript 7 is the native compiler, whose npm package has no such API and
 * no plugins, and before 5 typia's programmers do not run.
 */
export const SUPPORTED_TYPESCRIPT = "5.9";

/** Why the running compiler cannot run the transformer, as one line that says what to do; undefined when it can. */
export function unsupportedCompiler(running: unknown): string | undefined {
  const api = (running ?? {}) as { version?: unknown; factory?: unknown; createProgram?: unknown };
  const version = typeof api.version === "string" ? api.version : "of unknown version";
  const major = Number(version.split(".")[0]);
  const fix = `install TypeScript ${SUPPORTED_TYPESCRIPT} beside it (npm install -D typescript@${SUPPORTED_TYPESCRIPT} ts-patch@3) and build with npx tspc.`;
  if (major >= 7) return `[spikard] TypeScript ${version} is the native compiler, which runs no compiler plugins, so spikard/transformer cannot run on it: ${fix}`;
  if (!(major >= 5) || typeof api.factory !== "object" || typeof api.createProgram !== "function") return `[spikard] spikard/transformer needs TypeScript 5 or 6 with its compiler API, not TypeScript ${version}: ${fix}`;
  return undefined;
}

/** An error whose printed form is its message alone: the line says what to do, a stack trace would bury it. */
export function compilerError(message: string): Error {
  const err = new Error(message);
  err.stack = message;
  return err;
}
