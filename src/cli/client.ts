import { clientForApp, writeClientFile } from "../codegen/client/from-app";
import { parseArgs, UsageError } from "./args";

export const USAGE = "spikard client <compiled-app.js> --out client.ts [--check]";

/**
 * `spikard client`: a typed fetch client for the app's routes, HTTP and
 * realtime, from the OpenAPI and AsyncAPI documents its transformer-built
 * fragments make (obtained as `spikard openapi` does, without opening a socket).
 */
export function generateClientFile(argv: string[]): number {
  const args = parseArgs(argv, ["out"]);
  const modulePath = args.positionals[0];
  const out = args.options.get("out");
  if (modulePath === undefined || out === undefined) throw new UsageError(USAGE);
  const { code, notes } = clientForApp(modulePath);
  for (const n of notes) console.error(`note: ${n.pointer}: ${n.message}`);
  const check = args.flags.has("check");
  writeClientFile(out, code, check);
  console.log(check ? `spikard: ${out} is up to date` : `spikard: wrote ${out}`);
  return 0;
}
