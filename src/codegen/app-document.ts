import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CodegenError } from "./errors";

/** Which document, and the variable that asks the app's `run()`/`serve()` for it. */
export const APP_DOCUMENTS = {
  openapi: { name: "OpenAPI", env: "SPIKARD_OPENAPI_OUT" },
  asyncapi: { name: "AsyncAPI", env: "SPIKARD_ASYNCAPI_OUT" },
} as const;

/**
 * Writes a compiled app's OpenAPI (or AsyncAPI) document without opening a
 * socket: the module runs in a child process with SPIKARD_OPENAPI_OUT (or
 * SPIKARD_ASYNCAPI_OUT) set, so its `app.run()` / `app.serve()` writes the
 * document (built from the fragments the transformer computed) and exits
 * instead of listening.
 */
export function writeAppDocument(modulePath: string, out: string, kind: keyof typeof APP_DOCUMENTS = "openapi"): void {
  writeAppDocuments(modulePath, { [kind]: out });
}

/** Both documents (or either) from one run of the module. */
export function writeAppDocuments(modulePath: string, outs: Partial<Record<keyof typeof APP_DOCUMENTS, string>>): void {
  const kinds = Object.keys(outs) as Array<keyof typeof APP_DOCUMENTS>;
  for (const k of kinds) fs.rmSync(outs[k]!, { force: true });
  const child = spawnSync(process.execPath, [path.resolve(modulePath)], {
    env: { ...process.env, ...Object.fromEntries(kinds.map((k) => [APP_DOCUMENTS[k].env, outs[k]!])) },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 60_000,
  });
  for (const k of kinds) if (!fs.existsSync(outs[k]!)) throw new CodegenError("APP_DOCUMENT", [modulePath, APP_DOCUMENTS[k].name, String(child.status ?? child.signal)]);
}
