import path from "node:path";
import { CodegenError, dedupeProblems, formatProblems, type SpecProblem } from "../errors";
import { toCamel, toFileName, unique } from "../naming";
import { readRegions, regionKey, RegionWriter, type Region } from "../regions";
import type { GeneratedFile } from "../output";
import { GENERATED_MARK } from "../output";
import { writeAppFile, type RouterFile } from "./app-file";
import type { LoadedSpec } from "./load";
import { buildModel, type ApiOperation } from "./model";
import { invalidRequest, validRequest } from "./requests";
import { writeHandler } from "./routes-file";
import { SchemaCheck } from "./schema-check";
import { planSecurity } from "./security";
import { writeTestFile, writeTestSupport, type OperationTest } from "./tests-file";
import { TypeRegistry } from "./type-registry";

export interface GeneratedApp {
  files: GeneratedFile[];
  /** Where the app only approximates the spec. */
  notes: SpecProblem[];
}

/** Where `spikard generate openapi` writes, and how its files begin. */
export const OPENAPI_LAYOUT = { mark: `${GENERATED_MARK}generate openapi\``, subdirs: ["routes"] } as const;

/** The spikard types types.ts may use. */
const SPIKARD_TYPES = ["MaxProperties", "MinProperties", "Rule", "UploadFile"];

/** Names the generated modules import, which component types must not take. */
const TAKEN = ["Router", "Spikard", "HttpError", "Response", "StreamingResponse", "UploadFile", "Path", "Query", "Header", "Cookie", "Body", "Strict", "OneOf", "Separator", "Rule", "MinProperties", "MaxProperties", "tags", "Promise", "Array", "Record", "Uint8Array", "Blob", "File", "Date", "Error", "Object", "String", "Number", "Boolean", "Symbol", "Map", "Set", "JSON", "Function", "AppSettings", "ServerConfig"];

/**
 * `spikard generate openapi`: an OpenAPI 3.0/3.1 spec as a typed Spikard app
 * (types.ts, routes/<tag>.ts, app.ts) with vitest tests. `existing` is what
 * the output directory holds now (its generated files): edited handler bodies
 * in them are kept; an edited handler whose operation is gone is an error
 * unless `prune`.
 */
export function generateFromOpenApi(spec: LoadedSpec, existing: Map<string, string>, options: { prune?: boolean } = {}): GeneratedApp {
  const model = buildModel(spec);
  const security = planSecurity(model);
  if (model.problems.length > 0) {
    const problems = dedupeProblems(model.problems);
    throw new CodegenError("SPEC_UNSUPPORTED", [path.basename(spec.file), formatProblems(problems)], problems);
  }
  const doc = spec.doc;
  const check = new SchemaCheck(doc);
  const types = new TypeRegistry(doc, { tags: true, document: true, comments: true, binary: "UploadFile" }, model.notes, TAKEN, model.problems);
  const old = new Map<string, Region>();
  for (const text of existing.values()) for (const [k, r] of readRegions(text)) old.set(k, r);
  const regions = new RegionWriter(old);
  const header = `${OPENAPI_LAYOUT.mark} from ${path.basename(spec.file)}. Regenerate it instead of editing;\n// the code between \`spikard:user\` markers is yours, and regenerating keeps it.\n`;

  const groups = groupByTag(model.operations);
  const usedFiles = new Set<string>(["app", "types", "test-support"]);
  const usedRouters = new Set<string>(["app", "createApp", "settingsFromEnv"]);
  const routers: RouterFile[] = [];
  const files: GeneratedFile[] = [];
  const pending: Array<{ file: string; router: string; handlers: ReturnType<typeof writeHandler>[]; imports: string }> = [];
  for (const [tag, ops] of groups) {
    const file = unique(toFileName(tag), usedFiles);
    const router = unique(`${toCamel(tag)}Routes`, usedRouters);
    const handlers = ops.map((op) => writeHandler(op, router, model, types, check, regions));
    const imports = regions.region(regionKey("imports", `routes/${file}`), "", "");
    pending.push({ file, router, handlers, imports });
    routers.push({ module: `routes/${file}`, router });
  }
  // Types are named while the routes are written, so the routes' imports come after.
  const typeNames = types.declared();
  const tests: Array<{ file: string; tests: OperationTest[] }> = [];
  for (const { file, router, handlers, imports } of pending) {
    const body = handlers.map((h) => h.code).join("\n");
    const used = typeNames.filter((n) => new RegExp(`\\b${n}\\b`).test(body));
    const runtime = ["Router", ...(/\bHttpError\b/.test(body) ? ["HttpError"] : []), ...(/(?<!\w)Response</.test(body) ? ["Response"] : [])];
    const typeOnly = ["Body", "Cookie", "Header", "OneOf", "Path", "Query", "Separator", "Strict", "StreamingResponse", "UploadFile"].filter((n) => new RegExp(`\\b${n}\\b(?!\\w)`).test(body.replace(/\b\w+Body\b/g, "")) && (n === "StreamingResponse" || n === "UploadFile" || body.includes(`${n}<`)));
    const lines = [
      `import { ${[...runtime, ...typeOnly.map((m) => `type ${m}`)].join(", ")} } from "spikard";`,
      ...(body.includes("tags.") ? ['import type { tags } from "typia";'] : []),
      ...(used.length ? [`import type { ${used.join(", ")} } from "../types";`] : []),
    ];
    files.push({ path: `routes/${file}.ts`, content: `${header}${lines.join("\n")}\n${imports}\nexport const ${router} = new Router();\n\n${body}` });
    tests.push({
      file,
      tests: handlers.map((h) => {
        const valid = validRequest(h.op, model, check);
        return { handler: h, valid, ...(typeof valid === "string" ? {} : { invalid: invalidRequest(h.op, valid, model) }) };
      }),
    });
  }
  // Types are written as the routes are: what they could not hold stops the run here.
  if (model.problems.length > 0) {
    const problems = dedupeProblems(model.problems);
    throw new CodegenError("SPEC_UNSUPPORTED", [path.basename(spec.file), formatProblems(problems)], problems);
  }
  const orphans = regions.orphans();
  if (orphans.length > 0 && options.prune !== true) throw new CodegenError("ORPHANED_HANDLER", [orphans.map((r) => r.key).join(", ")]);

  files.push({ path: "types.ts", content: types.module(header, SPIKARD_TYPES) });
  const notes = dedupeProblems(model.notes);
  files.push({ path: "app.ts", content: writeAppFile(header, doc, routers, security, notes) });
  files.push({ path: "test-support.ts", content: writeTestSupport(header, security) });
  for (const t of tests) files.push({ path: `${t.file}.test.ts`, content: writeTestFile(header, t.tests, security) });
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, notes };
}

/** Operations by their first tag, in the order the tags first appear. */
function groupByTag(ops: ApiOperation[]): Map<string, ApiOperation[]> {
  const out = new Map<string, ApiOperation[]>();
  for (const op of ops) out.set(op.tag, [...(out.get(op.tag) ?? []), op]);
  return out;
}
