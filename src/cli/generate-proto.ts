import fs from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";
import { generateModule } from "./proto-codegen";

export const USAGE = "spikard generate proto <file.proto>... --output DIR [-I include-dir]... [--keep-case] [--check]";

/**
 * `spikard generate proto protos/user.proto --output src/gen`: one TypeScript module per .proto
 * (`src/gen/user.ts`). `--check` writes nothing and exits 1 when a module is missing or stale.
 */
export function generateProto(argv: string[]): number {
  const files: string[] = [];
  const includes: string[] = [];
  let output: string | undefined;
  let check = false;
  let keepCase = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--output" || a === "-o") output = argv[++i];
    else if (a === "-I" || a === "--include") includes.push(argv[++i] ?? ".");
    else if (a === "--check") check = true;
    else if (a === "--keep-case") keepCase = true;
    else if (a.startsWith("-")) return usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0 || output === undefined) return usage();
  let stale = 0;
  for (const file of files) {
    let code: string;
    try {
      code = generateModule(load(file, includes, keepCase), path.basename(file));
    } catch (err) {
      console.error(`spikard: ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    const target = path.join(output, `${path.basename(file, ".proto")}.ts`);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (check) {
      if (current !== code) {
        console.error(`spikard: ${target} is ${current === undefined ? "missing" : "stale"}; run spikard generate proto ${file} --output ${output}`);
        stale++;
      }
      continue;
    }
    if (current !== code) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, code);
    }
    console.log(`spikard: ${current === code ? "unchanged" : "wrote"} ${target}`);
  }
  return stale > 0 ? 1 : 0;
}

function load(file: string, includes: string[], keepCase: boolean): protobuf.Root {
  if (!fs.existsSync(file)) throw new Error("no such file");
  const root = new protobuf.Root();
  const dirs = [path.dirname(path.resolve(file)), ...includes.map((d) => path.resolve(d))];
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of [origin ? path.dirname(origin) : undefined, ...dirs]) {
      if (dir === undefined) continue;
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    // google/protobuf/*.proto well-known types are built into protobufjs.
    return target;
  };
  root.loadSync(path.resolve(file), { keepCase, alternateCommentMode: true });
  // Drop the absolute path protobufjs records, so the output does not depend on where it ran.
  const clear = (ns: protobuf.ReflectionObject): void => {
    ns.filename = null;
    if (ns instanceof protobuf.Namespace) for (const n of ns.nestedArray) clear(n);
  };
  clear(root);
  return root;
}

function usage(problem?: string): number {
  if (problem) console.error(`spikard: ${problem}`);
  console.error(`usage: ${USAGE}`);
  return 2;
}
