import fs from "node:fs";
import path from "node:path";
import { cacheDir, hash, hashFile, readEntry, writeEntry } from "./cache";
import type { NodeFormat } from "./format";
import { compilerError } from "../transformer/compiler-version";
import type { CompileService } from "../transformer/service";

/** Bumped when what is cached changes shape. */
const CACHE_FORMAT = 1;

export interface NodeModule {
  code: string;
  /** Project modules its metadata was read from (for `node --watch`). */
  deps: string[];
}

const services = new Map<string, CompileService>();

/**
 * A TypeScript module compiled for Node with the transformer: from the disk
 * cache when nothing it depends on changed (no compiler is loaded then), else
 * by the language service over its tsconfig, whose diagnostics are printed.
 */
export function compileForNode(file: string, format: NodeFormat): NodeModule {
  const tsconfig = nearestTsconfig(file);
  const text = fs.readFileSync(file, "utf8");
  const key = hash(JSON.stringify([CACHE_FORMAT, transformerVersion(), format, tsconfig, configTexts(tsconfig), file, text]));
  const dir = cacheDir(path.dirname(tsconfig));
  const hit = readEntry(dir, file, key);
  if (hit !== undefined) {
    for (const w of hit.warnings) console.warn(w);
    return { code: hit.code, deps: hit.deps.map(([f]) => f) };
  }
  // The compiler and typia are loaded only on a miss (a second or so of start-up).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createCompileService } = require("../transformer/service") as typeof import("../transformer/service");
  const { importClosure } = require("./closure") as typeof import("./closure");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const serviceKey = `${format} ${tsconfig}`;
  let service = services.get(serviceKey);
  if (service === undefined) services.set(serviceKey, (service = createCompileService({ tsconfig, format: format === "module" ? "esm" : "cjs", inlineSourceMap: true })));
  const out = service.compile(file, text);
  if (out.errors.length > 0) {
    process.stderr.write(service.format(out.errors));
    throw compilerError(`spikard/register: ${path.relative(process.cwd(), file)} did not compile (the diagnostics above say why).`);
  }
  for (const w of out.warnings) console.warn(w);
  const closure = importClosure(file, service.options);
  writeEntry(dir, file, key, { code: out.code, warnings: out.warnings, deps: closure.files.map((f) => [f, hashFile(f) ?? ""]), packages: closure.packages });
  return { code: out.code, deps: closure.files };
}

function nearestTsconfig(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw compilerError(`spikard/register: no tsconfig.json above ${file}. Add one with "strict": true (the transformer reads handler types under it).`);
  }
}

/** The tsconfig's text and those of the configs it extends by relative path (a package's config is keyed by its name). */
function configTexts(tsconfig: string, seen = new Set<string>()): string[] {
  if (seen.has(tsconfig)) return [];
  seen.add(tsconfig);
  const text = readOr(tsconfig, "");
  const out = [text];
  const m = /"extends"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/.exec(text);
  if (m === null) return out;
  const specs = (JSON.parse(m[1]!) as string | string[]);
  for (const spec of Array.isArray(specs) ? specs : [specs]) {
    if (!spec.startsWith(".")) out.push(spec);
    else out.push(...configTexts(path.resolve(path.dirname(tsconfig), spec.endsWith(".json") ? spec : `${spec}.json`), seen));
  }
  return out;
}

let version: string | undefined;

/** spikard's, TypeScript's and typia's versions and the transformer's files (size, mtime): a rebuilt transformer invalidates the cache. */
function transformerVersion(): string {
  if (version !== undefined) return version;
  const parts: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) {
        const s = fs.statSync(p);
        parts.push(`${e.name}:${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(path.join(__dirname, "..", "transformer"));
  for (const pkg of ["../../package.json", "typescript/package.json", "typia/package.json"]) {
    try {
      parts.push(readOr(pkg.startsWith(".") ? path.join(__dirname, pkg) : require.resolve(pkg), ""));
    } catch {
      parts.push(pkg);
    }
  }
  return (version = hash(parts.join("\n")));
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}
