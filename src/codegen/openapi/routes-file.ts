import { pointerJoin } from "../json-pointer";
import { toIdentifier, toTypeName, unique } from "../naming";
import { regionKey, type RegionWriter } from "../regions";
import type { Json } from "./load";
import type { ApiModel, ApiOperation, ApiParameter } from "./model";
import { pruneToSchema } from "./prune";
import type { SchemaCheck } from "./schema-check";
import type { TypeRegistry } from "./type-registry";

const MARKERS = { path: "Path", query: "Query", header: "Header", cookie: "Cookie" } as const;
const ROUTE_METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options"]);

export interface HandlerOutput {
  op: ApiOperation;
  /** The registration statement, with its JSDoc. */
  code: string;
  /** The example the untouched handler returns, when it returns one. */
  example?: unknown;
  edited: boolean;
  /** The response is written as text (a string). */
  textual: boolean;
}

/** One route registration per operation: typed parameters from the spec, the body in a user region. */
export function writeHandler(op: ApiOperation, router: string, model: ApiModel, types: TypeRegistry, check: SchemaCheck, regions: RegionWriter): HandlerOutput {
  const used = new Set<string>();
  const params: string[] = [];
  const docs: string[] = [];
  // Required parameters first: TypeScript puts optional ones (and defaults) after them.
  const ordered = [...op.parameters.filter((p) => p.in === "path"), ...op.parameters.filter((p) => p.in !== "path" && p.required), ...op.parameters.filter((p) => !p.required)];
  const base = toTypeName(op.operationId);
  const body = op.body;
  const bodyDecl = (): string => `${unique("body", used)}${body!.required ? "" : "?"}: Body<${bodyType(op, base, model, types)}>`;
  let bodyDone = body === undefined;
  for (const p of ordered) {
    if (!p.required && body?.required && !bodyDone) {
      params.push(bodyDecl());
      bodyDone = true;
    }
    const { decl, ident } = paramDecl(p, model, types, check, used);
    params.push(decl);
    if (p.description) docs.push(`@param ${ident} ${p.description.replace(/\s*\n\s*/g, " ").replace(/\*\//g, "*\\/")}`);
  }
  if (!bodyDone) params.push(bodyDecl());
  const s = op.success;
  // The runtime answers a returned string as text/plain: a JSON string response is sent as text.
  const textual = s.kind === "text" || (s.kind === "json" && isStringSchema(s.schema, model));
  if (textual && s.kind === "json") model.notes.push({ pointer: s.pointer, message: "a JSON string response is answered as text/plain (the runtime writes returned strings as text)" });
  const returns = s.kind === "json" ? (s.schema === undefined ? "unknown" : types.nameInline(`${base}Response`, s.schema, pointerJoin(s.pointer, "schema"), () => "string")) : s.kind === "text" ? "string" : s.kind === "bytes" ? "Uint8Array" : s.kind === "stream" ? "StreamingResponse" : "void";
  const example = s.kind === "json" || s.kind === "text" ? pickExample(s.examples, s.schema, model, check) : undefined;
  const key = regionKey("handler", op.operationId);
  const defaultBody =
    example !== undefined
      ? `  return ${indentJson(example, "  ")};\n`
      : `  throw new HttpError(501, ${JSON.stringify(`${op.operationId} is not implemented`)});\n`;
  const edited = regions.edited(key);
  const options: Json = { operationId: op.operationId };
  if (op.summary !== undefined) options.summary = op.summary;
  if (op.description !== undefined) options.description = op.description;
  if (op.tags.length > 0) options.tags = op.tags;
  if (op.deprecated) options.deprecated = true;
  if (s.status !== 200) options.statusCode = s.status;
  const verb = ROUTE_METHODS.has(op.method) ? op.method : "route";
  const head = `// ${op.method.toUpperCase()} ${op.path}${op.summary ? ` — ${op.summary.replace(/\s*\n\s*/g, " ")}` : ""}\n${docs.length ? `/**\n${docs.map((d) => ` * ${d}`).join("\n")}\n */\n` : ""}`;
  const list = params.length <= 1 ? params.join("") : `\n${params.map((p) => `  ${p},\n`).join("")}`;
  // A JSON result may also come as a Response (its own status or headers); the document still shows the type.
  const result = s.kind === "json" && !textual && s.schema !== undefined ? `${returns} | Response<${returns}>` : returns;
  const signature = `${router}.${verb}(${JSON.stringify(op.path)}, async (${list}): Promise<${result}> => {\n`;
  const code = `${head}${signature}${regions.region(key, defaultBody, "  ")}}, ${objectLiteral(options)});\n`;
  return { op, code, ...(example !== undefined && !edited ? { example } : {}), edited, textual };
}

/** A handler parameter for a spec parameter: its marker, its wire name where the identifier differs, its default. */
export function paramDecl(p: ApiParameter, model: Pick<ApiModel, "notes" | "resolve">, types: TypeRegistry, check: SchemaCheck, used: Set<string>): { decl: string; ident: string } {
  const ident = unique(toIdentifier(p.name), used);
  let type = types.typeOf(p.schema, pointerJoin(p.pointer, "schema"));
  if (p.separator !== undefined) type = `(${type} & Separator<${JSON.stringify(p.separator)}>)`;
  const needsName = p.in === "header" ? ident.replace(/_/g, "-").toLowerCase() !== p.name.toLowerCase() : ident !== p.name;
  const marker = `${MARKERS[p.in]}<${type}${needsName ? `, ${JSON.stringify(p.name)}` : ""}>`;
  const schema = resolveSchema(p.schema, model);
  if (!p.required && schema !== undefined && "default" in schema) {
    if (check.problem(schema.default, p.schema) === undefined) return { decl: `${ident}: ${marker} = ${JSON.stringify(schema.default)}`, ident };
    model.notes.push({ pointer: pointerJoin(p.pointer, "schema", "default"), message: "the default does not satisfy the schema; it is left out" });
  }
  return { decl: `${ident}${p.required ? "" : "?"}: ${marker}`, ident };
}

function bodyType(op: ApiOperation, base: string, model: ApiModel, types: TypeRegistry): string {
  const b = op.body!;
  const ptr = pointerJoin(b.pointer, "schema");
  switch (b.kind) {
    case "text":
      return "string";
    case "bytes":
      return "Uint8Array";
    case "multipart": {
      const root = resolveSchema(b.schema, model);
      const fieldOf = (p: string): string | undefined => /\/properties\/([^/]+)(\/items)?$/.exec(p)?.[1];
      const upload = (p: string): string => {
        const field = fieldOf(p);
        const accept = field !== undefined ? b.fileTypes[field] : undefined;
        return accept && accept.length > 0 && !accept.includes("*/*") ? `UploadFile<${accept.map((t) => JSON.stringify(t)).join(" | ")}>` : "UploadFile";
      };
      return types.nameInline(`${base}Body`, Object.keys(b.fileTypes).length > 0 ? (root ?? b.schema) : b.schema, ptr, upload);
    }
    case "form":
      return types.nameInline(`${base}Body`, b.schema, ptr);
    case "json": {
      if (b.schema === undefined) return "Record<string, unknown>";
      const root = resolveSchema(b.schema, model);
      let t = types.nameInline(`${base}Body`, b.schema, ptr, () => "string");
      if (root && Array.isArray(root.oneOf)) t = `OneOf<${t}>`;
      if (root && root.additionalProperties === false) {
        t = `Strict<${t}>`;
        if (JSON.stringify(root.properties ?? {}).includes('"type":"object"')) model.notes.push({ pointer: ptr, message: "additionalProperties: false is applied to every object of the body (Body<Strict<T>>)" });
      }
      const type = root?.type;
      if (type === "string" || type === "number" || type === "integer" || type === "boolean") model.notes.push({ pointer: ptr, message: `a JSON ${String(type)} body is read as ${type === "string" ? "text" : "JSON"}` });
      return t;
    }
  }
}

/** The first example that satisfies the schema, cut down to its declared properties. */
export function pickExample(examples: unknown[], schema: unknown, model: Pick<ApiModel, "resolve">, check: SchemaCheck): unknown {
  const valid = (v: unknown, s: unknown): boolean => check.problem(v, s) === undefined;
  const resolved = resolveSchema(schema, model);
  const candidates = [...examples, ...(resolved && "example" in resolved ? [resolved.example] : []), ...(resolved && Array.isArray(resolved.examples) ? (resolved.examples as unknown[]) : [])];
  for (const ex of candidates) {
    if (ex === undefined || !valid(ex, schema)) continue;
    const pruned = pruneToSchema(ex, schema, (r) => model.resolve(r), valid);
    if (valid(pruned, schema)) return pruned;
  }
  return undefined;
}

function isStringSchema(schema: unknown, model: ApiModel): boolean {
  const s = resolveSchema(schema, model);
  if (s === undefined) return false;
  if (s.type === "string") return s.format !== "binary";
  return Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((v) => typeof v === "string");
}

function resolveSchema(schema: unknown, model: Pick<ApiModel, "resolve">): Json | undefined {
  let cur = schema;
  for (let i = 0; i < 16 && cur !== null && typeof cur === "object" && typeof (cur as Json).$ref === "string"; i++) cur = model.resolve((cur as Json).$ref as string);
  return cur !== null && typeof cur === "object" ? (cur as Json) : undefined;
}

export function indentJson(v: unknown, indent: string): string {
  return JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`);
}

/** An object as TypeScript source, keys unquoted where they can be. */
function objectLiteral(o: Json): string {
  return `{ ${Object.entries(o).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")} }`;
}
