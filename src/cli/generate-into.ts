import path from "node:path";
import type { SpecProblem } from "../codegen/errors";
import { readGenerated, writeOutput, type GeneratedFile } from "../codegen/output";
import { parseArgs, UsageError } from "./args";

export type Generator = (input: string, existing: Map<string, string>, flags: ReadonlySet<string>) => { files: GeneratedFile[]; notes?: SpecProblem[] };

/**
 * The shape every `spikard generate <target> INPUT --output DIR [--check]`
 * shares: read what DIR holds, generate, then write the changed files (or,
 * with --check, fail when DIR is stale). Notes go to stderr.
 */
export function generateInto(argv: string[], usage: string, layout: { mark: string; subdirs: readonly string[] }, generate: Generator): number {
  const args = parseArgs(argv, ["output"]);
  const input = args.positionals[0];
  const out = args.options.get("output");
  if (input === undefined || out === undefined || args.positionals.length > 1) throw new UsageError(usage);
  const dir = path.resolve(out);
  const existing = readGenerated(dir, layout.mark, layout.subdirs);
  const { files, notes = [] } = generate(input, existing, args.flags);
  const check = args.flags.has("check");
  const { changed, removed } = writeOutput(dir, files, existing, { check });
  for (const n of notes) console.error(`note: ${n.pointer}: ${n.message}`);
  const where = path.relative(process.cwd(), dir) || ".";
  const summary = notes.length ? `; ${notes.length} notes on where the app approximates its input, also listed in app.ts` : "";
  console.log(check ? `spikard: ${where} is up to date` : `spikard: ${files.length} files in ${where} (${changed.length} written, ${removed.length} removed)${summary}`);
  return 0;
}
