import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CodegenError } from "../codegen/errors";

/**
 * Writes a compiled app's OpenAPI document without opening a socket: the
 * module runs in a child process with SPIKARD_OPENAPI_OUT set, so its
 * `app.run()` / `app.serve()` writes the document (built from the fragments
 * the transformer computed) and exits instead of listening.
 */
export function writeAppDocument(modulePath: string, out: string): void {
  fs.rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [path.resolve(modulePath)], {
    env: { ...process.env, SPIKARD_OPENAPI_OUT: out },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 60_000,
  });
  if (!fs.existsSync(out)) throw new CodegenError("APP_DOCUMENT", [modulePath, String(child.status ?? child.signal)]);
}
