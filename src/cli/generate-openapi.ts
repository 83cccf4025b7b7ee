import path from "node:path";
import { loadSpec } from "../codegen/openapi/load";
import { generateFromOpenApi } from "../codegen/openapi/generate";
import { readGenerated, writeOutput } from "../codegen/output";
import { parseArgs, UsageError } from "./args";

export const USAGE = "spikard generate openapi SPEC.yaml|json --output DIR [--check] [--prune]";

/**
 * `spikard generate openapi`: writes DIR/types.ts, DIR/routes/<tag>.ts,
 * DIR/app.ts and DIR/*.test.ts from the spec. `--check` writes nothing and
 * fails when DIR is not what this run would write; `--prune` drops edited
 * handlers whose operations are gone from the spec.
 */
export function generateOpenApi(argv: string[]): number {
  const args = parseArgs(argv, ["output"]);
  const spec = args.positionals[0];
  const out = args.options.get("output");
  if (spec === undefined || out === undefined || args.positionals.length > 1) throw new UsageError(USAGE);
  const dir = path.resolve(out);
  const existing = readGenerated(dir);
  const { files, notes } = generateFromOpenApi(loadSpec(spec), existing, { prune: args.flags.has("prune") });
  const { changed, removed } = writeOutput(dir, files, existing, { check: args.flags.has("check") });
  for (const n of notes) console.error(`note: ${n.pointer}: ${n.message}`);
  if (args.flags.has("check")) console.log(`spikard: ${path.relative(process.cwd(), dir) || "."} is up to date`);
  else console.log(`spikard: ${files.length} files in ${path.relative(process.cwd(), dir) || "."} (${changed.length} written, ${removed.length} removed)${notes.length ? `; ${notes.length} notes on where the app approximates the spec, also listed in app.ts` : ""}`);
  return 0;
}
