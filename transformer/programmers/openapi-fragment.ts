import { JsonSchemasProgrammer, MetadataCollection, MetadataFactory, type MetadataSchema } from "@typia/core";
import ts from "typescript";
import type { BodyKind, OperationFragment } from "../../src/runtime/meta";
import { parsePathPattern, type Segment } from "../../src/routing/path-pattern";
import { reasonPhrase } from "../../src/errors";
import { bodyKinds } from "../analyses/body-shape";
import { documentedResponses, type DocumentedBody, type DocumentedResponse } from "../analyses/documented-responses";
import { normalizeSchemas } from "./openapi-schemas";
import { collectEnumOrders } from "../analyses/enums";
import { rejectionResponse } from "../../src/openapi/rejections";
import type { HandlerPlan, ParamPlan } from "../analyses/handler";
import type { ResponsePlan } from "../analyses/response";

type Json = Record<string, unknown>;

/**
 * The route's OpenAPI 3.1 operation, computed at build time with typia's JSON
 * Schema generator: parameters, request body per content type, responses and
 * the component schemas they reference. The runtime only merges fragments.
 */
export function writeOperationFragment(checker: ts.TypeChecker, plan: HandlerPlan, response: ResponsePlan, path: string | undefined, defaultStatus = 200): OperationFragment | undefined {
  if (path === undefined) return undefined;
  let segments: Segment[];
  try {
    segments = parsePathPattern(path);
  } catch {
    return undefined;
  }
  // Only what travels on the wire: dependencies, the Request, BackgroundTasks and AbortSignals are the server's own.
  const params = plan.params.filter((p) => p.source === "query" || p.source === "path" || p.source === "header" || p.source === "cookie");
  const body = plan.params.find((p) => p.source === "body");
  const documented = documentedResponses(checker, plan.returnType, response, plan.declaration);
  const responseTypes = [...new Set(documented.flatMap((d) => (d.body.kind === "json" ? [d.body.type] : [])))];
  const types: ts.Type[] = [...params.map((p) => p.type), ...(body ? [body.type] : []), ...responseTypes];
  const collection = schemasOf(checker, types);
  if (collection === undefined) return undefined;
  const { schemas, components } = collection;
  let i = 0;
  const parameters: Json[] = params.map((p) => parameterObject(p, schemas[i++]!, segments));
  for (const seg of segments) {
    if (seg.kind === "static" || params.some((p) => p.source === "path" && p.key === seg.name)) continue;
    parameters.push({ name: seg.name, in: "path", required: true, schema: segmentSchema(seg) ?? { type: "string" } });
  }
  const operation: Json = {};
  if (plan.doc.summary) operation.summary = plan.doc.summary;
  if (plan.doc.description) operation.description = plan.doc.description;
  if (plan.doc.operationId) operation.operationId = plan.doc.operationId;
  if (plan.doc.tags.length) operation.tags = plan.doc.tags;
  if (plan.doc.deprecated) operation.deprecated = true;
  if (parameters.length) operation.parameters = parameters;
  const kinds = body ? bodyKinds(checker, body.type) : [];
  // Bytes are taken as they come: no media type is refused and nothing is validated.
  const typedBody = kinds.some((k) => k !== "bytes");
  if (body) operation.requestBody = requestBody(body, kinds, schemas[i++]!);
  const schemaByType = new Map(responseTypes.map((t) => [t, schemas[i++]!]));
  operation.responses = {
    ...successAndDeclared(documented, schemaByType, defaultStatus),
    ...routeRejections(parameters.length > 0 || typedBody, body !== undefined, typedBody),
  };
  const declared = [...params, ...(body ? [body] : [])].map((p) => collectEnumOrders(checker, p.type, p.typeNode, true));
  for (const t of responseTypes) declared.push(collectEnumOrders(checker, t, undefined, true));
  return sortResponses(normalizeSchemas({ operation, components }, Object.assign({}, ...declared.filter((d) => d !== undefined)) as Record<string, unknown[]>));
}

/**
 * JSON Schemas for the types, sharing named components. A type JSON Schema
 * cannot describe (a function, a symbol) documents as `{}`: the route itself
 * still compiles, as its validators come from typia's checkers, not from here.
 */
export function schemasOf(checker: ts.TypeChecker, types: ts.Type[]): Schemas | undefined {
  const parts = types.map((t) => schemaOf(checker, t));
  const components: Record<string, Json> = {};
  for (const part of parts) {
    if (part === undefined) return jointSchemas(checker, types);
    for (const [name, schema] of Object.entries(part.components)) {
      const seen = components[name];
      // Two different types under one name: only a joint analysis can tell them apart.
      if (seen !== undefined && seen !== schema && JSON.stringify(seen) !== JSON.stringify(schema)) return jointSchemas(checker, types);
      components[name] = schema;
    }
  }
  return { schemas: parts.map((p) => p!.schemas[0]!), components };
}

export interface Schemas {
  schemas: Json[];
  components: Record<string, Json>;
}

// Parameter, body and response types recur across routes; the checker gives one ts.Type per
// distinct type, so each is described once per build.
const perType = new WeakMap<ts.Type, Schemas | undefined>();

function schemaOf(checker: ts.TypeChecker, type: ts.Type): Schemas | undefined {
  if (!perType.has(type)) perType.set(type, jointSchemas(checker, [type]));
  return perType.get(type);
}

function jointSchemas(checker: ts.TypeChecker, types: ts.Type[]): Schemas | undefined {
  const components = new MetadataCollection({ replace: MetadataCollection.replace });
  const metadatas: MetadataSchema[] = [];
  const describable: boolean[] = [];
  for (const type of types) {
    const r = MetadataFactory.analyze({ checker, transformer: undefined, options: { absorb: false, constant: true, escape: true, validate: JsonSchemasProgrammer.validate }, components, type });
    describable.push(r.success);
    if (r.success) metadatas.push(r.data);
  }
  let out: { schemas: Json[]; components: { schemas?: Record<string, Json> } };
  try {
    out = JsonSchemasProgrammer.writeSchemas({ version: "3.1", metadatas }) as unknown as typeof out;
  } catch {
    return undefined;
  }
  let k = 0;
  out = { ...out, schemas: describable.map((ok) => (ok ? out.schemas[k++]! : {})) };
  // UploadFile is a class on the server; on the wire it is a file part, described inline like any scalar.
  const named = { ...(out.components.schemas ?? {}) };
  for (const [name, schema] of Object.entries(named)) if (isUploadFile(schema)) named[name] = { type: "string", format: "binary" };
  out = inlineScalarAliases({ ...out, components: { ...out.components, schemas: named } });
  return { schemas: out.schemas, components: out.components.schemas ?? {} };
}

/**
 * typia names every alias (`Int`, `Query<Int>`) as a component; only object
 * shapes deserve a name in the document, so scalar ones are inlined.
 */
function inlineScalarAliases<T extends { schemas: Json[]; components: { schemas?: Record<string, Json> } }>(c: T): T {
  const all = c.components.schemas ?? {};
  const scalar = new Set(Object.keys(all).filter((name) => isScalarSchema(all[name]!)));
  if (scalar.size === 0) return c;
  const resolve = (v: unknown, depth = 0): unknown => {
    if (Array.isArray(v)) return v.map((x) => resolve(x, depth));
    if (v === null || typeof v !== "object") return v;
    const ref = (v as Json).$ref;
    if (typeof ref === "string" && depth < 32) {
      const name = ref.replace("#/components/schemas/", "");
      if (scalar.has(name)) {
        const { $ref: _r, ...siblings } = v as Json;
        return { ...(resolve(all[name], depth + 1) as Json), ...siblings };
      }
    }
    return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, resolve(x, depth)]));
  };
  const kept = Object.fromEntries(Object.entries(all).filter(([n]) => !scalar.has(n)).map(([n, s]) => [n, resolve(s) as Json]));
  return { ...c, schemas: c.schemas.map((s) => resolve(s) as Json), components: { ...c.components, schemas: kept } };
}

function isScalarSchema(s: Json): boolean {
  if (s.properties !== undefined || s.additionalProperties !== undefined || s.type === "object") return false;
  const members = (s.oneOf ?? s.anyOf) as Json[] | undefined;
  if (members) return members.every((m) => typeof m.$ref !== "string" && isScalarSchema(m));
  if (s.type === "array") return typeof (s.items as Json | undefined)?.$ref !== "string" && isScalarSchema((s.items as Json | undefined) ?? {});
  return true;
}

function isUploadFile(schema: Json): boolean {
  const props = schema.properties as Json | undefined;
  return props !== undefined && ["filename", "contentType", "size", "rolledToDisk", "headers"].every((k) => k in props);
}

function parameterObject(p: ParamPlan, schema: Json, segments: Segment[]): Json {
  let s = { ...schema };
  if (p.source === "path") {
    const seg = segments.find((x) => x.kind !== "static" && x.name === p.key);
    const narrowed = seg ? segmentSchema(seg) : undefined;
    // `{id:int}` only matches integers: a `Path<number>` there is documented as one.
    if (narrowed && (s.type === "string" || s.type === undefined || (s.type === "number" && narrowed.type === "integer")) && narrowed.type !== "string") s = { ...s, ...narrowed };
    else if (narrowed && narrowed.format && s.type === "string") s.format = narrowed.format;
  }
  if (p.defaultLiteral !== undefined) s.default = p.defaultLiteral;
  const out: Json = { name: p.key, in: p.source, required: p.source === "path" || !p.optional, schema: s };
  if (p.description) out.description = p.description;
  if (p.shape?.separator !== undefined) {
    out.style = p.shape.separator === "|" ? "pipeDelimited" : p.shape.separator === " " ? "spaceDelimited" : "form";
    out.explode = false;
  }
  return out;
}

function segmentSchema(seg: Segment): Json | undefined {
  if (seg.kind !== "param") return undefined;
  switch (seg.type) {
    case "int":
      return { type: "integer" };
    case "float":
      return { type: "number" };
    case "uuid":
      return { type: "string", format: "uuid" };
    default:
      return undefined;
  }
}

function requestBody(body: ParamPlan, kinds: readonly BodyKind[], schema: Json): Json {
  const content: Json = {};
  for (const kind of kinds) {
    switch (kind) {
      case "json":
        content["application/json"] = { schema };
        break;
      case "form":
        content["application/x-www-form-urlencoded"] = { schema };
        break;
      case "multipart":
        content["multipart/form-data"] = { schema };
        break;
      case "text":
        content["text/plain"] = { schema: { type: "string" } };
        break;
      case "bytes":
        content["application/octet-stream"] = { schema: { type: "string", format: "binary" } };
        break;
    }
  }
  return { required: !body.optional, content };
}

const PROBLEM: Json = { $ref: "#/components/schemas/ProblemDetails" };

/** A documented body as an OpenAPI media type map. */
function contentOf(body: DocumentedBody, schemaByType: ReadonlyMap<ts.Type, Json>): Record<string, Json> | undefined {
  switch (body.kind) {
    case "json":
      return { [body.mediaType ?? "application/json"]: { schema: schemaByType.get(body.type) ?? {} } };
    case "text":
      return { [body.mediaType ?? "text/plain"]: { schema: { type: "string" } } };
    case "bytes":
      return { [body.mediaType ?? "application/octet-stream"]: { schema: { type: "string", format: "binary" } } };
    case "stream":
      return { [body.mediaType]: { schema: isTextual(body.mediaType) ? { type: "string" } : { type: "string", format: "binary" } } };
    case "problem":
      return { "application/problem+json": { schema: PROBLEM } };
    case "none":
      return undefined;
  }
}

function isTextual(mediaType: string): boolean {
  return /^text\/|[/+]json\b|[/+]xml\b|^application\/x-ndjson/.test(mediaType);
}

/** The handler's own answers, merged per status: one media type with two schemas takes either. */
function successAndDeclared(documented: DocumentedResponse[], schemaByType: ReadonlyMap<ts.Type, Json>, defaultStatus: number): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const d of documented) {
    const status = d.status ?? defaultStatus;
    const entry = (out[String(status)] ??= { description: d.description ?? describeStatus(status) });
    if (d.description !== undefined && entry.description === describeStatus(status)) entry.description = d.description;
    const content = status === 204 || status === 304 ? undefined : contentOf(d.body, schemaByType);
    if (content === undefined) continue;
    // The body arrives in chunks: clients generated from the document read it as a stream.
    if (d.body.kind === "stream") entry["x-spikard-streaming"] = true;
    const merged = (entry.content ??= {}) as Record<string, Json>;
    for (const [type, media] of Object.entries(content)) {
      const seen = merged[type];
      if (seen === undefined) merged[type] = media;
      else if (JSON.stringify(seen.schema) !== JSON.stringify(media.schema)) {
        const either = (seen.schema as Json).anyOf as Json[] | undefined;
        merged[type] = { schema: { anyOf: [...(either ?? [seen.schema as Json]), media.schema as Json] } };
      }
    }
  }
  return out;
}

function describeStatus(status: number): string {
  return status >= 200 && status < 300 ? "Successful response" : reasonPhrase(status);
}

/** What the route itself answers before its handler runs: undecodable bodies, media types it does not take, invalid input. */
function routeRejections(validates: boolean, hasBody: boolean, typedBody: boolean): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (hasBody) out["400"] = rejectionResponse("Malformed request body", ["MALFORMED_BODY", "JSON_TOO_DEEP", "INVALID_CONTENT_TYPE", "MISSING_BOUNDARY", "FORM_PARSE", "MULTIPART_PARSE"]);
  if (typedBody) out["415"] = rejectionResponse("Unsupported media type", ["UNSUPPORTED_MEDIA_TYPE", "UNSUPPORTED_CHARSET"]);
  if (validates) out["422"] = rejectionResponse("Validation error", ["VALIDATION"]);
  return out;
}

function sortResponses(fragment: OperationFragment): OperationFragment {
  const responses = fragment.operation.responses as Record<string, Json>;
  fragment.operation.responses = Object.fromEntries(Object.keys(responses).sort().map((k) => [k, responses[k]!]));
  return fragment;
}
