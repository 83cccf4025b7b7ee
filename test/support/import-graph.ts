import fs from "node:fs";
import path from "node:path";

/** Every relative import (static, type-only, `require`) of every non-test module under `root`, as module → modules. */
export function importGraph(root: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const files = listModules(root);
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const deps = new Set<string>();
    for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']*)["']/g)) {
      const target = resolveModule(path.dirname(file), m[1]!);
      if (target !== undefined) deps.add(path.relative(root, target));
    }
    graph.set(path.relative(root, file), deps);
  }
  return graph;
}

function listModules(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listModules(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function resolveModule(from: string, spec: string): string | undefined {
  const base = path.resolve(from, spec);
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) if (fs.existsSync(candidate)) return candidate;
  return undefined;
}

/** The module's folder: its first directory under the root, or the root file itself. */
export function folderOf(module: string): string {
  const parts = module.split(path.sep);
  return parts.length === 1 ? parts[0]! : parts[0]!;
}

/** Strongly connected groups of more than one node (Tarjan). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The graph between folders (root files stay their own node); imports inside one folder are not edges. */
export function folderGraph(graph: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, deps] of graph) {
    const a = folderOf(from);
    const set = out.get(a) ?? new Set<string>();
    for (const d of deps) {
      const b = folderOf(d);
      if (b !== a) set.add(b);
    }
    out.set(a, set);
  }
  return out;
}
