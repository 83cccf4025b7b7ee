import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The loader's disk cache: a compiled module is reused while its own text,
 * the texts of the project modules it imports (type-only imports too: the
 * metadata depends on their types), the versions of the packages it imports,
 * the tsconfig and the transformer are the same. A hit needs no compiler.
 */
export interface CacheEntry {
  code: string;
  warnings: string[];
  /** Project files the module's analysis read, with the hash of each. */
  deps: Array<[string, string]>;
  /** package.json files of imported packages, with their versions. */
  packages: Array<[string, string]>;
}

export function hash(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

export function hashFile(file: string): string | undefined {
  try {
    return hash(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** `node_modules/.cache/spikard/register` of the project, or a temporary folder when it has no node_modules. */
export function cacheDir(projectDir: string): string {
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules"))) return path.join(dir, "node_modules", ".cache", "spikard", "register");
    if (path.dirname(dir) === dir) return path.join(os.tmpdir(), "spikard-register-cache");
  }
}

/** An entry is named by the module's path and its key: a new entry for a module replaces its older ones. */
function entryFile(dir: string, file: string, key: string): string {
  return path.join(dir, `${hash(file).slice(0, 16)}-${key.slice(0, 32)}.json`);
}

export function readEntry(dir: string, file: string, key: string): CacheEntry | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(fs.readFileSync(entryFile(dir, file, key), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
  for (const [dep, sha] of entry.deps) if (hashFile(dep) !== sha) return undefined;
  for (const [pkg, version] of entry.packages) if (packageVersion(pkg) !== version) return undefined;
  return entry;
}

export function writeEntry(dir: string, file: string, key: string, entry: CacheEntry): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const target = entryFile(dir, file, key);
    const prefix = path.basename(target).slice(0, 17);
    for (const old of fs.readdirSync(dir)) if (old.startsWith(prefix) && old !== path.basename(target)) fs.rmSync(path.join(dir, old), { force: true });
    // Written whole, then renamed: a process reading it concurrently sees the old entry or the new one.
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, target);
  } catch {
    // A cache that cannot be written only costs the next start a compile.
  }
}

export function packageVersion(packageJson: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(packageJson, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
