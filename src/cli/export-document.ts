import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * `spikard <openapi|asyncapi> <compiled app module> [--out file.json|file.yaml]`:
 * the module runs in a child process with `envVar` naming the output file,
 * so its `app.run()` / `app.serve()` writes the document and exits instead of
 * listening. Returns the process exit code.
 */
export function exportDocument(command: string, envVar: string, args: string[]): number {
  const [modulePath, ...rest] = args;
  if (modulePath === undefined) {
    console.error(`usage: spikard ${command} <compiled-app.js> [--out ${command}.json|${command}.yaml]`);
    return 2;
  }
  const outIndex = rest.indexOf("--out");
  const out = path.resolve(outIndex === -1 ? `${command}.json` : (rest[outIndex + 1] ?? `${command}.json`));
  fs.rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [path.resolve(modulePath)], {
    env: { ...process.env, [envVar]: out },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 60_000,
  });
  if (!fs.existsSync(out)) {
    console.error(`spikard: ${modulePath} did not call app.serve()/app.run(), or failed (exit ${child.status}); no document written.`);
    return 1;
  }
  console.log(`spikard: wrote ${path.relative(process.cwd(), out)}`);
  return 0;
}
