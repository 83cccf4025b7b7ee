import { isDeepStrictEqual } from "node:util";
import { toJsonSchema2020 } from "../../src/codegen/openapi/dialect";
import { resolvePointer, pointerJoin } from "../../src/codegen/json-pointer";

type Json = Record<string, unknown>;

/**
 * Compares a spec with the document an app generated from it serves:
 * paths, methods, parameters, request bodies and response schemas, after
 * normalising what is legitimately the same (see `canonical`). Differences
 * the app cannot avoid are `known`, each with the reason; the rest must be
 * none.
 */
export interface Difference {
  pointer: string;
  what: string;
  /** Set when the difference is a documented limit of the app (why). */
  known?: string;
}

export interface Comparison {
  differences: Difference[];
  /** What the served document has beyond the spec (responses and media types the framework adds). */
  additions: string[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];
export const KNOWN = {
  errorResponse: "handlers declare one success type; error responses (thrown HttpError) are not documented per route",
  secondSuccess: "a route documents one success response",
  mediaType: "a route reads one request media type and writes one response media type",
  notStatus: "not a status code in the spec (left out by the generator)",
  booleanDefault: "typia's JSON Schema writer drops tags on booleans, so a boolean's default is not documented",
  stringAsText: "the runtime answers a returned string as text/plain and reads a string body as text",
  frameworkResponse: "the framework documents its own 400/422 answers in place of the spec's",
  uploadRef: "document generator: an UploadFile<accepted types> component is named with the types' slashes, which its $ref does not escape",
} as const;

/** Where two canonical schemas differ, leaf by leaf, each classified when it is a known limit. */
function schemaDifferences(a: unknown, b: unknown, ptr: string): Difference[] {
  if (isDeepStrictEqual(a, b)) return [];
  const oa = a !== null && typeof a === "object" && !Array.isArray(a) ? (a as Json) : undefined;
  const ob = b !== null && typeof b === "object" && !Array.isArray(b) ? (b as Json) : undefined;
  if (ob && typeof ob.$unresolved === "string" && /UploadFile/.test(ob.$unresolved) && oa?.format === "binary") return [{ pointer: ptr, what: `served as an unresolvable $ref ${ob.$unresolved}`, known: KNOWN.uploadRef }];
  if (oa && ob && Array.isArray(oa.anyOf) && Array.isArray(ob.anyOf) && oa.anyOf.length === ob.anyOf.length && Object.keys(oa).length === 1 && Object.keys(ob).length === 1) {
    return (oa.anyOf as unknown[]).flatMap((x, i) => schemaDifferences(x, (ob.anyOf as unknown[])[i], pointerJoin(ptr, "anyOf", i)));
  }
  if (oa && ob && !Array.isArray(oa.anyOf) && !Array.isArray(ob.anyOf)) {
    const out: Difference[] = [];
    for (const k of sortedKeys({ ...oa, ...ob })) {
      if (isDeepStrictEqual(oa[k], ob[k])) continue;
      const sub = pointerJoin(ptr, k);
      if (k === "properties" && oa[k] && ob[k]) {
        const pa = oa[k] as Json;
        const pb = ob[k] as Json;
        for (const n of sortedKeys({ ...pa, ...pb })) out.push(...schemaDifferences(pa[n], pb[n], pointerJoin(sub, n)));
      } else if (k === "items") out.push(...schemaDifferences(oa[k], ob[k], sub));
      else if (k === "default" && oa.type === "boolean" && ob[k] === undefined) out.push({ pointer: sub, what: `default ${JSON.stringify(oa[k])} not served`, known: KNOWN.booleanDefault });
      else out.push({ pointer: sub, what: `${JSON.stringify(oa[k])} served as ${JSON.stringify(ob[k])}` });
    }
    return out;
  }
  return [{ pointer: ptr, what: `${JSON.stringify(a)} served as ${JSON.stringify(b)}` }];
}

export function compareDocuments(input: Json, served: Json): Comparison {
  const differences: Difference[] = [];
  const additions: string[] = [];
  const canonIn = (s: unknown): unknown => canonical(s, input, true);
  const canonOut = (s: unknown): unknown => canonical(s, served, false);
  const inPaths = (input.paths ?? {}) as Json;
  const outPaths = (served.paths ?? {}) as Json;
  for (const route of sortedKeys({ ...inPaths, ...outPaths })) {
    const ptr = pointerJoin("#/paths", route);
    const a = deref(inPaths[route], input) as Json | undefined;
    const b = outPaths[route] as Json | undefined;
    if (a === undefined) {
      differences.push({ pointer: ptr, what: "served but not in the spec" });
      continue;
    }
    if (b === undefined) {
      differences.push({ pointer: ptr, what: "in the spec but not served" });
      continue;
    }
    for (const method of METHODS) {
      const opA = a[method] as Json | undefined;
      const opB = b[method] as Json | undefined;
      const opPtr = pointerJoin(ptr, method);
      if (opA === undefined && opB === undefined) continue;
      if (opA === undefined || opB === undefined) {
        differences.push({ pointer: opPtr, what: opA === undefined ? "served but not in the spec" : "in the spec but not served" });
        continue;
      }
      compareParameters([...((a.parameters ?? []) as unknown[]), ...((opA.parameters ?? []) as unknown[])], (opB.parameters ?? []) as unknown[], input, opPtr, canonIn, canonOut, differences);
      compareBody(opA.requestBody, opB.requestBody, input, opPtr, canonIn, canonOut, differences, additions);
      compareResponses((opA.responses ?? {}) as Json, (opB.responses ?? {}) as Json, input, opPtr, canonIn, canonOut, differences, additions);
    }
  }
  return { differences, additions };
}

function compareParameters(inList: unknown[], outList: unknown[], doc: Json, ptr: string, canonIn: (s: unknown) => unknown, canonOut: (s: unknown) => unknown, diffs: Difference[]): void {
  const key = (p: Json): string => `${String(p.in)}:${p.in === "header" ? String(p.name).toLowerCase() : String(p.name)}`;
  const ignoredHeader = (p: Json): boolean => p.in === "header" && ["accept", "content-type", "authorization"].includes(String(p.name).toLowerCase());
  const a = new Map<string, Json>();
  for (const raw of inList) {
    const p = deref(raw, doc) as Json;
    if (!ignoredHeader(p)) a.set(key(p), p);
  }
  const b = new Map((outList as Json[]).map((p) => [key(p), p]));
  for (const k of sortedKeys(Object.fromEntries([...a, ...b]))) {
    const pa = a.get(k);
    const pb = b.get(k);
    const at = pointerJoin(ptr, "parameters", k);
    if (!pa || !pb) {
      diffs.push({ pointer: at, what: pa ? "parameter not served" : "parameter not in the spec" });
      continue;
    }
    if ((pa.in === "path" || pa.required === true) !== (pb.required === true)) diffs.push({ pointer: at, what: `required ${String(pa.required)} served as ${String(pb.required)}` });
    const sa = canonIn(pa.schema ?? {});
    const sb = canonOut(pb.schema ?? {});
    diffs.push(...schemaDifferences(sa, sb, `${at}/schema`));
    const styleA = style(pa, sa);
    const styleB = style(pb, sb);
    if (styleA !== styleB) diffs.push({ pointer: at, what: `style ${styleA} served as ${styleB}` });
  }
}

/** A parameter's serialization, with OpenAPI's defaults made explicit; scalars have none that matters. */
function style(p: Json, schema: unknown): string {
  const array = JSON.stringify(schema).includes('"type":"array"');
  if (!array) return "scalar";
  const s = typeof p.style === "string" ? p.style : p.in === "query" || p.in === "cookie" ? "form" : "simple";
  const explode = typeof p.explode === "boolean" ? p.explode : s === "form";
  return `${s}${explode ? "*" : ""}`;
}

function compareBody(rawA: unknown, rawB: unknown, doc: Json, ptr: string, canonIn: (s: unknown) => unknown, canonOut: (s: unknown) => unknown, diffs: Difference[], additions: string[]): void {
  const at = `${ptr}/requestBody`;
  if (rawA === undefined && rawB === undefined) return;
  if (rawA === undefined || rawB === undefined) {
    diffs.push({ pointer: at, what: rawA === undefined ? "served but not in the spec" : "in the spec but not served" });
    return;
  }
  const a = deref(rawA, doc) as Json;
  const b = rawB as Json;
  if ((a.required === true) !== (b.required === true)) diffs.push({ pointer: at, what: `required ${String(a.required === true)} served as ${String(b.required === true)}` });
  compareContent((a.content ?? {}) as Json, (b.content ?? {}) as Json, at, canonIn, canonOut, diffs, additions, true);
}

function compareResponses(a: Json, b: Json, doc: Json, ptr: string, canonIn: (s: unknown) => unknown, canonOut: (s: unknown) => unknown, diffs: Difference[], additions: string[]): void {
  const codes = Object.keys(a);
  const firstSuccess = codes.filter((c) => /^2\d\d$/.test(c)).sort()[0];
  for (const code of sortedKeys({ ...a, ...b })) {
    const at = pointerJoin(ptr, "responses", code);
    const ra = a[code] === undefined ? undefined : (deref(a[code], doc) as Json);
    const rb = b[code] as Json | undefined;
    if (ra === undefined) {
      additions.push(`${at} (${String(rb?.description)})`);
      continue;
    }
    if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) {
      diffs.push({ pointer: at, what: "not served", known: KNOWN.notStatus });
      continue;
    }
    const hasContent = Object.keys((ra.content ?? {}) as Json).length > 0;
    if (rb === undefined) {
      // A response without a body needs no schema; the status alone is not part of the comparison.
      if (!hasContent) continue;
      const known = /^2/.test(code) && code !== firstSuccess ? KNOWN.secondSuccess : /^2/.test(code) ? undefined : KNOWN.errorResponse;
      diffs.push({ pointer: at, what: "response with a body not served", ...(known ? { known } : {}) });
      continue;
    }
    const before = diffs.length;
    compareContent((ra.content ?? {}) as Json, (rb.content ?? {}) as Json, at, canonIn, canonOut, diffs, additions, false);
    if (!/^2/.test(code) && (rb.description === "Malformed request body" || rb.description === "Validation error")) for (const d of diffs.slice(before)) d.known = KNOWN.frameworkResponse;
  }
}

function compareContent(a: Json, b: Json, ptr: string, canonIn: (s: unknown) => unknown, canonOut: (s: unknown) => unknown, diffs: Difference[], additions: string[], request: boolean): void {
  for (const type of sortedKeys({ ...a, ...b })) {
    const at = pointerJoin(ptr, "content", type);
    const ma = a[type] as Json | undefined;
    const mb = b[type] as Json | undefined;
    if (ma === undefined) {
      additions.push(at);
      continue;
    }
    if (mb === undefined) {
      const text = b["text/plain"] as Json | undefined;
      const asText = /json/.test(type) && text !== undefined && isStringy(canonIn(ma.schema ?? {}));
      diffs.push({ pointer: at, what: `${request ? "request" : "response"} media type not served${asText ? " (served as text/plain)" : ""}`, ...(asText ? { known: KNOWN.stringAsText } : Object.keys(b).length > 0 ? { known: KNOWN.mediaType } : {}) });
      continue;
    }
    diffs.push(...schemaDifferences(canonIn(ma.schema ?? {}), canonOut(mb.schema ?? {}), `${at}/schema`));
  }
}

function deref(v: unknown, doc: Json): unknown {
  let cur = v;
  for (let i = 0; i < 32 && cur !== null && typeof cur === "object" && typeof (cur as Json).$ref === "string"; i++) cur = resolvePointer(doc, (cur as Json).$ref as string);
  return cur;
}

function sortedKeys(o: Json): string[] {
  return Object.keys(o).sort();
}

/** Keywords that only document; they do not change which values a schema admits. */
const DOCUMENTATION = new Set(["description", "title", "example", "examples", "$comment", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly", "discriminator", "$id", "$schema"]);

/**
 * A schema in one canonical form, so two documents describing the same
 * values compare equal:
 * - `$ref`s are inlined (component names differ: the app names types as
 *   TypeScript does); a reference back into itself becomes `{$cycle: n}`;
 * - OpenAPI 3.0's `nullable` and boolean exclusive bounds read as 3.1;
 * - documentation keywords and `discriminator` (a hint: the members' const
 *   properties already discriminate) are dropped;
 * - `enum` is a union of consts, `type` arrays a union of single types, and
 *   unions (oneOf/anyOf: the generated members are distinct types) are
 *   flattened, deduplicated and sorted;
 * - `allOf` of objects is merged into one object (typia writes intersections so);
 * - `required` is sorted; `additionalProperties: true`, empty `required`
 *   and the empty `properties` beside `additionalProperties` are defaults.
 */
export function canonical(schema: unknown, doc: Json, is30: boolean, stack: string[] = []): unknown {
  if (schema === true || schema === undefined) return {};
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  let s = schema as Json;
  if (typeof s.$ref === "string") {
    const ref = s.$ref;
    const at = stack.indexOf(ref);
    if (at !== -1) return { $cycle: stack.length - at };
    const { $ref: _r, ...siblings } = s;
    const resolved = resolvePointer(doc, ref);
    if (resolved === undefined) return { $unresolved: ref };
    const target = canonical(resolved, doc, is30, [...stack, ref]);
    const rest = Object.keys(siblings).filter((k) => !DOCUMENTATION.has(k));
    return rest.length === 0 ? target : canonical({ allOf: [target, siblings] }, doc, is30, stack);
  }
  if (is30) s = toJsonSchema2020(s) as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (DOCUMENTATION.has(k) || k.startsWith("x-")) continue;
    if (k === "properties" || k === "patternProperties") out[k] = Object.fromEntries(Object.entries(v as Json).sort(([x], [y]) => (x < y ? -1 : 1)).map(([n, x]) => [n, canonical(x, doc, is30, stack)]));
    else if (k === "items" || k === "additionalProperties" || k === "not" || k === "contains") out[k] = canonical(v, doc, is30, stack);
    else if (k === "allOf" || k === "oneOf" || k === "anyOf" || k === "prefixItems") out[k] = (v as unknown[]).map((x) => canonical(x, doc, is30, stack));
    else out[k] = v;
  }
  return simplify(out);
}

function simplify(s: Json): Json {
  let out = { ...s };
  if (Array.isArray(out.allOf)) out = mergeAll(out);
  if (out.additionalProperties === true || (out.additionalProperties !== null && typeof out.additionalProperties === "object" && Object.keys(out.additionalProperties as Json).length === 0)) delete out.additionalProperties;
  if (Array.isArray(out.required)) {
    if (out.required.length === 0) delete out.required;
    else out.required = [...new Set(out.required as string[])].sort();
  }
  if (out.properties !== undefined && Object.keys(out.properties as Json).length === 0 && out.type === "object") delete out.properties;
  const members: Json[] = [];
  if (Array.isArray(out.enum)) {
    members.push(...(out.enum as unknown[]).map((v) => ({ const: v })));
    delete out.enum;
    if (typeof out.type === "string" || Array.isArray(out.type)) delete out.type;
  }
  if (Array.isArray(out.type)) {
    const rest = { ...out };
    delete rest.type;
    for (const t of out.type as string[]) members.push(t === "null" ? { type: "null" } : simplify({ ...applicable(rest, t), type: t }));
    for (const k of Object.keys(out)) delete out[k];
  }
  for (const k of ["oneOf", "anyOf"] as const) {
    if (Array.isArray(out[k])) {
      members.push(...(out[k] as Json[]));
      delete out[k];
    }
  }
  if ("const" in out) {
    delete out.type;
  }
  if (members.length > 0) {
    const base = Object.keys(out).length > 0 ? out : undefined;
    const flat = members.flatMap((m) => (Array.isArray(m.anyOf) && Object.keys(m).length === 1 ? (m.anyOf as Json[]) : [m])).map((m) => (base && !("const" in m) && m.type !== "null" ? simplify({ ...base, ...m }) : m));
    const unique = [...new Map(flat.map((m) => [stable(m), m])).values()].sort((x, y) => (stable(x) < stable(y) ? -1 : 1));
    return unique.length === 1 ? unique[0]! : { anyOf: unique };
  }
  return out;
}

/** Keywords of a multi-type schema that apply to one of its types. */
function applicable(s: Json, type: string): Json {
  const groups: Record<string, string[]> = {
    string: ["minLength", "maxLength", "pattern", "format", "default"],
    number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format", "default"],
    integer: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format", "default"],
    array: ["items", "minItems", "maxItems", "uniqueItems", "prefixItems", "default"],
    object: ["properties", "required", "additionalProperties", "minProperties", "maxProperties", "patternProperties", "default"],
    boolean: ["default"],
  };
  const keep = new Set(groups[type] ?? []);
  return Object.fromEntries(Object.entries(s).filter(([k]) => keep.has(k) || !Object.values(groups).flat().includes(k)));
}

function mergeAll(s: Json): Json {
  const { allOf, ...base } = s;
  let out: Json = base;
  for (const m of allOf as Json[]) out = mergeTwo(out, m);
  return out;
}

function mergeTwo(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === "properties") {
      const props = { ...((out.properties ?? {}) as Json) };
      for (const [n, x] of Object.entries(v as Json)) props[n] = n in props ? mergeTwo(props[n] as Json, x as Json) : x;
      out.properties = Object.fromEntries(Object.entries(props).sort(([x], [y]) => (x < y ? -1 : 1)));
    } else if (k === "required") out.required = [...new Set([...((out.required ?? []) as string[]), ...(v as string[])])].sort();
    else out[k] = v;
  }
  return out;
}

/** JSON with object keys sorted, so equal schemas give equal text. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v !== null && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Json)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

function isStringy(s: unknown): boolean {
  if (s === null || typeof s !== "object") return false;
  const o = s as Json;
  if (o.type === "string") return true;
  if ("const" in o) return typeof o.const === "string";
  return Array.isArray(o.anyOf) && o.anyOf.every(isStringy);
}
