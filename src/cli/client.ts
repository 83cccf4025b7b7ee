import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateClient } from "../codegen/client/generate-client";
import { CodegenError } from "../codegen/errors";
import { writeAppDocument } from "./app-document";
import { parseArgs, UsageError } from "./args";

export const USAGE = "spikard client <compiled-app.js> --out client.ts [--check]";

/**
 * `spikard client`: a typed fetch client for the app's routes, from the
 * OpenAPI document its transformer-built fragments make (obtained as
 * `spikard openapi` does, without opening a socket).
 */
export function generateClientFile(argv: string[]): number {
  const args = parseArgs(argv, ["out"]);
  const modulePath = args.positionals[0];
  const out = args.options.get("out");
  if (modulePath === undefined || out === undefined) throw new UsageError(USAGE);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-client-"));
  try {
    const docFile = path.join(tmp, "openapi.json");
    writeAppDocument(modulePath, docFile);
    const { code, notes } = generateClient(JSON.parse(fs.readFileSync(docFile, "utf8")), path.basename(modulePath));
    for (const n of notes) console.error(`note: ${n.pointer}: ${n.message}`);
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
    if (args.flags.has("check")) {
      if (current !== code) throw new CodegenError("OUTPUT_STALE", [out, `${out} differs`]);
      console.log(`spikard: ${out} is up to date`);
      return 0;
    }
    if (current !== code) {
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, code);
    }
    console.log(`spikard: wrote ${out}`);
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
