import fs from "node:fs";
import path from "node:path";

/** TypeScript modules the loader compiles. */
export const TS_MODULE = /\.(c|m)?tsx?$/;

export type NodeFormat = "commonjs" | "module";

/** How Node loads a file: `.mts` as an ES module, `.cts` as CommonJS, others by the nearest package.json's "type". */
export function moduleFormat(file: string): NodeFormat {
  if (file.endsWith(".mts")) return "module";
  if (file.endsWith(".cts")) return "commonjs";
  return packageType(path.dirname(file)) === "module" ? "module" : "commonjs";
}

export function compiles(file: string): boolean {
  return TS_MODULE.test(file) && !/\.d\.[cm]?ts$/.test(file) && !file.split(path.sep).includes("node_modules");
}

const types = new Map<string, string | undefined>();

function packageType(dir: string): string | undefined {
  if (types.has(dir)) return types.get(dir);
  let type: string | undefined;
  const pkg = path.join(dir, "package.json");
  if (fs.existsSync(pkg)) {
    try {
      type = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { type?: string }).type ?? "commonjs";
    } catch {
      type = "commonjs";
    }
  } else type = path.dirname(dir) === dir ? undefined : packageType(path.dirname(dir));
  types.set(dir, type);
  return type;
}

/** Where a relative specifier written for compiled output (`./x.js`, `./x`) finds its TypeScript source. */
export function typescriptCandidates(specifier: string): string[] {
  const m = /\.(c|m)?js$/.exec(specifier);
  if (m !== null) {
    const base = specifier.slice(0, -m[0].length);
    const kind = m[1] ?? "";
    return [`${base}.${kind}ts`, ...(kind === "" ? [`${base}.tsx`] : [])];
  }
  if (/\.[cm]?tsx?$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.tsx`, `${specifier}/index.ts`];
}
