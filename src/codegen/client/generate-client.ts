import { pointerJoin } from "../json-pointer";
import { toCamel, toTypeName, unique } from "../naming";
import { GENERATED_MARK } from "../output";
import { propertyKey } from "../json-schema/to-typescript";
import type { SpecProblem } from "../errors";
import type { Json } from "../openapi/load";
import { TypeRegistry } from "../openapi/type-registry";
import { channelArgs, joinDocuments, messagesType, payloadOf, readRealtimeRoutes } from "./realtime";
import { REALTIME_RUNTIME } from "./realtime-runtime";
import { CLIENT_RUNTIME } from "./runtime";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;
const GROUPS = { path: "path", query: "query", header: "headers", cookie: "cookies" } as const;

type ReadKind = "json" | "text" | "blob" | "stream" | "empty";
type SendKind = "json" | "form" | "multipart" | "text" | "bytes";

/**
 * `spikard client`: a typed fetch client from an app's OpenAPI document
 * (the one the transformer's fragments make). One method per route, named
 * by its operationId or its method and path; its argument groups path,
 * query, header (by wire name) and cookie values and the body; its result is
 * a union discriminated by `status` over the responses the route documents
 * (an undocumented status throws ClientError). Files are Blobs (sent as
 * multipart), streamed responses async iterables of bytes. The client
 * depends on nothing but `fetch`.
 *
 * With the app's AsyncAPI document, its realtime routes too: an SSE route
 * is a method returning an async iterable of typed events (its parameters
 * from the OpenAPI operation, its events' type from the AsyncAPI messages),
 * a WebSocket route one resolving to a socket typed both ways.
 */
export function generateClient(openapi: Json, source: string, asyncapi?: Json): { code: string; notes: SpecProblem[] } {
  const notes: SpecProblem[] = [];
  const joined = joinDocuments(openapi, asyncapi);
  const doc = joined.openapi;
  const types = new TypeRegistry(doc, { tags: false, document: false, comments: true, binary: "Blob" }, notes, ["ClientOptions", "ClientError", "CallOptions", "Client", "createClient", "Blob", "File", "Promise", "Record", "Array", "Date", "Uint8Array", "AsyncIterable", "Headers", "ServerSentEvent", "EventStream", "TypedSocket", "CloseInfo", "WebSocketLike", "WebSocket"]);
  const used = new Set<string>();
  const methods: string[] = [];
  const members: string[] = [];
  const realtime = joined.asyncapi === undefined ? [] : readRealtimeRoutes(joined.asyncapi, new Set());
  const sse = new Map(realtime.filter((r) => r.kind === "sse").map((r) => [r.address, r]));
  for (const [route, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op === undefined) continue;
      const ptr = pointerJoin("#/paths", route, method);
      const events = method === "get" ? sse.get(route) : undefined;
      if (events !== undefined) {
        // An SSE route: the OpenAPI operation's parameters, the AsyncAPI messages' types.
        sse.delete(route);
        const name = unique(toCamel(typeof op.operationId === "string" ? op.operationId : derivedName(method, route)), used);
        const { argsType, required, plan: requestPlan } = argsOf(op, ptr, types, toTypeName(name));
        const signature = argsType === undefined ? "options?: StreamOptions" : `args${required ? "" : "?"}: ${argsType}, options?: StreamOptions`;
        members.push(`  /** SSE ${route}${typeof op.summary === "string" ? ` — ${op.summary.replace(/\*\//g, "*\\/")}` : ""} */\n  ${name}(${signature}): EventStream<${messagesType(events.receive, types)}>;`);
        methods.push(`    ${name}: (${argsType === undefined ? "options" : "args, options"}) => stream(${JSON.stringify(route)}, ${argsType === undefined ? "{}" : "args ?? {}"}, ${JSON.stringify({ data: payloadOf(events.receive), ...(requestPlan.separators ? { separators: requestPlan.separators } : {}) })}, options) as never,`);
        continue;
      }
      const name = unique(toCamel(typeof op.operationId === "string" ? op.operationId : derivedName(method, route)), used);
      const { argsType, required, plan: requestPlan } = argsOf(op, ptr, types, toTypeName(name));
      const { resultType, plan: responsePlan } = resultOf(op, ptr, types);
      const doc = [`${method.toUpperCase()} ${route}`, ...(typeof op.summary === "string" ? [op.summary] : []), ...(op.deprecated === true ? ["@deprecated"] : [])];
      const signature = argsType === undefined ? `options?: CallOptions` : `args${required ? "" : "?"}: ${argsType}, options?: CallOptions`;
      const plan = JSON.stringify({ ...requestPlan, responses: responsePlan });
      members.push(`  /** ${doc.join(" — ").replace(/\*\//g, "*\\/")} */\n  ${name}(${signature}): Promise<${resultType}>;`);
      methods.push(`    ${name}: (${argsType === undefined ? "options" : "args, options"}) => call(${JSON.stringify(method.toUpperCase())}, ${JSON.stringify(route)}, ${argsType === undefined ? "{}" : "args ?? {}"}, ${plan}, options) as never,`);
    }
  }
  for (const r of realtime) {
    if (r.kind === "sse" && !sse.has(r.address)) continue;
    const name = unique(r.name, used);
    const { argsType, required } = channelArgs(r, types);
    const options = r.kind === "sse" ? "StreamOptions" : "SocketOptions";
    const signature = argsType === undefined ? `options?: ${options}` : `args${required ? "" : "?"}: ${argsType}, options?: ${options}`;
    const args = argsType === undefined ? "options" : "args, options";
    const given = argsType === undefined ? "{}" : "args ?? {}";
    if (r.kind === "sse") {
      members.push(`  /** SSE ${r.address} */\n  ${name}(${signature}): EventStream<${messagesType(r.receive, types)}>;`);
      methods.push(`    ${name}: (${args}) => stream(${JSON.stringify(r.address)}, ${given}, ${JSON.stringify({ data: payloadOf(r.receive) })}, options) as never,`);
    } else {
      members.push(`  /** WebSocket ${r.address}: sends what the route receives, receives what it sends */\n  ${name}(${signature}): Promise<TypedSocket<${messagesType(r.send, types)}, ${messagesType(r.receive, types)}>>;`);
      methods.push(`    ${name}: (${args}) => connect(${JSON.stringify(r.address)}, ${given}, ${JSON.stringify({ send: payloadOf(r.send), receive: payloadOf(r.receive) })}, options) as never,`);
    }
  }
  const live = realtime.length > 0;
  const code = `${GENERATED_MARK}client\` from ${source}; regenerate it instead of editing.
// A typed client for the app's routes; it needs nothing but fetch.

${types.render()}
/** The client's methods, one per route. */
export interface Client {
${members.join("\n\n")}
}

/** A client for the app at \`options.baseUrl\`. */
export function createClient(options: ClientOptions): Client {
  const call = caller(options);${realtime.some((r) => r.kind === "websocket") ? "\n  const connect = connector(options);" : ""}${realtime.some((r) => r.kind === "sse") ? "\n  const stream = streamer(options);" : ""}
  return {
${methods.join("\n")}
  };
}
${CLIENT_RUNTIME}${live ? REALTIME_RUNTIME : ""}`;
  return { code, notes };
}

interface RequestPlan {
  body?: SendKind;
  separators?: Record<string, string>;
}

function argsOf(op: Json, ptr: string, types: TypeRegistry, base: string): { argsType?: string; required: boolean; plan: RequestPlan } {
  const groups: Record<string, string[]> = {};
  const requiredGroups = new Set<string>();
  const separators: Record<string, string> = {};
  ((op.parameters ?? []) as Json[]).forEach((p, i) => {
    const group = GROUPS[p.in as keyof typeof GROUPS];
    if (group === undefined || typeof p.name !== "string") return;
    const required = p.in === "path" || p.required === true;
    const t = types.typeOf(p.schema ?? {}, pointerJoin(ptr, "parameters", i, "schema"));
    const comment = typeof p.description === "string" ? `/** ${p.description.replace(/\s*\n\s*/g, " ").replace(/\*\//g, "*\\/")} */ ` : "";
    (groups[group] ??= []).push(`${comment}${propertyKey(p.name)}${required ? "" : "?"}: ${t}`);
    if (required) requiredGroups.add(group);
    if (p.explode === false && (p.style === "form" || p.style === undefined)) separators[p.name] = ",";
    if (p.style === "pipeDelimited") separators[p.name] = "|";
    if (p.style === "spaceDelimited") separators[p.name] = " ";
  });
  const plan: RequestPlan = Object.keys(separators).length > 0 ? { separators } : {};
  const parts = Object.entries(groups).map(([g, props]) => `${g}${requiredGroups.has(g) ? "" : "?"}: { ${props.join("; ")} }`);
  const body = op.requestBody as Json | undefined;
  if (body !== undefined) {
    const content = (body.content ?? {}) as Record<string, Json>;
    const pick = choose(content);
    if (pick !== undefined) {
      const [mediaType, kind] = pick;
      const schema = content[mediaType]!.schema;
      const t = kind === "text" ? "string" : kind === "bytes" ? "Blob | Uint8Array" : types.nameInline(`${base}Body`, schema ?? {}, pointerJoin(ptr, "requestBody", "content", mediaType, "schema"));
      parts.push(`body${body.required === true ? "" : "?"}: ${t}`);
      if (body.required === true) requiredGroups.add("body");
      plan.body = kind;
    }
  }
  if (parts.length === 0) return { required: false, plan };
  return { argsType: `{ ${parts.join("; ")} }`, required: requiredGroups.size > 0, plan };
}

/** Multipart when the body carries files, else JSON, else what the route takes. */
function choose(content: Record<string, Json>): [string, SendKind] | undefined {
  const types = Object.keys(content);
  const multipart = types.find((t) => t.startsWith("multipart/"));
  if (multipart && JSON.stringify(content[multipart]!.schema ?? {}).includes('"format":"binary"')) return [multipart, "multipart"];
  const json = types.find((t) => /json/.test(t));
  if (json) return [json, "json"];
  if (multipart) return [multipart, "multipart"];
  const form = types.find((t) => t.includes("urlencoded"));
  if (form) return [form, "form"];
  const text = types.find((t) => t.startsWith("text/"));
  if (text) return [text, "text"];
  return types[0] === undefined ? undefined : [types[0], "bytes"];
}

function resultOf(op: Json, ptr: string, types: TypeRegistry): { resultType: string; plan: Record<string, ReadKind> } {
  const plan: Record<string, ReadKind> = {};
  const members: string[] = [];
  for (const [status, raw] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    const content = (raw.content ?? {}) as Record<string, Json>;
    const mediaType = Object.keys(content).find((t) => /json/.test(t)) ?? Object.keys(content)[0];
    const kind: ReadKind = raw["x-spikard-streaming"] === true ? "stream" : mediaType === undefined ? "empty" : /json/.test(mediaType) ? "json" : mediaType.startsWith("text/") ? "text" : "blob";
    // Without documented content the body may still come (a handler's own Response): read by its type, typed unknown.
    const body =
      kind === "stream" ? "AsyncIterable<Uint8Array>" : kind === "empty" ? (status === "204" || status === "304" ? "undefined" : "unknown") : kind === "text" ? "string" : kind === "blob" ? "Blob" : types.typeOf(content[mediaType!]!.schema ?? {}, pointerJoin(ptr, "responses", status, "content", mediaType!, "schema"), undefined, "  ");
    plan[status] = kind;
    const s = /^\d{3}$/.test(status) ? status : "number";
    members.push(`Result<${s}, ${body}>`);
  }
  return { resultType: members.length === 0 ? "Result<number, unknown>" : members.join(" | "), plan };
}

function derivedName(method: string, route: string): string {
  const words = route.split("/").filter(Boolean).map((s) => s.replace(/[{}]/g, ""));
  return [method, ...words].join(" ");
}
