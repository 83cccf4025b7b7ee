import ts from "typescript";
import type { ChannelFragment } from "../../src/asyncapi/document";
import type { HandlerPlan, ParamPlan } from "../analyses/handler";
import { schemasOf } from "./openapi-fragment";

type Json = Record<string, unknown>;

/** How a payload travels: JSON text, plain text, or binary frames. */
export type PayloadKind = "json" | "text" | "bytes";

export interface ChannelInput {
  protocol: "ws" | "http";
  /** The route's path as written (router prefixes come at run time); names fallback message names. */
  path: string;
  /** Handshake or request parameters. */
  params: ParamPlan[];
  receive?: { type: ts.Type; kind: PayloadKind };
  send?: { type: ts.Type | undefined; kind: PayloadKind };
  reply: boolean;
  doc: HandlerPlan["doc"];
}

const CONTENT_TYPES: Record<PayloadKind, string> = { json: "application/json", text: "text/plain", bytes: "application/octet-stream" };

/**
 * The route's part of the AsyncAPI 3.0 document, computed at build time from
 * the same types that drive validation (typia's JSON Schema generator, as the
 * OpenAPI fragments): path parameters, query/header bindings, and one message
 * per payload type (per member of a union of named types), their schemas as
 * components. The app assembles the channels and operations (src/asyncapi/document.ts).
 */
export function writeChannelFragment(checker: ts.TypeChecker, input: ChannelInput): ChannelFragment {
  const wire = input.params.filter((p) => p.source === "path" || p.source === "query" || p.source === "header" || p.source === "cookie");
  const payloads = [input.receive, input.send].filter((p): p is { type: ts.Type; kind: PayloadKind } => p !== undefined && p.type !== undefined && p.kind !== "bytes");
  const types = [...wire.map((p) => p.type), ...payloads.map((p) => p.type)];
  const described = schemasOf(checker, types);
  const schemaOf = (i: number): Json => described?.schemas[i] ?? {};
  const fragment: ChannelFragment = { parameters: {}, receive: [], send: [], reply: input.reply, messages: {}, schemas: described?.components ?? {} };
  if (input.doc.summary) fragment.summary = input.doc.summary;
  if (input.doc.description) fragment.description = input.doc.description;
  if (input.doc.tags.length) fragment.tags = input.doc.tags;
  const query: Json = {};
  const headers: Json = {};
  const required: Record<"query" | "headers", string[]> = { query: [], headers: [] };
  wire.forEach((p, i) => {
    const schema = schemaOf(i);
    if (p.source === "path") fragment.parameters[p.key] = parameterObject(p, schema);
    else if (p.source === "query") addProperty(query, required.query, p, schema);
    else if (p.source === "header") addProperty(headers, required.headers, p, schema);
  });
  const bindingSchemas: Json = {};
  if (Object.keys(query).length > 0) bindingSchemas.query = objectSchema(query, required.query);
  if (input.protocol === "ws") {
    if (Object.keys(headers).length > 0) bindingSchemas.headers = objectSchema(headers, required.headers);
    fragment.bindings = { ws: { method: "GET", ...bindingSchemas, bindingVersion: "0.1.0" } };
  } else {
    fragment.operationBindings = { http: { method: "GET", ...bindingSchemas, bindingVersion: "0.3.0" } };
  }
  const base = pascal(input.path);
  let k = wire.length;
  if (input.receive !== undefined) fragment.receive = addMessages(fragment, input.receive.kind === "bytes" ? BINARY : schemaOf(k++), input.receive.kind, `${base}Message`);
  if (input.send !== undefined) {
    const schema = input.send.type === undefined ? {} : input.send.kind === "bytes" ? BINARY : schemaOf(k++);
    fragment.send = addMessages(fragment, schema, input.send.kind, input.protocol === "http" ? `${base}Event` : `${base}${input.reply ? "Reply" : "Sent"}`);
  }
  return fragment;
}

const BINARY: Json = { type: "string", format: "binary" };
const REF = "#/components/schemas/";

/**
 * One message per member of a union of named types (each documented on its own), also when the union is
 * itself a named alias; one message for anything else.
 */
function addMessages(fragment: ChannelFragment, schema: Json, kind: PayloadKind, fallback: string): string[] {
  const named = typeof schema.$ref === "string" ? fragment.schemas[schema.$ref.slice(REF.length)] : undefined;
  const union = named !== undefined && (named.oneOf ?? named.anyOf) !== undefined ? named : schema;
  const members = (union.oneOf ?? union.anyOf) as Json[] | undefined;
  const parts = members !== undefined && members.every((m) => typeof m.$ref === "string") ? members : [schema];
  const names = parts.map((payload) => {
    const name = typeof payload.$ref === "string" ? messageName(payload.$ref.slice(REF.length)) : fallback;
    fragment.messages[name] = { name, contentType: CONTENT_TYPES[kind], payload };
    return name;
  });
  // Sorted: the checker orders a union's members by when it met them, which differs between builds.
  return names.sort();
}

/** typia names generic instances `Foo_lt_Bar_gt`-style; message names are the readable part. */
function messageName(component: string): string {
  return component.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/** AsyncAPI 3.0 Parameter Objects carry no schema: a literal union becomes `enum`, a default `default`. */
function parameterObject(p: ParamPlan, schema: Json): Json {
  const out: Json = {};
  if (p.description) out.description = p.description;
  const values = schema.enum ?? (Array.isArray(schema.oneOf) ? (schema.oneOf as Json[]).map((m) => m.const) : undefined);
  if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === "string")) out.enum = values;
  if (typeof p.defaultLiteral === "string") out.default = p.defaultLiteral;
  return out;
}

function addProperty(properties: Json, required: string[], p: ParamPlan, schema: Json): void {
  const s: Json = { ...schema };
  if (p.description) s.description = p.description;
  if (p.defaultLiteral !== undefined) s.default = p.defaultLiteral;
  properties[p.key] = s;
  if (!p.optional) required.push(p.key);
}

function objectSchema(properties: Json, required: string[]): Json {
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}

/** `/rooms/{room}` → `RoomsRoom`; `/` → `Root`. */
function pascal(path: string): string {
  const words = path.replace(/\{([A-Za-z_]\w*)(:[A-Za-z]+)?\}/g, "$1").split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.length === 0 ? "Root" : words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}
