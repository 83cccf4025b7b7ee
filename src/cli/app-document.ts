import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CodegenError } from "../codegen/errors";

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
  fs.rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [path.resolve(modulePath)], {
    env: { ...process.env, [APP_DOCUMENTS[kind].env]: out },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 60_000,
  });
  if (!fs.existsSync(out)) throw new CodegenError("APP_DOCUMENT", [modulePath, APP_DOCUMENTS[kind].name, String(child.status ?? child.signal)]);
}
