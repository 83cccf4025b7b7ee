import fs from "node:fs";
import path from "node:path";
import type { FileRecord } from "./analyse";
import { GENERATED_HEADER, indexText } from "./module";
import { isInside, type Project } from "./project";

/**
 * Every file the generated folder should hold, by absolute path: a module
 * per source file that registers something, mirroring the source tree, and
 * index.ts importing them all. A file whose analysis failed keeps the module
 * it had (`previous`), so the app keeps its last good metadata while the
 * diagnostics say what to fix.
 */
export function plannedFiles(project: Project, records: Iterable<FileRecord>): Map<string, string> {
  const files = new Map<string, string>();
  for (const record of records) {
    const target = modulePath(project, record.file);
    const failed = record.diagnostics.length > 0;
    const text = failed ? readGenerated(target) : record.module;
    if (text !== undefined) files.set(target, text);
  }
  const sorted = [...files.keys()].sort();
  const imports = sorted.map((f) => `./${path.relative(project.outDir, f).split(path.sep).join("/").replace(/\.ts$/, ".js")}`);
  const result = new Map<string, string>([[path.join(project.outDir, "index.ts"), indexText(imports)]]);
  for (const f of sorted) result.set(f, files.get(f)!);
  return result;
}

/** Where the module generated from `source` goes: its path under the source root, inside the generated folder. */
export function modulePath(project: Project, source: string): string {
  const rel = path.relative(project.sourceRoot, source).split(path.sep).map((part) => (part === ".." ? "__" : part));
  return path.join(project.outDir, ...rel).replace(/\.[cm]?tsx?$/, ".ts");
}

export interface Change {
  file: string;
  change: "written" | "removed" | "missing" | "stale" | "extra";
}

/** Writes what changed and removes generated files nothing produces any more; files without the header are never touched. */
export function writeFiles(project: Project, planned: Map<string, string>): Change[] {
  const changes: Change[] = [];
  for (const [file, text] of planned) {
    if (readFile(file) === text) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    changes.push({ file, change: "written" });
  }
  for (const file of generatedOnDisk(project)) {
    if (planned.has(file)) continue;
    fs.rmSync(file);
    changes.push({ file, change: "removed" });
    removeEmptyDirs(path.dirname(file), project.outDir);
  }
  return changes;
}

/** How the folder on disk differs from what generation would write (`spikard gen --check`). */
export function staleFiles(project: Project, planned: Map<string, string>): Change[] {
  const changes: Change[] = [];
  for (const [file, text] of planned) {
    const current = readFile(file);
    if (current !== text) changes.push({ file, change: current === undefined ? "missing" : "stale" });
  }
  for (const file of generatedOnDisk(project)) if (!planned.has(file)) changes.push({ file, change: "extra" });
  return changes;
}

function generatedOnDisk(project: Project): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && readGenerated(p) !== undefined) out.push(p);
    }
  };
  walk(project.outDir);
  return out.sort();
}

/** A file's text when spikard gen wrote it. */
function readGenerated(file: string): string | undefined {
  const text = readFile(file);
  return text?.startsWith(GENERATED_HEADER) ? text : undefined;
}

function readFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function removeEmptyDirs(dir: string, stop: string): void {
  let d = dir;
  while (isInside(d, stop) && fs.readdirSync(d).length === 0) {
    fs.rmdirSync(d);
    d = path.dirname(d);
  }
}
