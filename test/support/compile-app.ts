import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LiveTestClient } from "spikard/testing";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Compiles app modules with `tspc` and the built transformer, as a user's
 * project would (types from the published .d.ts files), into a temporary
 * project whose node_modules links `spikard` and `typia` to this checkout.
 * Returns the temporary project and the directory of the compiled `.js` files.
 * `transformOptions` go on the tsconfig's plugin entry, as a user writes them.
 */
export function compileApps(files: string[], transformOptions: Record<string, unknown> = {}): { dir: string; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-compiled-"));
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "spikard"), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "typia"), path.join(dir, "node_modules", "typia"), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
  fs.mkdirSync(path.join(dir, "src"));
  for (const f of files) fs.copyFileSync(path.resolve(ROOT, f), path.join(dir, "src", path.basename(f)));
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true, types: ["node"], outDir: "dist", rootDir: "src", plugins: [{ transform: "spikard/transformer", ...transformOptions }] },
      include: ["src"],
    }),
  );
  execFileSync(process.execPath, [path.join(ROOT, "node_modules", "ts-patch", "bin", "tspc.js"), "-p", path.join(dir, "tsconfig.json")], { cwd: dir, stdio: "pipe" });
  return { dir, out: path.join(dir, "dist") };
}

/**
 * The big-upload app (test/apps/big-uploads.ts) in its own process, as in
 * production: an exception or unhandled rejection there ends the process
 * instead of being caught by the test runner. Compiled on first use.
 */
export class BigUploadServers {
  private compiled: { dir: string; out: string } | undefined;
  private readonly started: LiveTestClient[] = [];

  start(uploadDir: string): Promise<LiveTestClient> {
    this.compiled ??= compileApps(["test/apps/big-uploads.ts", "test/apps/big-uploads-server.ts"]);
    return LiveTestClient.fromModule(path.join(this.compiled.out, "big-uploads-server.js"), { env: { UPLOAD_DIR: uploadDir } }).then((c) => {
      this.started.push(c);
      return c;
    });
  }

  async close(): Promise<void> {
    for (const c of this.started.splice(0)) await c.close();
    if (this.compiled) fs.rmSync(this.compiled.dir, { recursive: true, force: true });
  }
}

/** The child's exit state, with its output as the assertion message when it died. */
export function alive(child: LiveTestClient): { exitCode: number | null; signal: NodeJS.Signals | null } {
  return { exitCode: child.process!.exitCode, signal: child.process!.signalCode };
}
