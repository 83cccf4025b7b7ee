import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { inject } from "vitest";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * TypeScript 7's `tsc` (the native compiler, `npm install typescript@7`),
 * installed in a temporary project once per test run and shared by the test
 * files that build with it; never this repository's compiler. Test files run
 * in parallel workers: the first to get here installs, the others wait for it.
 */
export async function typescript7(): Promise<{ tsc: string; version: string }> {
  const dir = path.join(inject("runDir"), "typescript7");
  const done = path.join(dir, "installed.json");
  try {
    fs.mkdirSync(dir);
  } catch {
    const deadline = Date.now() + 300_000;
    while (!fs.existsSync(done)) {
      if (Date.now() > deadline) throw new Error(`TypeScript 7 was not installed in ${dir} within 5 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = JSON.parse(fs.readFileSync(done, "utf8")) as { tsc: string; version: string; error?: string };
    if (result.error !== undefined) throw new Error(result.error);
    return result;
  }
  try {
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "typescript7", private: true }));
    execFileSync(npm, ["install", "typescript@7", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
    const version = (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "typescript", "package.json"), "utf8")) as { version: string }).version;
    const installed = { tsc: path.join(dir, "node_modules", ".bin", "tsc"), version };
    fs.writeFileSync(done, JSON.stringify(installed));
    return installed;
  } catch (err) {
    fs.writeFileSync(done, JSON.stringify({ error: `npm install typescript@7 failed: ${(err as Error).message}` }));
    throw err;
  }
}
