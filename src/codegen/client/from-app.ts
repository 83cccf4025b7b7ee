import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeAppDocuments } from "../app-document";
import { CodegenError, type SpecProblem } from "../errors";
import { generateClient } from "./generate-client";

/**
 * The typed client of a compiled app module: its OpenAPI and AsyncAPI
 * documents (built from the transformer's fragments, written by one run of
 * the module without opening a socket), turned into client.ts.
 */
export function clientForApp(modulePath: string): { code: string; notes: SpecProblem[] } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-client-"));
  try {
    const openapi = path.join(tmp, "openapi.json");
    const asyncapi = path.join(tmp, "asyncapi.json");
    writeAppDocuments(modulePath, { openapi, asyncapi });
    const read = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(f, "utf8")) as Record<string, unknown>;
    return generateClient(read(openapi), path.basename(modulePath), read(asyncapi));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes `code` to `out` when it differs; with `check`, writes nothing and throws OUTPUT_STALE when it differs. */
export function writeClientFile(out: string, code: string, check: boolean): "unchanged" | "written" {
  const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  if (current === code) return "unchanged";
  if (check) throw new CodegenError("OUTPUT_STALE", [out, `${out} differs`]);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, code);
  return "written";
}
