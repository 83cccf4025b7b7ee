import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { inject } from "vitest";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export interface Installed {
  /** The installed project's node_modules. */
  modules: string;
  /** Its TypeScript's version. */
  version: string;
}

/**
 * Packages from the npm registry, installed in a temporary project once per
 * test run and shared by the test files that build with them; never this
 * repository's compilers. Test files run in parallel workers: the first to
 * get here installs, the others wait for it.
 */
async function installed(name: string, packages: string[]): Promise<Installed> {
  const dir = path.join(inject("runDir"), name);
  const done = path.join(dir, "installed.json");
  try {
    fs.mkdirSync(dir);
  } catch {
    const deadline = Date.now() + 300_000;
    while (!fs.existsSync(done)) {
      if (Date.now() > deadline) throw new Error(`${packages.join(" ")} was not installed in ${dir} within 5 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = JSON.parse(fs.readFileSync(done, "utf8")) as Installed & { error?: string };
    if (result.error !== undefined) throw new Error(result.error);
    return result;
  }
  try {
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
    execFileSync(npm, ["install", ...packages, "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "pipe" });
    const modules = path.join(dir, "node_modules");
    const version = (JSON.parse(fs.readFileSync(path.join(modules, "typescript", "package.json"), "utf8")) as { version: string }).version;
    const result = { modules, version };
    fs.writeFileSync(done, JSON.stringify(result));
    return result;
  } catch (err) {
    fs.writeFileSync(done, JSON.stringify({ error: `npm install ${packages.join(" ")} failed: ${(err as Error).message}` }));
    throw err;
  }
}

/** TypeScript 7's `tsc` (the native compiler, what `npm install typescript` installs). */
export async function typescript7(): Promise<{ tsc: string; version: string }> {
  const { modules, version } = await installed("typescript7", ["typescript@7"]);
  return { tsc: path.join(modules, ".bin", "tsc"), version };
}

/**
 * TypeScript 6 with ts-patch 4, the last TypeScript with a JavaScript compiler
 * API (ts-patch 4 declares Node 22.15, and runs on Node 20 as far as `tspc`
 * goes; npm only warns).
 */
export async function typescript6WithTsPatch4(): Promise<{ tspc: string; tsc: string; version: string }> {
  const { modules, version } = await installed("typescript6", ["typescript@6", "ts-patch@4"]);
  return { tspc: path.join(modules, "ts-patch", "bin", "tspc.js"), tsc: path.join(modules, ".bin", "tsc"), version };
}
