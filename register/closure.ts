import path from "node:path";
import ts from "typescript";
import { packageVersion } from "./cache";

/**
 * The project modules a module's compiled metadata depends on: everything it
 * imports, transitively, type-only imports included, and the package.json of
 * each package it imports (by version). What the cache key must cover, and
 * what `node --watch` must watch besides the modules Node loads.
 */
export function importClosure(file: string, options: ts.CompilerOptions): { files: string[]; packages: Array<[string, string]> } {
  const cache = ts.createModuleResolutionCache(process.cwd(), (f) => f, options);
  const files = new Set<string>([file]);
  const packages = new Map<string, string>();
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.pop()!;
    const text = ts.sys.readFile(current);
    if (text === undefined) continue;
    const info = ts.preProcessFile(text, true, true);
    const add = (resolved: string): void => {
      if (files.has(resolved)) return;
      files.add(resolved);
      queue.push(resolved);
    };
    for (const imported of info.importedFiles) {
      const resolved = ts.resolveModuleName(imported.fileName, current, options, ts.sys, cache).resolvedModule;
      if (resolved === undefined) continue;
      if (!resolved.isExternalLibraryImport) add(path.resolve(resolved.resolvedFileName));
      else if (resolved.packageId !== undefined) {
        const pkg = packageJsonOf(resolved.resolvedFileName, resolved.packageId.name);
        if (pkg !== undefined) packages.set(pkg, packageVersion(pkg) ?? "");
      }
    }
    for (const ref of info.referencedFiles) add(path.resolve(path.dirname(current), ref.fileName));
  }
  files.delete(file);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

function packageJsonOf(resolvedFile: string, name: string): string | undefined {
  const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
  const at = resolvedFile.lastIndexOf(marker);
  return at === -1 ? undefined : path.join(resolvedFile.slice(0, at + marker.length), "package.json");
}
