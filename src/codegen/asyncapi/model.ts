import type { SpecProblem } from "../errors";
import { pointerJoin, pointerKeys, resolvePointer } from "../json-pointer";
import type { Json } from "../openapi/load";
import { checkRoute } from "../openapi/model";
import type { LoadedAsyncApi } from "./load";

/**
 * The channels of an AsyncAPI 3.0 document as the generator needs them:
 * references resolved, each channel's protocol (WebSocket or Server-Sent
 * Events) and what flows which way. What the runtime cannot serve is a
 * `problem` (nothing is generated), what is generated approximately a
 * `note`; both carry the JSON pointer of the spec part they are about.
 */
export interface ChannelModel {
  doc: Json;
  channels: AsyncChannel[];
  problems: SpecProblem[];
  notes: SpecProblem[];
  resolve(ref: string): unknown;
}

export type PayloadKind = "json" | "text" | "bytes";

export interface ChannelMessage {
  /** Its key in the channel's `messages`. */
  key: string;
  /** What its type is named after: the component it references, else its key. */
  name: string;
  pointer: string;
  /** The payload schema as written (a `$ref` stays one: it names the type). */
  payload: unknown;
  payloadPointer: string;
  kind: PayloadKind;
  /** Payload examples from the message's `examples`. */
  examples: unknown[];
}

export interface ChannelParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: unknown;
  description?: string;
  pointer: string;
}

export interface AsyncChannel {
  /** Its key in `channels`. */
  id: string;
  pointer: string;
  address: string;
  protocol: "websocket" | "sse";
  summary?: string;
  description?: string;
  tags: string[];
  params: ChannelParameter[];
  /** What clients send (the app receives). */
  receive: ChannelMessage[];
  /** What the app sends; for WebSocket, replies included. */
  send: ChannelMessage[];
  /** The messages the app answers a received one with (a `receive` operation's `reply`). */
  replies: ChannelMessage[];
  /** No operation names the channel: its messages go both ways, each answered with itself (WebSocket). */
  echo: boolean;
}

const WS = new Set(["ws", "wss"]);
const HTTP = new Set(["http", "https"]);
const SCHEMA_FORMATS = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema\+json|schema\+yaml|vnd\.oai\.openapi(\+json|\+yaml)?)(;\s*version=[\w.-]+)?$/;

export function buildChannelModel(spec: LoadedAsyncApi): ChannelModel {
  const doc = spec.doc;
  const problems: SpecProblem[] = [];
  const notes: SpecProblem[] = [];
  const problem = (pointer: string, message: string): void => void problems.push({ pointer, message });
  const note = (pointer: string, message: string): void => void notes.push({ pointer, message });
  const resolve = (ref: string): unknown => resolvePointer(doc, ref);
  /** A value with its `$ref`s followed (local ones only), and the pointer of what it ends at. */
  const deref = (value: unknown, pointer: string): { value: Json; pointer: string; ref?: string } | undefined => {
    let cur = value;
    let ptr = pointer;
    let ref: string | undefined;
    for (let i = 0; i < 16 && cur !== null && typeof cur === "object" && typeof (cur as Json).$ref === "string"; i++) {
      const r = (cur as Json).$ref as string;
      if (!r.startsWith("#")) return void problem(ptr, `external reference ${JSON.stringify(r)} is not supported; bundle the spec into one file first`);
      const target = resolve(r);
      if (target === undefined) return void problem(ptr, `reference ${JSON.stringify(r)} points at nothing`);
      ref = r;
      ptr = r;
      cur = target;
    }
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return void problem(ptr, "expected an object");
    return { value: cur as Json, pointer: ptr, ...(ref !== undefined ? { ref } : {}) };
  };

  const servers = (doc.servers ?? {}) as Record<string, Json>;
  const operations = Object.entries((doc.operations ?? {}) as Record<string, unknown>).flatMap(([key, raw]) => {
    const op = deref(raw, pointerJoin("#/operations", key));
    return op === undefined ? [] : [{ key, ...op }];
  });
  const channels: AsyncChannel[] = [];
  for (const [id, raw] of Object.entries((doc.channels ?? {}) as Record<string, unknown>)) {
    const found = deref(raw, pointerJoin("#/channels", id));
    if (found === undefined) continue;
    const c = found.value;
    const ptr = pointerJoin("#/channels", id);
    const channelRef = `#/channels/${pointerJoin("", id).slice(1)}`;
    const ops = operations.filter((o) => (o.value.channel as Json | undefined)?.$ref === channelRef);
    const protocol = protocolOf(c, ptr, ops, servers, problem);
    if (protocol === undefined) continue;
    if (typeof c.address !== "string") {
      problem(pointerJoin(ptr, "address"), "a channel without an address cannot be served; give it its path (`/chat/{room}`)");
      continue;
    }
    const address = c.address;
    if (!address.startsWith("/")) {
      problem(pointerJoin(ptr, "address"), `address ${JSON.stringify(address)} is not a path; a WebSocket or SSE channel's address is the path it is served at (\`/chat/{room}\`)`);
      continue;
    }
    if (!checkRoute(address, pointerJoin(ptr, "address"), problem)) continue;

    const messages = new Map<string, ChannelMessage>();
    for (const [key, rawMessage] of Object.entries((c.messages ?? {}) as Record<string, unknown>)) {
      const m = readMessage(key, rawMessage, pointerJoin(ptr, "messages", key));
      if (m !== undefined) messages.set(key, m);
    }
    const pick = (refs: unknown, at: string): ChannelMessage[] => {
      if (!Array.isArray(refs)) return [...messages.values()];
      return refs.flatMap((r, i) => {
        const ref = (r as Json | undefined)?.$ref;
        const prefix = `${channelRef}/messages/`;
        const key = typeof ref === "string" && ref.startsWith(prefix) ? pointerKeys(ref).pop()! : [...messages.entries()].find(([k]) => (c.messages as Json)[k] !== undefined && ((c.messages as Json)[k] as Json).$ref === ref)?.[0];
        const m = key === undefined ? undefined : messages.get(key);
        if (m === undefined) problem(pointerJoin(at, i), `${JSON.stringify(ref)} is not a message of channel ${id}`);
        return m === undefined ? [] : [m];
      });
    };
    const receive: ChannelMessage[] = [];
    const send: ChannelMessage[] = [];
    const replies: ChannelMessage[] = [];
    const tags: string[] = [];
    let summary = typeof c.summary === "string" ? c.summary : undefined;
    for (const o of ops) {
      const opPtr = pointerJoin("#/operations", o.key);
      const list = pick(o.value.messages, pointerJoin(opPtr, "messages"));
      for (const t of (Array.isArray(o.value.tags) ? o.value.tags : []) as Json[]) if (typeof t?.name === "string" && !tags.includes(t.name)) tags.push(t.name);
      summary ??= typeof o.value.summary === "string" ? o.value.summary : undefined;
      if (o.value.security !== undefined) note(pointerJoin(opPtr, "security"), "security requirements are not generated; add jwtAuth/apiKeyAuth to the app's config (the handshake runs them)");
      if (o.value.action === "receive") {
        if (protocol === "sse") {
          problem(pointerJoin(opPtr, "action"), "an SSE channel carries only what the app sends; a `receive` operation needs a WebSocket channel");
          continue;
        }
        add(receive, list);
        const reply = o.value.reply === undefined ? undefined : deref(o.value.reply, pointerJoin(opPtr, "reply"));
        if (reply !== undefined) {
          const replyChannel = (reply.value.channel as Json | undefined)?.$ref;
          if (replyChannel !== undefined && replyChannel !== channelRef) note(pointerJoin(opPtr, "reply", "channel"), "the reply is sent on the same connection as the request");
          if (reply.value.address !== undefined) note(pointerJoin(opPtr, "reply", "address"), "a dynamic reply address is not supported; the reply is sent on the same connection");
          const answered = pick(reply.value.messages, pointerJoin(opPtr, "reply", "messages"));
          add(replies, answered);
          add(send, answered);
        }
      } else if (o.value.action === "send") add(send, list);
      else problem(pointerJoin(opPtr, "action"), `action ${JSON.stringify(o.value.action)} is neither "send" nor "receive"`);
    }
    const echo = ops.length === 0 && protocol === "websocket";
    if (ops.length === 0) {
      if (protocol === "websocket") {
        add(receive, [...messages.values()]);
        add(send, [...messages.values()]);
        add(replies, [...messages.values()]);
        note(ptr, "no operation names this channel: its messages are taken as going both ways, and the handler answers each with itself until edited");
      } else add(send, [...messages.values()]);
    }
    if (protocol === "sse" && send.some((m) => m.kind === "bytes")) problem(ptr, "an SSE event carries text; a binary message (application/octet-stream) needs a WebSocket channel");
    if (protocol === "websocket" && receive.length === 0 && send.length === 0) note(ptr, "the channel has no messages: the route accepts any JSON and sends nothing");
    const params = readParams(c, ptr, address, protocol, ops);
    channels.push({
      id,
      pointer: ptr,
      address,
      protocol,
      ...(summary !== undefined ? { summary } : {}),
      ...(typeof c.description === "string" ? { description: c.description } : {}),
      tags,
      params,
      receive,
      send,
      replies,
      echo,
    });
  }
  if (channels.length === 0 && problems.length === 0) problem("#/channels", "the document has no channels to serve");
  const seen = new Map<string, string>();
  for (const ch of channels) {
    const shape = ch.address.replace(/\{[^}]+\}/g, "{}");
    const other = seen.get(shape);
    if (other !== undefined) problem(pointerJoin(ch.pointer, "address"), `address ${ch.address} is also served by ${other}`);
    else seen.set(shape, ch.pointer);
  }
  return { doc, channels, problems, notes, resolve };

  function readMessage(key: string, raw: unknown, ptr: string): ChannelMessage | undefined {
    const found = deref(raw, ptr);
    if (found === undefined) return undefined;
    const m = found.value;
    const mPtr = found.pointer;
    const componentName = found.ref !== undefined && /^#\/components\/messages\/[^/]+$/.test(found.ref) ? pointerKeys(found.ref).pop()! : key;
    let payload: unknown = m.payload;
    let payloadPointer = pointerJoin(mPtr, "payload");
    const format = typeof m.schemaFormat === "string" ? m.schemaFormat : undefined;
    if (payload !== null && typeof payload === "object" && typeof (payload as Json).schemaFormat === "string") {
      const multi = payload as Json;
      if (!SCHEMA_FORMATS.test(multi.schemaFormat as string)) return void problem(pointerJoin(payloadPointer, "schemaFormat"), `schema format ${JSON.stringify(multi.schemaFormat)} is not supported; write the payload as a JSON Schema (AsyncAPI Schema)`);
      payload = multi.schema;
      payloadPointer = pointerJoin(payloadPointer, "schema");
    } else if (format !== undefined && !SCHEMA_FORMATS.test(format)) return void problem(pointerJoin(mPtr, "schemaFormat"), `schema format ${JSON.stringify(format)} is not supported; write the payload as a JSON Schema (AsyncAPI Schema)`);
    const contentType = typeof m.contentType === "string" ? m.contentType : typeof doc.defaultContentType === "string" ? doc.defaultContentType : "application/json";
    const media = contentType.split(";")[0]!.trim().toLowerCase();
    const kind: PayloadKind | undefined = /^application\/([\w.+-]+\+)?json$/.test(media) ? "json" : media === "text/plain" ? "text" : media === "application/octet-stream" ? "bytes" : undefined;
    if (kind === undefined) return void problem(pointerJoin(mPtr, "contentType"), `content type ${JSON.stringify(contentType)} is not supported; a message is JSON, text/plain or application/octet-stream`);
    if (m.headers !== undefined) note(pointerJoin(mPtr, "headers"), "message headers are left out: WebSocket and SSE messages carry none");
    if (m.traits !== undefined) note(pointerJoin(mPtr, "traits"), "message traits are not applied; write their fields into the message");
    if (payload !== undefined && payload !== null && typeof payload === "object" && typeof (payload as Json).$ref === "string" && !((payload as Json).$ref as string).startsWith("#")) {
      return void problem(payloadPointer, `external reference ${JSON.stringify((payload as Json).$ref)} is not supported; bundle the spec into one file first`);
    }
    const examples = (Array.isArray(m.examples) ? (m.examples as Json[]) : []).filter((e) => e !== null && typeof e === "object" && "payload" in e).map((e) => e.payload);
    return { key, name: componentName, pointer: mPtr, payload: payload ?? {}, payloadPointer, kind, examples };
  }

  function readParams(c: Json, ptr: string, address: string, protocol: "websocket" | "sse", ops: Array<{ key: string; value: Json }>): ChannelParameter[] {
    const out: ChannelParameter[] = [];
    const declared = (c.parameters ?? {}) as Record<string, unknown>;
    const segments = [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const name of Object.keys(declared)) if (!segments.includes(name)) problem(pointerJoin(ptr, "parameters", name), `parameter ${JSON.stringify(name)} is not in the address ${address}`);
    for (const name of segments) {
      const pPtr = pointerJoin(ptr, "parameters", name);
      const p = declared[name] === undefined ? undefined : deref(declared[name], pPtr);
      if (p === undefined && declared[name] !== undefined) continue;
      if (p === undefined) note(ptr, `parameter {${name}} of ${address} is not declared; it is read as a string`);
      const v = p?.value ?? {};
      if (v.location !== undefined) note(pointerJoin(pPtr, "location"), "a parameter's location expression is not used: the value comes from the path");
      // AsyncAPI 3.0 parameters carry enum/default/examples; 2.x-style ones (still common) a schema.
      let schema: Json = v.schema !== undefined ? (deref(v.schema, pointerJoin(pPtr, "schema"))?.value ?? {}) : { type: "string" };
      if (Array.isArray(v.enum)) schema = { ...schema, type: "string", enum: v.enum };
      if (typeof v.default === "string") schema = { ...schema, default: v.default };
      out.push({ name, in: "path", required: true, schema, ...(typeof v.description === "string" ? { description: v.description } : {}), pointer: v.schema !== undefined ? pointerJoin(pPtr, "schema") : pPtr });
    }
    const bindingSets: Array<[Json | undefined, string]> =
      protocol === "websocket"
        ? [[(c.bindings as Json | undefined)?.ws as Json | undefined, pointerJoin(ptr, "bindings", "ws")]]
        : ops.map((o) => [(o.value.bindings as Json | undefined)?.http as Json | undefined, pointerJoin("#/operations", o.key, "bindings", "http")]);
    for (const [binding, bPtr] of bindingSets) {
      if (binding === undefined) continue;
      if (binding.method !== undefined && binding.method !== "GET") problem(pointerJoin(bPtr, "method"), `method ${JSON.stringify(binding.method)}: a ${protocol === "websocket" ? "WebSocket handshake" : "Server-Sent Events request"} is a GET`);
      for (const [group, where] of [["query", "query"], ["headers", "header"]] as const) {
        if (binding[group] === undefined) continue;
        if (where === "header" && protocol === "sse") continue;
        const gPtr = pointerJoin(bPtr, group);
        const s = deref(binding[group], gPtr);
        if (s === undefined) continue;
        if (s.value.type !== "object" && s.value.properties === undefined) {
          problem(gPtr, `the ${group} binding must be an object schema with properties`);
          continue;
        }
        const required = Array.isArray(s.value.required) ? (s.value.required as string[]) : [];
        for (const [name, schema] of Object.entries((s.value.properties ?? {}) as Record<string, unknown>)) {
          if (out.some((p) => p.in === where && p.name.toLowerCase() === name.toLowerCase())) continue;
          const sp = deref(schema, pointerJoin(s.pointer, "properties", name));
          const type = sp?.value.type;
          if (type === "object") {
            problem(pointerJoin(s.pointer, "properties", name), `${where} parameter ${JSON.stringify(name)} is an object; a ${where} value is a scalar or a list`);
            continue;
          }
          out.push({ name, in: where, required: required.includes(name), schema, ...(typeof sp?.value.description === "string" ? { description: sp.value.description } : {}), pointer: pointerJoin(s.pointer, "properties", name) });
        }
      }
    }
    if (protocol === "sse" && (c.bindings as Json | undefined)?.http !== undefined) note(pointerJoin(ptr, "bindings", "http"), "HTTP bindings belong on the operations; the channel's are left out");
    return out;
  }
}

function add(into: ChannelMessage[], list: ChannelMessage[]): void {
  for (const m of list) if (!into.includes(m)) into.push(m);
}

/** WebSocket or SSE: the channel's (or its operations') bindings, else the protocols of its servers. */
function protocolOf(c: Json, ptr: string, ops: Array<{ key: string; value: Json }>, servers: Record<string, Json>, problem: (pointer: string, message: string) => void): "websocket" | "sse" | undefined {
  const bindings = (c.bindings ?? {}) as Json;
  if (bindings.ws !== undefined) return "websocket";
  if (bindings.http !== undefined || ops.some((o) => (o.value.bindings as Json | undefined)?.http !== undefined)) return "sse";
  if (ops.some((o) => (o.value.bindings as Json | undefined)?.ws !== undefined)) return "websocket";
  const names = Array.isArray(c.servers)
    ? (c.servers as Json[]).map((s) => (typeof s?.$ref === "string" ? pointerKeys(s.$ref).pop()! : "")).filter((n) => servers[n] !== undefined)
    : Object.keys(servers);
  const protocols = names.map((n) => [n, String(servers[n]!.protocol ?? "").toLowerCase()] as const);
  if (protocols.some(([, p]) => WS.has(p))) return "websocket";
  if (protocols.some(([, p]) => HTTP.has(p))) return "sse";
  const other = protocols.filter(([, p]) => p !== "");
  if (other.length > 0) {
    for (const [n, p] of other) problem(pointerJoin("#/servers", n, "protocol"), `protocol ${JSON.stringify(p)} is not supported: Spikard serves WebSocket (ws, wss) and Server-Sent Events (http, https) channels`);
    return undefined;
  }
  problem(ptr, "cannot tell whether this is a WebSocket or an SSE channel: give it a `ws` binding (or its operations an `http` one), or servers with protocol ws or http");
  return undefined;
}
