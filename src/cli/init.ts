import fs from "node:fs";
import path from "node:path";
import { CodegenError } from "../codegen/errors";
import { scaffoldProject, type ScaffoldOptions } from "../codegen/init/scaffold";
import { parseArgs, UsageError } from "./args";

export const USAGE = "spikard init NAME [--spikard <version range or file: spec>]";

/** `spikard init NAME`: a new project in ./NAME. */
export function initProject(argv: string[]): number {
  const args = parseArgs(argv, ["spikard"]);
  const name = args.positionals[0];
  if (name === undefined || args.positionals.length > 1) throw new UsageError(USAGE);
  const dir = path.resolve(name);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new CodegenError("INIT_TARGET", [dir]);
  const own = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const all = { ...own.devDependencies, ...own.dependencies };
  const versions = Object.fromEntries(["typescript", "ts-patch", "typia", "@types/node", "vitest"].map((k) => [k, all[k]!])) as ScaffoldOptions["versions"];
  const files = scaffoldProject({ name: packageName(path.basename(dir)), spikard: args.options.get("spikard") ?? `^${own.version}`, versions });
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
  console.log(`spikard: created ${path.relative(process.cwd(), dir) || "."}; next: cd ${name} && npm install && npm test`);
  return 0;
}

/** npm's rules: lower case, URL-safe characters. */
function packageName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "") || "spikard-app";
}
