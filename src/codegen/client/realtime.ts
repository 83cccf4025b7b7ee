import { mergeNamed, rewriteRefs } from "../../asyncapi/merge";
import { pointerJoin, pointerKeys, resolvePointer } from "../json-pointer";
import { toTypeName, unique } from "../naming";
import { propertyKey } from "../json-schema/to-typescript";
import type { Json } from "../openapi/load";
import type { TypeRegistry } from "../openapi/type-registry";

const SCHEMA_REF = "#/components/schemas/";

/** A WebSocket or SSE route of the app's AsyncAPI document, as the client calls it. */
export interface RealtimeRoute {
  kind: "websocket" | "sse";
  address: string;
  pointer: string;
  name: string;
  /** Messages' payloads (schemas as in the document) and how they travel: what the client sends, what it receives. */
  send: Array<{ payload: unknown; pointer: string; kind: Payload }>;
  receive: Array<{ payload: unknown; pointer: string; kind: Payload }>;
  params: Array<{ name: string; in: "path" | "query" | "header"; required: boolean; schema: unknown; pointer: string }>;
}

type Payload = "json" | "text" | "bytes";

/**
 * The app's two documents as one for naming types: the AsyncAPI
 * document's schemas join the OpenAPI document's components (the same name
 * for the same schema once, a different schema under a suffixed name, its
 * references rewritten), so HTTP and realtime routes share their types.
 */
export function joinDocuments(openapi: Json, asyncapi: Json | undefined): { openapi: Json; asyncapi: Json | undefined } {
  if (asyncapi === undefined) return { openapi, asyncapi };
  const schemas: Record<string, Json> = { ...(((openapi.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>) };
  const incoming = ((asyncapi.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const renames = mergeNamed(schemas, incoming, SCHEMA_REF);
  const rewritten = rewriteRefs(asyncapi, SCHEMA_REF, renames) as Json;
  return { openapi: { ...openapi, components: { ...((openapi.components ?? {}) as Json), schemas } }, asyncapi: rewritten };
}

/** The document's channels with what flows which way: `receive` operations are what the client sends. */
export function readRealtimeRoutes(doc: Json, used: Set<string>): RealtimeRoute[] {
  const out: RealtimeRoute[] = [];
  const operations = Object.values((doc.operations ?? {}) as Record<string, Json>);
  const deref = (v: unknown): Json => {
    let cur = v;
    for (let i = 0; i < 8 && cur !== null && typeof cur === "object" && typeof (cur as Json).$ref === "string"; i++) cur = resolvePointer(doc, (cur as Json).$ref as string);
    return (cur ?? {}) as Json;
  };
  const keys = Object.keys((doc.channels ?? {}) as Json);
  for (const id of keys) {
    const ptr = pointerJoin("#/channels", id);
    const c = deref((doc.channels as Json)[id]);
    if (typeof c.address !== "string") continue;
    const ref = `#/channels/${pointerJoin("", id).slice(1)}`;
    const ops = operations.filter((o) => (o.channel as Json | undefined)?.$ref === ref);
    const kind = (c.bindings as Json | undefined)?.ws !== undefined ? "websocket" : ops.some((o) => (o.bindings as Json | undefined)?.http !== undefined) ? "sse" : undefined;
    if (kind === undefined) continue;
    const message = (r: Json): { payload: unknown; pointer: string; kind: Payload } => {
      const m = deref(r);
      const media = String(m.contentType ?? "application/json");
      const at = typeof r.$ref === "string" ? r.$ref : ptr;
      const target = typeof r.$ref === "string" && r.$ref.startsWith(`${ref}/messages/`) ? ((c.messages as Json)[pointerKeys(r.$ref).pop()!] as Json | undefined) : undefined;
      const where = typeof target?.$ref === "string" ? target.$ref : at;
      return { payload: m.payload ?? {}, pointer: pointerJoin(where, "payload"), kind: /json/.test(media) ? "json" : media.startsWith("text/") ? "text" : "bytes" };
    };
    const send: RealtimeRoute["send"] = [];
    const receive: RealtimeRoute["receive"] = [];
    for (const o of ops) {
      const list = ((o.messages ?? []) as Json[]).map(message);
      if (o.action === "receive") send.push(...list);
      else receive.push(...list);
      const reply = o.reply as Json | undefined;
      if (reply !== undefined) receive.push(...((reply.messages ?? []) as Json[]).map(message));
    }
    const params: RealtimeRoute["params"] = [];
    for (const [name, p] of Object.entries((c.parameters ?? {}) as Record<string, Json>)) {
      const v = deref(p);
      params.push({ name, in: "path", required: true, schema: Array.isArray(v.enum) ? { type: "string", enum: v.enum } : { type: "string" }, pointer: pointerJoin(ptr, "parameters", name) });
    }
    const binding = kind === "websocket" ? [[((c.bindings as Json).ws as Json), pointerJoin(ptr, "bindings", "ws")] as const] : [];
    for (const [b, bPtr] of binding) {
      for (const [group, where] of [["query", "query"], ["headers", "header"]] as const) {
        const s = b[group] as Json | undefined;
        if (s === undefined) continue;
        const required = (s.required ?? []) as string[];
        for (const [name, schema] of Object.entries((s.properties ?? {}) as Json)) params.push({ name, in: where, required: required.includes(name), schema, pointer: pointerJoin(bPtr, group, "properties", name) });
      }
    }
    const words = toTypeName(id);
    out.push({ kind, address: c.address, pointer: ptr, name: unique(kind === "websocket" ? `connect${words}` : `subscribe${words}`, used), send, receive, params });
  }
  return out;
}

/** `{ path: {...}; query?: {...}; headers?: {...} }` for a channel's parameters, and whether any is required. */
export function channelArgs(route: RealtimeRoute, types: TypeRegistry): { argsType?: string; required: boolean } {
  const groups = new Map<string, { props: string[]; required: boolean }>();
  for (const p of route.params) {
    const group = p.in === "path" ? "path" : p.in === "query" ? "query" : "headers";
    const g = groups.get(group) ?? { props: [], required: false };
    g.props.push(`${propertyKey(p.name)}${p.required ? "" : "?"}: ${types.typeOf(p.schema, pointerJoin(p.pointer))}`);
    g.required ||= p.required;
    groups.set(group, g);
  }
  if (groups.size === 0) return { required: false };
  const parts = [...groups].map(([g, { props, required }]) => `${g}${required ? "" : "?"}: { ${props.join("; ")} }`);
  return { argsType: `{ ${parts.join("; ")} }`, required: [...groups.values()].some((g) => g.required) };
}

/** The union of the messages' types (never when there is none). */
export function messagesType(list: RealtimeRoute["send"], types: TypeRegistry): string {
  const names = [...new Set(list.map((m) => (m.kind === "bytes" ? "Uint8Array" : m.kind === "text" ? "string" : types.typeOf(m.payload, m.pointer, undefined, "  "))))];
  return names.length === 0 ? "never" : names.join(" | ");
}

/** How messages of the list travel (the first one's way: a route's messages are all JSON, text or bytes). */
export function payloadOf(list: RealtimeRoute["send"]): Payload {
  return list[0]?.kind ?? "json";
}
