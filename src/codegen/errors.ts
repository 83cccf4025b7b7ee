/**
 * Errors of the code generators (`spikard generate`, `spikard client`,
 * `spikard init`). Each carries a code from CODEGEN_ERRORS and, for spec
 * problems, every problem found with the JSON pointer where it is, so one run
 * lists all of them; the CLI prints them without a stack trace.
 */

/** One thing at one place in a spec: what is wrong or unsupported there. */
export interface SpecProblem {
  /** JSON pointer into the spec (`#/paths/~1users/get/parameters/0`). */
  pointer: string;
  message: string;
}

export const CODEGEN_ERRORS = {
  SPEC_UNREADABLE: "Cannot read %s: %s",
  SPEC_VERSION: "%s is not an OpenAPI 3.0 or 3.1 document (%s); convert it to OpenAPI 3.x first.",
  ASYNCAPI_VERSION: "%s is not an AsyncAPI 3.0 document (%s); convert it to AsyncAPI 3.0 first (`npx @asyncapi/cli convert`).",
  SPEC_UNSUPPORTED: "Cannot generate an app from %s; change the spec where each problem points:\n%s",
  OUTPUT_STALE: "%s is not what `spikard generate` writes from the current spec (%s); run the same command without --check and commit the result.",
  ORPHANED_HANDLER: "These handlers were edited but their operations are gone from the spec: %s. Move the code you want to keep, then delete the marked region (or pass --prune to drop it).",
  FIXTURES_DIR: "%s holds no HTTP fixtures laid out as <category>/<name>.json.",
  INIT_TARGET: "%s already exists and is not empty; choose a new project name.",
  APP_DOCUMENT: "%s did not write its %s document (exit %s): it must call app.run() or app.serve() when executed.",
} as const;

export type CodegenErrorCode = keyof typeof CODEGEN_ERRORS;

export class CodegenError extends Error {
  readonly code: CodegenErrorCode;
  readonly problems: readonly SpecProblem[];

  constructor(code: CodegenErrorCode, args: string[], problems: readonly SpecProblem[] = []) {
    let i = 0;
    super(CODEGEN_ERRORS[code].replace(/%s/g, () => args[i++] ?? ""));
    this.name = "CodegenError";
    this.code = code;
    this.problems = problems;
  }
}

/** Problems as the CLI prints them: one per line, pointer first, in spec order. */
export function formatProblems(problems: readonly SpecProblem[]): string {
  return problems.map((p) => `  ${p.pointer}: ${p.message}`).join("\n");
}

/** Each problem once (a shared schema is reached from many places). */
export function dedupeProblems(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.pointer}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
