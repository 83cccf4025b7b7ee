import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * A temporary project as `spikard init` lays one out (strict, the plugin,
 * module node16, vitest with spikard/vite), whose node_modules link this
 * checkout's spikard, typia, vitest and @types/node: generated code is built
 * and tested there as a user's would be.
 */
export function tempProject(prefix: string, plugin: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "spikard"), "dir");
  for (const m of ["typia", "vitest"]) fs.symlinkSync(path.join(ROOT, "node_modules", m), path.join(dir, "node_modules", m), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, esModuleInterop: true, skipLibCheck: true, types: ["node"], outDir: "dist", rootDir: "src", plugins: [{ transform: "spikard/transformer", ...plugin }] },
      include: ["src"],
    }),
  );
  fs.writeFileSync(path.join(dir, "vitest.config.ts"), 'import spikard from "spikard/vite";\nexport default { plugins: [spikard()], test: { include: ["src/**/*.test.ts"], testTimeout: 30000 } };\n');
  return dir;
}

/** `spikard <args>` from the built CLI; never throws. */
export function cli(args: string[], cwd = ROOT): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "src", "cli.js"), ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `tspc` in the project: its diagnostics, empty when it compiled. */
export function tspc(dir: string): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "ts-patch", "bin", "tspc.js"), "-p", dir], { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20 });
  return `${r.stdout}${r.stderr}`.trim();
}

/** `vitest run` in the project (its own config, its own transformer pass). */
export function vitest(dir: string, args: string[] = []): { status: number; output: string } {
  try {
    const out = execFileSync(process.execPath, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--root", dir, "--reporter", "verbose", ...args], { cwd: dir, encoding: "utf8", stdio: "pipe", maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    return { status: 0, output: out };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

/** Every file under `dir`, by its path relative to it, with its text (to compare two generated trees). */
export function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, e.name);
      if (e.isDirectory()) walk(rel);
      else out[rel] = fs.readFileSync(path.join(dir, rel), "utf8");
    }
  };
  walk("");
  return out;
}
