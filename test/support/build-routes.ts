import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
const APP = path.join(ROOT, "test", "apps", "build-routes");
/** The test app's modules, without its two entries (main.ts for inline metadata, main-generated.ts for `spikard gen`'s). */
export const APP_MODULES = ["types.ts", "services.ts", "users.ts", "orders.ts", "ticker.ts", "app.ts"];

export const BASE_OPTIONS = { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true, types: ["node"], outDir: "dist", rootDir: "src" };

/**
 * A user's project in a temporary folder: the given modules of the test app
 * in src/, a tsconfig, and node_modules holding spikard (this checkout) and
 * @types/node only. typia is deliberately absent: beside TypeScript 7 npm
 * installs it under spikard, so apps and generated code must reach it
 * through spikard.
 */
export function userProject(entry: "main.ts" | "main-generated.ts", compilerOptions: Record<string, unknown> = {}, modules: string[] = APP_MODULES): string {
  const dir = emptyProject(compilerOptions);
  for (const f of [...modules, entry]) fs.copyFileSync(path.join(APP, f), path.join(dir, "src", f));
  return dir;
}

/** Such a project with nothing in src/ yet. */
export function emptyProject(compilerOptions: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-build-"));
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "spikard"), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "build-routes-app", private: true }));
  fs.mkdirSync(path.join(dir, "src"));
  writeTsconfig(dir, compilerOptions);
  return dir;
}

export function writeTsconfig(dir: string, compilerOptions: Record<string, unknown> = {}): void {
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...BASE_OPTIONS, ...compilerOptions }, include: ["src"] }, null, 2));
}

/** `tspc` with the transformer plugin: ts-patch 3 on this checkout's TypeScript 5.9, or another ts-patch's. */
export function buildWithTspc(dir: string, tspc = path.join(ROOT, "node_modules", "ts-patch", "bin", "tspc.js")): string {
  run(process.execPath, [tspc, "-p", "tsconfig.json"], dir);
  return path.join(dir, "dist", "main.js");
}

/** `spikard gen` with the built CLI, as `npx spikard gen` runs it. */
export function spikardGen(dir: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "src", "cli.js"), "gen", ...args], { cwd: dir, encoding: "utf8", timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function generate(dir: string): void {
  const r = spikardGen(dir);
  if (r.status !== 0) throw new Error(`spikard gen failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Any compiler's build after `spikard gen`: here TypeScript 7's or 6's `tsc`, which type-check the app and the generated folder. */
export function buildWithTsc(dir: string, tsc: string): string {
  run(tsc, ["-p", "tsconfig.json"], dir);
  return path.join(dir, "dist", "main-generated.js");
}

/** esbuild, bundling the app and its generated folder (packages stay external). */
export function buildWithEsbuild(dir: string): string {
  const out = path.join(dir, "dist", "bundle.js");
  run(path.join(ROOT, "node_modules", ".bin", "esbuild"), ["src/main-generated.ts", "--bundle", "--platform=node", "--format=cjs", "--target=node20", "--packages=external", `--outfile=${out}`, "--log-level=warning"], dir);
  return out;
}

function run(cmd: string, args: string[], cwd: string): void {
  try {
    execFileSync(cmd, args, { cwd, stdio: "pipe", encoding: "utf8", timeout: 300_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(cmd)} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`);
  }
}

export type Bundler = "esbuild" | "rolldown" | "webpack";

/**
 * A bundler with `spikard/unplugin`, run the way a project runs it: a build
 * script in the project importing the plugin by its package name (the
 * bundlers themselves come from this checkout's dev dependencies). Packages
 * stay external; the output is one CommonJS file.
 */
export function buildWithUnplugin(dir: string, bundler: Bundler): string {
  const out = path.join(dir, "dist", `${bundler}.js`);
  const from = (pkg: string): string => JSON.stringify(createRequire(path.join(ROOT, "package.json")).resolve(pkg));
  const scripts: Record<Bundler, string> = {
    esbuild: `import { build } from ${from("esbuild")};
import { esbuild as spikard } from "spikard/unplugin";
await build({ entryPoints: ["src/main.ts"], bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external", outfile: ${JSON.stringify(out)}, logLevel: "warning", plugins: [spikard()] });`,
    rolldown: `import { build } from ${from("rolldown")};
import { rolldown as spikard } from "spikard/unplugin";
await build({ input: "src/main.ts", platform: "node", external: /^[^./]/, plugins: [spikard()], output: { file: ${JSON.stringify(out)}, format: "cjs" }, logLevel: "warn" });`,
    webpack: `import webpack from ${from("webpack")};
import { webpack as spikard } from "spikard/unplugin";
const compiler = webpack({ mode: "none", target: "node", entry: "./src/main.ts", context: process.cwd(), resolve: { extensions: [".ts", ".js"] },
  externals: [({ request }, callback) => (/^[^./]/.test(request) ? callback(null, "commonjs " + request) : callback())],
  output: { path: ${JSON.stringify(path.dirname(out))}, filename: "webpack.js", library: { type: "commonjs2" } }, plugins: [spikard()] });
await new Promise((resolve, reject) => compiler.run((err, stats) => (err ? reject(err) : stats.hasErrors() ? reject(new Error(stats.toString("errors-only"))) : resolve())));`,
  };
  fs.writeFileSync(path.join(dir, `build-${bundler}.mjs`), scripts[bundler]);
  run(process.execPath, [`build-${bundler}.mjs`], dir);
  return out;
}
