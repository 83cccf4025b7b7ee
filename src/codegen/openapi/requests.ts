import { SAMPLE_FILE, sampleValue } from "../json-schema/sample";
import type { Json } from "./load";
import type { ApiBody, ApiModel, ApiOperation, ApiParameter } from "./model";
import type { SchemaCheck } from "./schema-check";

/** A request as the generated tests send it (the TestClient's options, plus the path). */
export interface SampleRequest {
  /** The route, `{name}` segments filled from `params`. */
  route: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  json?: unknown;
  form?: Record<string, string | string[]>;
  files?: Record<string, { filename: string; content: string; contentType: string }>;
  body?: string;
}

export interface InvalidRequest {
  request: SampleRequest;
  /** The `loc` the 422 must report. */
  loc: string[];
  /** What is wrong, for the test's name. */
  what: string;
}

/**
 * A valid request for an operation (the spec's examples where they satisfy
 * their schemas, else values generated from the schemas), or the reason none
 * could be built.
 */
export function validRequest(op: ApiOperation, model: ApiModel, check: SchemaCheck): SampleRequest | string {
  const req: SampleRequest = { route: op.path, params: {}, query: {}, headers: {}, cookies: {} };
  for (const p of op.parameters) {
    if (!p.required) continue;
    const v = paramValue(p, model, check);
    if (v === undefined) return `no valid value for ${p.in} parameter ${p.name}`;
    put(req, p, v);
  }
  if (op.body !== undefined && op.body.required) {
    const v = bodyValue(op.body, model, check);
    if (v === undefined) return "no valid request body";
    putBody(req, op.body, v);
  }
  return req;
}

/** A request the app must answer 422, with the `loc` of the error, or undefined when nothing can be invalid. */
export function invalidRequest(op: ApiOperation, valid: SampleRequest, model: ApiModel): InvalidRequest | undefined {
  const clone = (): SampleRequest => structuredClone(valid);
  for (const p of op.parameters) {
    if (!p.required || p.in === "path") continue;
    const r = clone();
    remove(r, p);
    return { request: r, loc: [locOf(p), wireKey(p)], what: `without the required ${p.in} parameter ${p.name}` };
  }
  for (const p of [...op.parameters.filter((x) => x.in === "path"), ...op.parameters.filter((x) => x.in !== "path")]) {
    const bad = invalidScalar(deref(p.schema, model));
    if (bad === undefined) continue;
    const r = clone();
    put(r, p, bad);
    return { request: r, loc: [locOf(p), wireKey(p)], what: `with an invalid ${p.in} parameter ${p.name}` };
  }
  const body = op.body;
  if (body === undefined || (body.kind !== "json" && body.kind !== "form" && body.kind !== "multipart")) return undefined;
  const schema = deref(body.schema, model);
  const required = Array.isArray(schema?.required) ? (schema!.required as string[]) : [];
  const current = valid.json ?? valid.form ?? valid.files;
  if (body.required && required.length > 0 && current !== undefined) {
    const field = required[0]!;
    const r = clone();
    if (r.json !== undefined && typeof r.json === "object" && r.json !== null) delete (r.json as Json)[field];
    if (r.form) delete r.form[field];
    if (r.files) delete r.files[field];
    return { request: r, loc: ["body", field], what: `without the required body field ${field}` };
  }
  return undefined;
}

export function locOf(p: ApiParameter): string {
  return p.in === "header" ? "headers" : p.in;
}

export function wireKey(p: ApiParameter): string {
  return p.in === "header" ? p.name.toLowerCase() : p.name;
}

export function deref(schema: unknown, model: Pick<ApiModel, "resolve">): Json | undefined {
  let cur = schema;
  for (let i = 0; i < 16 && cur !== null && typeof cur === "object" && typeof (cur as Json).$ref === "string"; i++) cur = model.resolve((cur as Json).$ref as string);
  return cur !== null && typeof cur === "object" ? (cur as Json) : undefined;
}

/** A string the parameter's schema rejects, when its type or format says what it must look like. */
export function invalidScalar(s: Json | undefined): string | undefined {
  if (s === undefined) return undefined;
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== "null") : s.type;
  if (type === "integer" || type === "number") return "not-a-number";
  if (type === "boolean") return "not-a-boolean";
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === "string")) return "not-one-of-the-values";
  if (type === "string" && (s.format === "uuid" || s.format === "date-time" || s.format === "date" || s.format === "email")) return `not-a-${s.format}`;
  if (type === "string" && typeof s.minLength === "number" && s.minLength > 0) return "";
  if (type === "string" && typeof s.maxLength === "number") return "x".repeat(s.maxLength + 1);
  if (type === "array") {
    const items = s.items as Json | undefined;
    return items ? invalidScalar(items) : undefined;
  }
  return undefined;
}

export function paramValue(p: ApiParameter, model: Pick<ApiModel, "resolve">, check: SchemaCheck): unknown {
  for (const ex of p.examples) if (check.problem(ex, p.schema) === undefined) return ex;
  const s = deref(p.schema, model);
  for (const ex of [s?.example, ...(Array.isArray(s?.examples) ? (s!.examples as unknown[]) : [])]) if (ex !== undefined && check.problem(ex, p.schema) === undefined) return ex;
  const v = sampleValue(p.schema, (ref) => model.resolve(ref));
  return check.problem(v, p.schema) === undefined ? v : undefined;
}

function bodyValue(b: ApiBody, model: ApiModel, check: SchemaCheck): unknown {
  if (b.kind === "text") return "text";
  if (b.kind === "bytes") return "bytes";
  for (const ex of b.examples) if (check.problem(ex, b.schema) === undefined) return ex;
  const v = sampleValue(b.schema ?? {}, (ref) => model.resolve(ref));
  // Files are checked by the server, not by the schema validator.
  const checkable = b.kind === "multipart" && v !== null && typeof v === "object" ? withoutFiles(v as Json) : v;
  const schema = b.kind === "multipart" ? withoutBinary(b.schema, model) : b.schema;
  return check.problem(checkable, schema) === undefined ? v : undefined;
}

function withoutFiles(v: Json): Json {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === SAMPLE_FILE || (Array.isArray(x) && x.includes(SAMPLE_FILE)) ? "file" : x]));
}

function withoutBinary(schema: unknown, model: ApiModel): unknown {
  const s = deref(schema, model);
  if (s === undefined || s.properties === undefined) return schema;
  const props = Object.fromEntries(Object.entries(s.properties as Json).map(([k, v]) => [k, isBinary(deref(v, model)) ? {} : v]));
  return { ...s, properties: props };
}

function isBinary(s: Json | undefined): boolean {
  return s !== undefined && (s.format === "binary" || (s.type === "array" && isBinary(s.items as Json | undefined)));
}

function toWire(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function put(req: SampleRequest, p: ApiParameter, v: unknown): void {
  const list = Array.isArray(v) ? v.map(toWire) : undefined;
  switch (p.in) {
    case "path":
      req.params[p.name] = toWire(v);
      break;
    case "query":
      req.query[p.name] = list === undefined ? toWire(v) : p.separator !== undefined ? list.join(p.separator) : list;
      break;
    case "header":
      req.headers[p.name.toLowerCase()] = list === undefined ? toWire(v) : list.join(",");
      break;
    case "cookie":
      req.cookies[p.name] = list === undefined ? toWire(v) : list.join(",");
      break;
  }
}

export function remove(req: SampleRequest, p: ApiParameter): void {
  if (p.in === "query") delete req.query[p.name];
  if (p.in === "header") delete req.headers[p.name.toLowerCase()];
  if (p.in === "cookie") delete req.cookies[p.name];
}

function putBody(req: SampleRequest, b: ApiBody, v: unknown): void {
  switch (b.kind) {
    case "json":
      req.json = v;
      return;
    case "text":
    case "bytes":
      req.body = String(v);
      req.headers["content-type"] = b.mediaType;
      return;
    case "form":
    case "multipart": {
      const fields: Record<string, string | string[]> = {};
      const files: NonNullable<SampleRequest["files"]> = {};
      flatten(v as Json, "", fields, files, b);
      if (b.kind === "multipart") {
        req.files = files;
        req.form = fields;
      } else req.form = fields;
    }
  }
}

/** Nested objects as bracketed field names (`meta[name]`), files as file parts. */
function flatten(v: Json, prefix: string, fields: Record<string, string | string[]>, files: NonNullable<SampleRequest["files"]>, b: ApiBody): void {
  for (const [k, x] of Object.entries(v ?? {})) {
    const name = prefix === "" ? k : `${prefix}[${k}]`;
    if (x === SAMPLE_FILE) {
      files[name] = { filename: "sample.txt", content: "sample file", contentType: b.fileTypes[k]?.[0] ?? "text/plain" };
    } else if (Array.isArray(x)) fields[name] = x.map(toWire);
    else if (x !== null && typeof x === "object") flatten(x as Json, name, fields, files, b);
    else fields[name] = toWire(x);
  }
}

/** The request's path with its parameters filled in (URL-encoded). */
export function pathOf(r: SampleRequest): string {
  return r.route.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(r.params[name] ?? ""));
}
