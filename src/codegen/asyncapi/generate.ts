import path from "node:path";
import { CodegenError, dedupeProblems, formatProblems, type SpecProblem } from "../errors";
import { toFileName, toTypeName, unique } from "../naming";
import { GENERATED_MARK, type GeneratedFile } from "../output";
import { readRegions, regionKey, RegionWriter, type Region } from "../regions";
import type { Json } from "../openapi/load";
import { SchemaCheck } from "../openapi/schema-check";
import { TypeRegistry } from "../openapi/type-registry";
import { routerName, writeChannel, type ChannelOutput } from "./channels-file";
import type { LoadedAsyncApi } from "./load";
import { buildChannelModel, type AsyncChannel, type ChannelMessage } from "./model";
import { writeChannelTests } from "./tests-file";

/** Where `spikard generate asyncapi` writes, and how its files begin. */
export const ASYNCAPI_LAYOUT = { mark: `${GENERATED_MARK}generate asyncapi\``, subdirs: ["routes"] } as const;

/** Names the generated modules import, which component types must not take. */
const TAKEN = ["Router", "Spikard", "HttpError", "WebSocket", "SseEvent", "Path", "Query", "Header", "Cookie", "tags", "Promise", "AsyncGenerator", "Array", "Record", "Uint8Array", "Date", "Error", "Object", "String", "Number", "Boolean", "Symbol", "Map", "Set", "JSON", "Function", "ServerConfig", "UploadFile", "MaxProperties", "MinProperties", "Rule"];
const SPIKARD_TYPES = ["MaxProperties", "MinProperties", "Rule"];

/**
 * `spikard generate asyncapi`: an AsyncAPI 3.0 document's WebSocket and SSE
 * channels as a typed Spikard app (types.ts, routes/<group>.ts, app.ts) with
 * vitest tests. `existing` is what the output directory holds now: edited
 * handler bodies in it are kept; an edited handler whose channel is gone is
 * an error unless `prune`.
 */
export function generateFromAsyncApi(spec: LoadedAsyncApi, existing: Map<string, string>, options: { prune?: boolean } = {}): { files: GeneratedFile[]; notes: SpecProblem[] } {
  const model = buildChannelModel(spec);
  const stop = (): void => {
    if (model.problems.length === 0) return;
    const problems = dedupeProblems(model.problems);
    throw new CodegenError("SPEC_UNSUPPORTED", [path.basename(spec.file), formatProblems(problems)], problems);
  };
  stop();
  const check = new SchemaCheck(spec.doc);
  const types = new TypeRegistry(spec.doc, { tags: true, document: true, comments: true, binary: "string" }, model.notes, TAKEN, model.problems);
  const old = new Map<string, Region>();
  for (const text of existing.values()) for (const [k, r] of readRegions(text)) old.set(k, r);
  const regions = new RegionWriter(old);
  const header = `${ASYNCAPI_LAYOUT.mark} from ${path.basename(spec.file)}. Regenerate it instead of editing;\n// the code between \`spikard:user\` markers is yours, and regenerating keeps it.\n`;

  // By where the payload is: a message component that several channels use is one type.
  const named = new Map<string, string>();
  const typeOf = (m: ChannelMessage): string => {
    let n = named.get(m.payloadPointer);
    if (n === undefined) {
      n = m.kind === "text" ? "string" : m.kind === "bytes" ? "Uint8Array" : types.nameInline(toTypeName(m.name), m.payload, m.payloadPointer);
      named.set(m.payloadPointer, n);
    }
    return n;
  };
  const usedFiles = new Set<string>(["app", "types"]);
  const usedRouters = new Set<string>(["app", "createApp"]);
  const groups: Array<{ file: string; router: string; outputs: ChannelOutput[]; imports: string }> = [];
  for (const [group, channels] of groupChannels(model.channels)) {
    const file = unique(toFileName(group), usedFiles);
    const router = routerName(group, usedRouters);
    const outputs = channels.map((c) => writeChannel(c, router, model, types, check, regions, typeOf));
    groups.push({ file, router, outputs, imports: regions.region(regionKey("imports", `routes/${file}`), "", "") });
  }
  stop();
  const orphans = regions.orphans();
  if (orphans.length > 0 && options.prune !== true) throw new CodegenError("ORPHANED_HANDLER", [orphans.map((r) => r.key).join(", ")]);

  const typeNames = types.declared();
  const files: GeneratedFile[] = [];
  for (const { file, router, outputs, imports } of groups) {
    const body = outputs.map((o) => o.code).join("\n");
    const used = typeNames.filter((n) => new RegExp(`\\b${n}\\b`).test(body));
    const runtime = ["Router", ...(/\bHttpError\b/.test(body) ? ["HttpError"] : [])];
    const typeOnly = ["Header", "Path", "Query", "WebSocket"].filter((n) => body.includes(`${n}<`));
    const lines = [
      `import { ${[...runtime, ...typeOnly.map((m) => `type ${m}`)].join(", ")} } from "spikard";`,
      ...(body.includes("tags.") ? ['import type { tags } from "typia";'] : []),
      ...(used.length ? [`import type { ${used.join(", ")} } from "../types";`] : []),
    ];
    files.push({ path: `routes/${file}.ts`, content: `${header}${lines.join("\n")}\n${imports}\nexport const ${router} = new Router();\n\n${body}` });
    files.push({ path: `${file}.test.ts`, content: writeChannelTests(header, outputs, model, check) });
  }
  files.push({ path: "types.ts", content: types.module(header, SPIKARD_TYPES) });
  const notes = dedupeProblems(model.notes);
  files.push({ path: "app.ts", content: writeAppFile(header, spec.doc, groups, notes) });
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, notes };
}

/** Channels by their operations' first tag (else "channels"), in the order they appear. */
function groupChannels(channels: AsyncChannel[]): Map<string, AsyncChannel[]> {
  const out = new Map<string, AsyncChannel[]>();
  for (const c of channels) {
    const g = c.tags[0] ?? "channels";
    out.set(g, [...(out.get(g) ?? []), c]);
  }
  return out;
}

/**
 * DIR/app.ts: the app factory (the spec's info and servers as its AsyncAPI
 * config, so it serves its own document at /asyncapi.json), `app`, and
 * `app.run()` when the module is executed directly.
 */
function writeAppFile(header: string, doc: Json, groups: Array<{ file: string; router: string }>, notes: SpecProblem[]): string {
  const info = (doc.info ?? {}) as Json;
  const config: Json = { title: String(info.title ?? "API"), version: String(info.version ?? "1.0.0") };
  if (typeof info.description === "string") config.description = info.description;
  if (typeof doc.id === "string") config.id = doc.id;
  const servers: Json = {};
  for (const [name, s] of Object.entries((doc.servers ?? {}) as Record<string, Json>)) {
    if (typeof s?.host !== "string" || typeof s.protocol !== "string") continue;
    servers[name] = { host: s.host, protocol: s.protocol, ...(typeof s.pathname === "string" ? { pathname: s.pathname } : {}), ...(typeof s.description === "string" ? { description: s.description } : {}) };
    if (typeof s.pathname === "string" && s.pathname !== "/") notes.push({ pointer: `#/servers/${name}/pathname`, message: "the routes are served at the channels' addresses; the server's pathname is kept in the document as written" });
  }
  if (Object.keys(servers).length > 0) config.servers = servers;
  const contact = info.contact as Json | undefined;
  if (contact && typeof contact === "object") config.contact = Object.fromEntries(["name", "email", "url"].filter((k) => typeof contact[k] === "string").map((k) => [k, contact[k]]));
  const license = info.license as Json | undefined;
  if (license && typeof license.name === "string") config.license = Object.fromEntries(["name", "url"].filter((k) => typeof license[k] === "string").map((k) => [k, license[k]]));
  const notesBlock = notes.length === 0 ? "" : `/*\n * Where this app differs from the spec (JSON pointers into it):\n${notes.map((n) => ` * - ${n.pointer}: ${n.message.replace(/\*\//g, "*\\/")}`).join("\n")}\n */\n`;
  return `${header}import { Spikard, type ServerConfig } from "spikard";
${groups.map((g) => `import { ${g.router} } from "./routes/${g.file}";`).join("\n")}

${notesBlock}/** The app of the spec; \`config\` adds to or overrides its ServerConfig. */
export function createApp(config: ServerConfig = {}): Spikard {
  const app = new Spikard({
    asyncapi: ${JSON.stringify(config, null, 2).replace(/\n/g, "\n    ")},
    ...config,
  });
${groups.map((g) => `  app.includeRouter(${g.router});`).join("\n")}
  return app;
}

export const app = createApp();

if (require.main === module) {
  app.run();
}
`;
}
