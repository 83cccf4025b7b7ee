import path from "node:path";
import ts from "typescript";
import { transformSetup } from "../transform";
import { analyseFile, projectFiles, type FileRecord } from "./analyse";
import { conflicts } from "./conflicts";
import { plannedFiles, staleFiles, writeFiles, type Change } from "./output";
import { isInside, loadProject, type Project } from "./project";

import { USAGE } from "./usage";

interface Args {
  project: string;
  out?: string;
  check: boolean;
  watch: boolean;
}

/**
 * `spikard gen`: analyses the project with spikard's own TypeScript and writes
 * the metadata of every route, factory and hook into a generated folder
 * (default `<rootDir>/spikard.gen`), so that the app builds with any compiler.
 * `--check` writes nothing and exits 1 when the folder is not what generation
 * would write (for CI); `--watch` regenerates the affected modules on every change.
 */
export function genCommand(argv: string[]): number | Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`${args}\nusage: ${USAGE}`);
    return 2;
  }
  if (args.watch) return watch(args);
  const t0 = performance.now();
  const project = loadProject(args.project, args.out);
  const { records, diagnostics } = generateAll(project);
  report(project, records, diagnostics);
  const planned = plannedFiles(project, records);
  const errors = diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error);
  if (args.check) {
    const stale = staleFiles(project, planned);
    for (const c of stale) console.error(`spikard gen --check: ${relative(c.file)} is ${c.change === "extra" ? "no longer generated" : c.change === "missing" ? "missing" : "out of date"}`);
    if (stale.length > 0) console.error(`spikard gen --check: ${relative(project.outDir)} is stale: run \`npx spikard gen\`.`);
    return stale.length > 0 || errors ? 1 : 0;
  }
  const changes = writeFiles(project, planned);
  console.log(summary(project, planned, changes, performance.now() - t0));
  return errors ? 1 : 0;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { project: "", check: false, watch: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--check") args.check = true;
    else if (a === "--watch" || a === "-w") args.watch = true;
    else if (a === "--project" || a === "-p" || a === "--out") {
      const value = argv[++i];
      if (value === undefined) return `${a} needs a value`;
      if (a === "--out") args.out = value;
      else args.project = value;
    } else return `unknown argument ${JSON.stringify(a)}`;
  }
  if (args.check && args.watch) return "--check and --watch do not go together";
  const config = args.project === "" ? ts.findConfigFile(process.cwd(), ts.sys.fileExists) : resolveConfig(args.project);
  if (config === undefined) return `no tsconfig.json found${args.project === "" ? " in this folder or above" : ` at ${args.project}`}`;
  args.project = config;
  return args;
}

function resolveConfig(given: string): string | undefined {
  const p = path.resolve(given);
  if (ts.sys.directoryExists(p)) return ts.sys.fileExists(path.join(p, "tsconfig.json")) ? path.join(p, "tsconfig.json") : undefined;
  return ts.sys.fileExists(p) ? p : undefined;
}

function generateAll(project: Project): { records: FileRecord[]; diagnostics: ts.Diagnostic[] } {
  const setup = transformSetup(project.options, project.transformOptions);
  const host = ts.createCompilerHost(project.options);
  // Route docs and our declaration tags live in JSDoc, which tsc skips by default since 5.3.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseAll;
  const program = ts.createProgram({ rootNames: project.rootNames, options: project.options, host });
  const records = projectFiles(program, project).map((f) => analyseFile(program, project, f, setup.dependencyErrors));
  return { records, diagnostics: [...setupDiagnostics(setup.problems), ...records.flatMap((r) => r.diagnostics), ...conflicts(records)] };
}

function setupDiagnostics(problems: string[]): ts.Diagnostic[] {
  return problems.map((messageText) => ({ category: ts.DiagnosticCategory.Error, code: 0, file: undefined, start: undefined, length: undefined, messageText }));
}

/**
 * `--watch`: TypeScript's watch program rebuilds the program on each change;
 * the files its builder marks affected (those that import a changed file,
 * type-only imports too), and those whose analysis failed last time, are
 * analysed again, and only modules whose text changed are written.
 */
function watch(args: Args): Promise<number> {
  const project = loadProject(args.project, args.out);
  const setup = transformSetup(project.options, project.transformOptions);
  const extend: ts.CompilerOptions = { noEmit: true };
  if (project.options.strict === true) extend.strict = true;
  const host = ts.createWatchCompilerHost(
    project.configPath,
    extend,
    ts.sys,
    ts.createSemanticDiagnosticsBuilderProgram,
    () => {},
    () => {},
  );
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseAll;
  // The generated folder is inside the project's sources; writing it must not start another round.
  const isGenerated = (file: string): boolean => path.resolve(file) === project.outDir || isInside(path.resolve(file), project.outDir);
  const readDirectory = host.readDirectory!.bind(host);
  host.readDirectory = (...a) => readDirectory(...a).filter((f) => !isGenerated(f));
  // ... nor its own writes wake the program up (an idle round per write): the app's entry imports the folder, so its files are
  // in the program, watched like sources, though never analysed.
  const watchFile = host.watchFile.bind(host);
  host.watchFile = (file, callback, ...rest) => watchFile(file, (f, kind) => { if (!isGenerated(f)) callback(f, kind); }, ...rest);
  const watchDirectory = host.watchDirectory.bind(host);
  host.watchDirectory = (dir, callback, ...rest) => watchDirectory(dir, (file) => { if (!isGenerated(file)) callback(file); }, ...rest);
  const records = new Map<string, FileRecord>();
  host.afterProgramCreate = (builder) => {
    const t0 = performance.now();
    const program = builder.getProgram();
    const affected = affectedFiles(builder);
    const current = new Set<string>();
    for (const file of projectFiles(program, project)) {
      const key = path.resolve(file.fileName);
      current.add(key);
      const previous = records.get(key);
      if (previous === undefined || affected.has(key) || previous.diagnostics.length > 0) records.set(key, analyseFile(program, project, file, setup.dependencyErrors));
    }
    for (const key of records.keys()) if (!current.has(key)) records.delete(key);
    const diagnostics = [...setupDiagnostics(setup.problems), ...[...records.values()].flatMap((r) => r.diagnostics), ...conflicts(records.values())];
    report(project, records.values(), diagnostics);
    const planned = plannedFiles(project, records.values());
    const changes = writeFiles(project, planned);
    console.log(summary(project, planned, changes, performance.now() - t0));
  };
  ts.createWatchProgram(host);
  console.log(`spikard gen --watch: watching ${relative(project.configPath)}`);
  // Runs until the process is stopped.
  return new Promise<number>(() => {});
}

function affectedFiles(builder: ts.SemanticDiagnosticsBuilderProgram): Set<string> {
  const out = new Set<string>();
  for (;;) {
    const next = builder.getSemanticDiagnosticsOfNextAffectedFile();
    if (next === undefined) return out;
    const affected = next.affected;
    if ("fileName" in affected) out.add(path.resolve(affected.fileName));
    else for (const f of affected.getSourceFiles()) out.add(path.resolve(f.fileName));
  }
}

function report(project: Project, records: Iterable<FileRecord>, diagnostics: ts.Diagnostic[]): void {
  for (const r of records) for (const w of r.warnings) console.warn(w);
  const config = project.configDiagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (config.length > 0) console.warn(`spikard gen: ${relative(project.configPath)}: ${config.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")} (read with TypeScript ${ts.version}; generation goes on)`);
  if (diagnostics.length === 0) return;
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
  console.error(process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host) : ts.formatDiagnostics(diagnostics, host));
}

function summary(project: Project, planned: Map<string, string>, changes: Change[], ms: number): string {
  const written = changes.filter((c) => c.change === "written").map((c) => relative(c.file));
  const removed = changes.filter((c) => c.change === "removed").map((c) => relative(c.file));
  const what = written.length + removed.length === 0 ? "up to date" : [written.length > 0 ? `wrote ${written.join(", ")}` : "", removed.length > 0 ? `removed ${removed.join(", ")}` : ""].filter(Boolean).join("; ");
  return `spikard gen: ${relative(project.outDir)} (${planned.size - 1} modules) ${what} in ${Math.round(ms)} ms`;
}

function relative(file: string): string {
  return path.relative(process.cwd(), file) || ".";
}
