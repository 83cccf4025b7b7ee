import { parsePathPattern } from "../../routing/path-pattern";
import type { SpecProblem } from "../errors";
import { pointerJoin, resolvePointer } from "../json-pointer";
import type { Json, LoadedSpec } from "./load";

/**
 * The operations of a spec as the generators need them: references resolved,
 * path-level parameters merged in, one body media type and one success
 * response chosen. What the runtime cannot express is a `problem` (nothing is
 * generated); what is generated approximately is a `note`. Both carry the
 * JSON pointer of the spec part they are about.
 */
export interface ApiModel {
  spec: LoadedSpec;
  operations: ApiOperation[];
  problems: SpecProblem[];
  notes: SpecProblem[];
  resolve(ref: string): unknown;
}

export type ParamIn = "path" | "query" | "header" | "cookie";

export interface ApiParameter {
  name: string;
  in: ParamIn;
  required: boolean;
  schema: unknown;
  description?: string;
  /** `Separator<S>` for arrays that arrive in one value. */
  separator?: string;
  examples: unknown[];
  pointer: string;
}

export type BodyKind = "json" | "multipart" | "form" | "text" | "bytes";

export interface ApiBody {
  required: boolean;
  mediaType: string;
  kind: BodyKind;
  schema: unknown;
  /** Multipart: accepted content types of file fields. */
  fileTypes: Record<string, string[]>;
  examples: unknown[];
  pointer: string;
}

export type ResponseKind = "json" | "text" | "bytes" | "empty" | "stream";

export interface ApiResponse {
  status: number;
  kind: ResponseKind;
  mediaType?: string;
  schema?: unknown;
  examples: unknown[];
  pointer: string;
}

export interface ApiOperation {
  pointer: string;
  method: string;
  path: string;
  operationId: string;
  tag: string;
  tags: string[];
  summary?: string;
  description?: string;
  deprecated: boolean;
  parameters: ApiParameter[];
  body?: ApiBody;
  success: ApiResponse;
  /** Effective security requirements (operation's, else the document's). */
  security: Array<Record<string, string[]>>;
}

/** Methods the runtime registers (uWebSockets.js parses no others; TRACE is not routed). */
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;
const ALL_METHODS = [...METHODS, "trace"];
const BINARY_MEDIA = /^(application\/octet-stream|application\/pdf|application\/zip|image\/|audio\/|video\/|\*\/\*)/i;

export function buildModel(spec: LoadedSpec): ApiModel {
  const problems: SpecProblem[] = [];
  const notes: SpecProblem[] = [];
  const doc = spec.doc;
  const problem = (pointer: string, message: string): void => void problems.push({ pointer, message });
  const note = (pointer: string, message: string): void => void notes.push({ pointer, message });

  /** Follows local `$ref`s to the object they name; external ones are a problem. */
  const deref = (value: unknown, pointer: string): { value: Json; pointer: string } | undefined => {
    let cur = value;
    let where = pointer;
    for (let hops = 0; hops < 32; hops++) {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur)) {
        problem(where, "expected an object");
        return undefined;
      }
      const ref = (cur as Json).$ref;
      if (typeof ref !== "string") return { value: cur as Json, pointer: where };
      if (!ref.startsWith("#")) {
        problem(where, `external reference ${JSON.stringify(ref)} is not supported; bundle the spec into one file first`);
        return undefined;
      }
      const target = resolvePointer(doc, ref);
      if (target === undefined) {
        problem(where, `reference ${JSON.stringify(ref)} points at nothing`);
        return undefined;
      }
      cur = target;
      where = ref;
    }
    problem(pointer, "reference cycle");
    return undefined;
  };

  checkSchemaRefs(doc, "#", problem);
  const operations: ApiOperation[] = [];
  const ids = new Map<string, string>();
  const errorBodies: string[] = [];
  const responseHeaders: string[] = [];
  const paths = (doc.paths ?? {}) as Json;
  if (doc.paths === undefined || typeof doc.paths !== "object") problem("#/paths", "the document has no paths");
  for (const [route, rawItem] of Object.entries(paths)) {
    const itemPtr = pointerJoin("#/paths", route);
    const item = deref(rawItem, itemPtr);
    if (item === undefined) continue;
    if (!checkRoute(route, itemPtr, problem)) continue;
    const shared = (item.value.parameters ?? []) as unknown[];
    for (const method of ALL_METHODS) {
      const op = item.value[method];
      if (op === undefined) continue;
      const opPtr = pointerJoin(itemPtr, method);
      if (method === "trace") {
        problem(opPtr, "TRACE operations are not supported (the server routes GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS)");
        continue;
      }
      if (op === null || typeof op !== "object") {
        problem(opPtr, "expected an operation object");
        continue;
      }
      const o = op as Json;
      const operationId = typeof o.operationId === "string" && o.operationId !== "" ? o.operationId : derivedId(method, route);
      const seen = ids.get(operationId);
      if (seen !== undefined) problem(pointerJoin(opPtr, "operationId"), `operationId ${JSON.stringify(operationId)} is also used at ${seen}`);
      ids.set(operationId, opPtr);
      const tags = Array.isArray(o.tags) ? (o.tags as unknown[]).filter((t): t is string => typeof t === "string") : [];
      const parameters = readParameters(shared.map((p, i) => [p, pointerJoin(itemPtr, "parameters", i)] as const), ((o.parameters ?? []) as unknown[]).map((p, i) => [p, pointerJoin(opPtr, "parameters", i)] as const), route, opPtr, { deref, problem, note });
      const body = o.requestBody === undefined ? undefined : readBody(o.requestBody, pointerJoin(opPtr, "requestBody"), { deref, problem, note });
      if (body !== undefined && (method === "get" || method === "head")) problem(pointerJoin(opPtr, "requestBody"), `a ${method.toUpperCase()} operation with a request body is not supported`);
      const success = readSuccess(o.responses, pointerJoin(opPtr, "responses"), { deref, problem, note });
      for (const [code, r] of Object.entries((o.responses ?? {}) as Json)) {
        const resolved = deref(r, pointerJoin(opPtr, "responses", code));
        if (resolved === undefined) continue;
        if (!/^2/.test(code) && Object.keys((resolved.value.content ?? {}) as Json).length > 0) errorBodies.push(pointerJoin(opPtr, "responses", code));
        if (resolved.value.headers !== undefined && Object.keys(resolved.value.headers as Json).length > 0) responseHeaders.push(pointerJoin(opPtr, "responses", code, "headers"));
      }
      if (o.callbacks !== undefined) note(pointerJoin(opPtr, "callbacks"), "callbacks are not generated");
      operations.push({
        pointer: opPtr,
        method,
        path: route,
        operationId,
        tag: tags[0] ?? "default",
        tags,
        ...(typeof o.summary === "string" ? { summary: o.summary } : {}),
        ...(typeof o.description === "string" ? { description: o.description } : {}),
        deprecated: o.deprecated === true,
        parameters,
        ...(body ? { body } : {}),
        success,
        security: Array.isArray(o.security) ? (o.security as Array<Record<string, string[]>>) : Array.isArray(doc.security) ? (doc.security as Array<Record<string, string[]>>) : [],
      });
    }
  }
  if (errorBodies.length > 0) note(errorBodies[0]!, `${errorBodies.length} error responses with bodies (this one first) are not typed per route: a handler answers them by throwing HttpError(status, detail), whose body is RFC 9457 problem details`);
  if (responseHeaders.length > 0) note(responseHeaders[0]!, `${responseHeaders.length} responses declare headers (this one first); they are not typed: a handler sets them by returning new Response({ headers, content })`);
  if (doc.webhooks !== undefined) note("#/webhooks", "webhooks are not generated (they are requests the API sends, not routes it serves)");
  return { spec, operations, problems, notes, resolve: (ref) => resolvePointer(doc, ref) };
}

interface Ctx {
  deref(value: unknown, pointer: string): { value: Json; pointer: string } | undefined;
  problem(pointer: string, message: string): void;
  note(pointer: string, message: string): void;
}

/** The route must be one the runtime's path patterns can say: whole-segment `{name}` parameters. */
export function checkRoute(route: string, ptr: string, problem: (pointer: string, message: string) => void): boolean {
  if (/[\u0000-\u0020\u007f?#]/.test(route)) {
    problem(ptr, "a path may not hold spaces, control characters, ? or #");
    return false;
  }
  for (const seg of route.split("/")) {
    if (seg.includes("{") && !/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(seg)) {
      problem(ptr, `path segment ${JSON.stringify(seg)} is not supported: a parameter must be a whole segment named like an identifier ({name})`);
      return false;
    }
  }
  try {
    parsePathPattern(route);
  } catch (err) {
    problem(ptr, (err as Error).message);
    return false;
  }
  return true;
}

function derivedId(method: string, route: string): string {
  const words = route.split("/").filter(Boolean).map((s) => s.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, " ").trim()).filter(Boolean);
  return [method, ...words.flatMap((w) => w.split(" "))].map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("") || method;
}

function readParameters(shared: ReadonlyArray<readonly [unknown, string]>, own: ReadonlyArray<readonly [unknown, string]>, route: string, opPtr: string, c: Ctx): ApiParameter[] {
  const byKey = new Map<string, ApiParameter>();
  for (const [raw, ptr] of [...shared, ...own]) {
    const p = c.deref(raw, ptr);
    if (p === undefined) continue;
    const param = readParameter(p.value, ptr, c);
    if (param === undefined) continue;
    byKey.set(`${param.in}:${param.in === "header" ? param.name.toLowerCase() : param.name}`, param);
  }
  const params = [...byKey.values()];
  const segments = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  for (const name of segments) {
    if (!params.some((p) => p.in === "path" && p.name === name)) c.problem(opPtr, `path parameter {${name}} of ${route} is not declared in parameters`);
  }
  for (const p of params) if (p.in === "path" && !segments.includes(p.name)) c.problem(p.pointer, `path parameter ${JSON.stringify(p.name)} is not in the route ${route}`);
  return params;
}

const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

function readParameter(p: Json, ptr: string, c: Ctx): ApiParameter | undefined {
  const name = p.name;
  const where = p.in;
  if (typeof name !== "string" || name === "") return void c.problem(ptr, "a parameter needs a name");
  if (where !== "path" && where !== "query" && where !== "header" && where !== "cookie") return void c.problem(pointerJoin(ptr, "in"), `parameter location ${JSON.stringify(where)} is not one of path, query, header, cookie`);
  if (where === "header" && IGNORED_HEADERS.has(name.toLowerCase())) {
    c.note(ptr, `header parameter ${name} is ignored, as OpenAPI says (the server reads it itself)`);
    return undefined;
  }
  if (p.content !== undefined) return void c.problem(pointerJoin(ptr, "content"), "parameters described by `content` are not supported; describe them with `schema`");
  if (where === "path" && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return void c.problem(ptr, `path parameter name ${JSON.stringify(name)} must be an identifier`);
  const schemaPtr = pointerJoin(ptr, "schema");
  const shape = c.deref(p.schema ?? {}, schemaPtr);
  if (shape === undefined) return undefined;
  const flat = flatten(shape.value, c);
  const isArray = flat.type === "array" || (Array.isArray(flat.type) && flat.type.includes("array"));
  if (isObjectSchema(flat)) return void c.problem(schemaPtr, `${where} parameter ${JSON.stringify(name)} is an object; only scalars and arrays of scalars can be read from a ${where}`);
  if (isArray) {
    const items = c.deref(flat.items ?? {}, pointerJoin(schemaPtr, "items"));
    if (items && (isObjectSchema(flatten(items.value, c)) || flatten(items.value, c).type === "array")) return void c.problem(pointerJoin(schemaPtr, "items"), `${where} parameter ${JSON.stringify(name)} is an array of ${items.value.type ?? "objects"}; only arrays of scalars are read`);
    if (where === "path") return void c.problem(schemaPtr, `path parameter ${JSON.stringify(name)} is an array; a path segment holds one value`);
  }
  const style = typeof p.style === "string" ? p.style : where === "query" || where === "cookie" ? "form" : "simple";
  const explode = typeof p.explode === "boolean" ? p.explode : style === "form";
  let separator: string | undefined;
  switch (`${where}:${style}`) {
    case "path:simple":
    case "header:simple":
      break;
    case "query:form":
    case "cookie:form":
      if (isArray && !explode) separator = ",";
      break;
    case "query:spaceDelimited":
      separator = " ";
      break;
    case "query:pipeDelimited":
      separator = "|";
      break;
    default:
      return void c.problem(pointerJoin(ptr, "style"), `style ${JSON.stringify(style)} of a ${where} parameter is not supported`);
  }
  if (isArray && where === "cookie") separator = ",";
  if (p.allowReserved === true) c.note(pointerJoin(ptr, "allowReserved"), "allowReserved is not needed: query values are decoded as sent");
  const examples: unknown[] = [];
  if ("example" in p) examples.push(p.example);
  for (const ex of Object.values((p.examples ?? {}) as Json)) {
    const e = c.deref(ex, ptr);
    if (e && "value" in e.value) examples.push(e.value.value);
  }
  return {
    name,
    in: where,
    required: where === "path" || p.required === true,
    schema: p.schema ?? {},
    ...(typeof p.description === "string" ? { description: p.description } : {}),
    ...(separator !== undefined ? { separator } : {}),
    examples,
    pointer: ptr,
  };
}

/** A schema with its top-level `$ref`s and single-member `allOf` followed, for shape checks. */
function flatten(s: Json, c: Ctx): Json {
  let cur = s;
  for (let i = 0; i < 16; i++) {
    if (typeof cur.$ref === "string") {
      const d = c.deref(cur, "#");
      if (!d) return cur;
      cur = d.value;
    } else if (Array.isArray(cur.allOf) && cur.allOf.length === 1) cur = cur.allOf[0] as Json;
    else break;
  }
  return cur;
}

function isObjectSchema(s: Json): boolean {
  return s.type === "object" || (Array.isArray(s.type) && s.type.includes("object")) || (s.type === undefined && (s.properties !== undefined || s.additionalProperties !== undefined));
}

function mediaExamples(media: Json, ptr: string, c: Ctx): unknown[] {
  const out: unknown[] = [];
  if ("example" in media) out.push(media.example);
  for (const [k, ex] of Object.entries((media.examples ?? {}) as Json)) {
    const e = c.deref(ex, pointerJoin(ptr, "examples", k));
    if (e && "value" in e.value) out.push(e.value.value);
  }
  return out;
}

function readBody(raw: unknown, ptr: string, c: Ctx): ApiBody | undefined {
  const body = c.deref(raw, ptr);
  if (body === undefined) return undefined;
  const content = (body.value.content ?? {}) as Json;
  const types = Object.keys(content);
  if (types.length === 0) return void c.problem(pointerJoin(body.pointer, "content"), "a request body needs at least one media type");
  const pick =
    types.find((t) => /^application\/(.+\+)?json\b/i.test(t)) ??
    types.find((t) => /^multipart\/form-data/i.test(t)) ??
    types.find((t) => /^application\/x-www-form-urlencoded/i.test(t)) ??
    types.find((t) => /^text\//i.test(t)) ??
    types[0]!;
  const mediaPtr = pointerJoin(body.pointer, "content", pick);
  const media = (content[pick] ?? {}) as Json;
  const kind: BodyKind = /json/i.test(pick) ? "json" : /^multipart\//i.test(pick) ? "multipart" : /urlencoded/i.test(pick) ? "form" : /^text\//i.test(pick) ? "text" : "bytes";
  if (kind === "bytes" && !BINARY_MEDIA.test(pick)) c.note(mediaPtr, `${pick} bodies are read as raw bytes (Body<Uint8Array>)`);
  for (const other of types) if (other !== pick) c.note(pointerJoin(body.pointer, "content", other), `only ${pick} is typed; the handler reads that one`);
  if (kind === "multipart" || kind === "form") {
    const shape = c.deref(media.schema ?? {}, pointerJoin(mediaPtr, "schema"));
    if (shape && !isObjectSchema(flatten(shape.value, c))) return void c.problem(pointerJoin(mediaPtr, "schema"), `a ${pick} body must be an object of fields`);
  }
  const fileTypes: Record<string, string[]> = {};
  for (const [field, enc] of Object.entries((media.encoding ?? {}) as Json)) {
    const ct = (enc as Json | undefined)?.contentType;
    if (typeof ct !== "string") continue;
    const list = ct.split(",").map((t) => t.trim()).filter(Boolean);
    if (list.some((t) => /json/i.test(t))) c.note(pointerJoin(mediaPtr, "encoding", field), `field ${JSON.stringify(field)} sent as a JSON part is not decoded; multipart objects are read from bracketed fields (${field}[key])`);
    else fileTypes[field] = list;
  }
  if (media.schema === undefined && kind === "json") c.note(mediaPtr, "a JSON body without a schema is typed as any JSON value");
  return { required: body.value.required === true, mediaType: pick, kind, schema: media.schema, fileTypes, examples: mediaExamples(media, mediaPtr, c), pointer: mediaPtr };
}

function readSuccess(raw: unknown, ptr: string, c: Ctx): ApiResponse {
  const responses = (raw ?? {}) as Json;
  if (raw === undefined || typeof raw !== "object") c.problem(ptr, "an operation needs responses");
  const codes = Object.keys(responses);
  for (const code of codes) if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) c.note(pointerJoin(ptr, code), `${JSON.stringify(code)} is not a status code; it is left out`);
  const success = codes.filter((k) => /^2\d\d$/.test(k)).sort();
  const chosen = success[0] ?? (codes.includes("2XX") ? "2XX" : undefined);
  for (const other of success.slice(1)) c.note(pointerJoin(ptr, other), `only the ${chosen} response is typed; answer ${other} with new Response({ statusCode: ${other}, ... })`);
  if (chosen === undefined) {
    c.note(ptr, "no 2xx response: the handler answers 200 with no body");
    return { status: 200, kind: "empty", examples: [], pointer: ptr };
  }
  const status = chosen === "2XX" ? 200 : Number(chosen);
  const r = c.deref(responses[chosen], pointerJoin(ptr, chosen));
  if (r === undefined) return { status, kind: "empty", examples: [], pointer: ptr };
  const content = (r.value.content ?? {}) as Json;
  const types = Object.keys(content);
  if (types.length === 0) return { status, kind: "empty", examples: [], pointer: r.pointer };
  const pick =
    types.find((t) => /^application\/(.+\+)?json\b/i.test(t)) ??
    types.find((t) => /^text\/event-stream/i.test(t)) ??
    types.find((t) => /^text\//i.test(t)) ??
    types[0]!;
  const mediaPtr = pointerJoin(r.pointer, "content", pick);
  for (const other of types) if (other !== pick) c.note(pointerJoin(r.pointer, "content", other), `only ${pick} is typed for this response`);
  const media = (content[pick] ?? {}) as Json;
  const kind: ResponseKind = /json/i.test(pick) ? "json" : /^text\/event-stream/i.test(pick) ? "stream" : /^text\//i.test(pick) ? "text" : "bytes";
  if (kind === "stream") c.note(mediaPtr, "server-sent events are generated as a StreamingResponse; typed SSE routes come with app.sse");
  return { status, kind, mediaType: pick, ...(media.schema !== undefined ? { schema: media.schema } : {}), examples: mediaExamples(media, mediaPtr, c), pointer: mediaPtr };
}

/** Every `$ref` in the document must point at something local. */
function checkSchemaRefs(node: unknown, ptr: string, problem: Ctx["problem"], doc: unknown = node, depth = 0): void {
  if (depth > 256 || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach((x, i) => checkSchemaRefs(x, pointerJoin(ptr, i), problem, doc, depth + 1));
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "$ref" && typeof v === "string") {
      if (!v.startsWith("#")) problem(ptr, `external reference ${JSON.stringify(v)} is not supported; bundle the spec into one file first`);
      else if (resolvePointer(doc, v) === undefined) problem(ptr, `reference ${JSON.stringify(v)} points at nothing`);
    } else if (k !== "example" && k !== "examples" && k !== "const" && k !== "default" && k !== "enum") checkSchemaRefs(v, pointerJoin(ptr, k), problem, doc, depth + 1);
  }
}
