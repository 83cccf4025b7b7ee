import type { RouteDefinition } from "../route-definition";
import { parsePathPattern } from "../routing/path-pattern";
import type { AsyncApiConfig } from "./config";
import { mergeNamed, rewriteRefs } from "./merge";

type Json = Record<string, unknown>;

/**
 * What the transformer wrote for one WebSocket or SSE route (see
 * transformer/programmers/asyncapi-fragment.ts): everything but where the
 * route ends up, which only the app knows (router prefixes).
 */
export interface ChannelFragment {
  summary?: string;
  description?: string;
  tags?: string[];
  /** Path parameters by segment name (AsyncAPI Parameter Objects: description, enum, default, examples). */
  parameters: Record<string, Json>;
  /** Channel bindings (`ws`: method, query and headers schemas). */
  bindings?: Json;
  /** Operation bindings (`http` for SSE: method, query). */
  operationBindings?: Json;
  /** Message names the client sends (the app receives). */
  receive: string[];
  /** Message names the app sends. */
  send: string[];
  /** The received messages are answered with the sent ones (the message handler returns its reply). */
  reply: boolean;
  messages: Record<string, Json>;
  schemas: Record<string, Json>;
}

const SCHEMA_REF = "#/components/schemas/";
const MESSAGE_REF = "#/components/messages/";

/**
 * Assembles the AsyncAPI 3.0 document from the routes' fragments: one
 * channel per route (its address with every prefix, its parameters), the
 * app's operations (`receive` for what clients send, `send` for what the app
 * sends, SSE included), messages and schemas in `components`, names that
 * clash between routes suffixed as the OpenAPI document does. Deterministic:
 * channels are sorted by address.
 */
export function buildAsyncApiDocument(routes: readonly RouteDefinition[], config: AsyncApiConfig): Json {
  const info: Json = { title: config.title ?? "Spikard API", version: config.version ?? "1.0.0" };
  if (config.description) info.description = config.description;
  if (config.contact) info.contact = config.contact;
  if (config.license) info.license = config.license;
  const doc: Json = { asyncapi: "3.0.0" };
  if (config.id) doc.id = config.id;
  doc.info = info;
  if (config.servers && Object.keys(config.servers).length > 0) doc.servers = config.servers;
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const messages: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  const channelRoutes = routes.filter((r) => r.channel?.asyncapi !== undefined).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const route of channelRoutes) {
    const fragment = JSON.parse(route.channel!.asyncapi!) as ChannelFragment;
    const schemaRenames = mergeNamed(schemas, fragment.schemas, SCHEMA_REF);
    const ownMessages = rewriteRefs(fragment.messages, SCHEMA_REF, schemaRenames) as Record<string, Json>;
    const messageRenames = mergeNamed(messages, ownMessages, MESSAGE_REF);
    const messageName = (n: string): string => messageRenames.get(n) ?? n;
    const id = uniqueKey(channels, channelId(route.path));
    const channel: Json = { address: asyncApiAddress(route.path) };
    const summary = route.options.summary ?? fragment.summary;
    const description = route.options.description ?? fragment.description;
    if (summary) channel.summary = summary;
    if (description) channel.description = description;
    const parameters = channelParameters(route.path, fragment.parameters);
    if (parameters !== undefined) channel.parameters = parameters;
    const names = [...new Set([...fragment.receive, ...fragment.send].map(messageName))].sort();
    channel.messages = Object.fromEntries(names.map((n) => [n, { $ref: `${MESSAGE_REF}${n}` }]));
    if (fragment.bindings !== undefined) channel.bindings = fragment.bindings;
    channels[id] = channel;
    const ref = { $ref: `#/channels/${id}` };
    const refs = (list: string[]): Json[] => list.map((n) => ({ $ref: `#/channels/${id}/messages/${messageName(n)}` }));
    const tags = [...new Set([...(fragment.tags ?? []), ...(route.options.tags ?? [])])].map((name) => ({ name }));
    const common = (op: Json): Json => {
      if (tags.length > 0) op.tags = tags;
      if (fragment.operationBindings !== undefined) op.bindings = fragment.operationBindings;
      return op;
    };
    const pascal = id.replace(/(^|_)([a-z0-9])/g, (_m, _s: string, c: string) => c.toUpperCase());
    if (fragment.receive.length > 0) {
      const op: Json = { action: "receive", channel: ref, messages: refs(fragment.receive) };
      if (fragment.reply && fragment.send.length > 0) op.reply = { channel: ref, messages: refs(fragment.send) };
      operations[uniqueKey(operations, `receive${pascal}`)] = common(op);
    }
    if (fragment.send.length > 0) operations[uniqueKey(operations, `send${pascal}`)] = common({ action: "send", channel: ref, messages: refs(fragment.send) });
  }
  doc.channels = channels;
  doc.operations = operations;
  doc.components = { schemas: sortKeys(schemas), messages: sortKeys(messages) };
  return doc;
}

/** `/rooms/{room:int}` → `/rooms/{room}` (AsyncAPI addresses name parameters only). */
export function asyncApiAddress(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(:[A-Za-z]+)?\}/g, "{$1}");
}

/** `/rooms/{room}/live` → `rooms_room_live`; `/` → `root`. */
function channelId(path: string): string {
  const id = asyncApiAddress(path).replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
  return id === "" ? "root" : id;
}

/** Every parameter of the address: the fragment's where the handler declared it, an empty object (a string) otherwise. */
function channelParameters(path: string, known: Record<string, Json>): Json | undefined {
  const out: Json = {};
  for (const seg of parsePathPattern(path)) {
    if (seg.kind === "static") continue;
    out[seg.name] = known[seg.name] ?? {};
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function uniqueKey(taken: Record<string, unknown>, base: string): string {
  if (!(base in taken)) return base;
  let n = 2;
  while (`${base}_${n}` in taken) n++;
  return `${base}_${n}`;
}

function sortKeys(o: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}
