import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

/**
 * Spikard's fixtures for WebSocket and SSE messages and its AsyncAPI specs,
 * as its test generator reads them (tools/test-generator/src/asyncapi.rs,
 * crates/spikard-cli/src/codegen/asyncapi/):
 *
 * - `websockets/*.json`, `sse/*.json`: one message type each — `name`,
 *   `channel` (the route), `schema` (JSON Schema of the payload), `examples`
 *   (payloads that must pass), `operations`. Fixtures of one channel are served
 *   by one route whose message type is the union of their schemas: a WebSocket
 *   route answers each example with the example and `validated: true`; an SSE
 *   route streams every example, in fixture order.
 * - `asyncapi_schemas/*.{json,yaml}`: an AsyncAPI 3.0 spec; each channel
 *   becomes a route (WebSocket for ws/wss servers, SSE for http/https ones)
 *   typed by its messages' payload schemas, exercised with payloads generated
 *   from those schemas, and the app's own AsyncAPI document must describe the
 *   same channels, parameters and payload shapes.
 */

export type Json = Record<string, any>;

export interface MessageFixture {
  kind: "message";
  /** `category/file.json` */
  id: string;
  category: "websockets" | "sse";
  name: string;
  /** The route: the fixture's channel, or one of its own. */
  channel: string;
  schema: Json;
  examples: unknown[];
}

export interface SpecFixture {
  kind: "spec";
  id: string;
  category: "asyncapi_schemas";
  spec: Json;
}

export type ChannelFixture = MessageFixture | SpecFixture;

export function loadChannelFixtures(dir: string): ChannelFixture[] {
  const out: ChannelFixture[] = [];
  for (const category of ["websockets", "sse"] as const) {
    for (const file of list(dir, category, /\.json$/)) {
      const data = JSON.parse(fs.readFileSync(path.join(dir, category, file), "utf8")) as Json;
      if (typeof data.name !== "string" || data.schema === undefined) continue;
      const channel = typeof data.channel === "string" ? (data.channel.startsWith("/") ? data.channel : `/${data.channel}`) : `/${category}/${data.name}`;
      out.push({ kind: "message", id: `${category}/${file}`, category, name: data.name, channel, schema: data.schema as Json, examples: Array.isArray(data.examples) && data.examples.length > 0 ? data.examples : [{}] });
    }
  }
  for (const file of list(dir, "asyncapi_schemas", /\.(json|ya?ml)$/)) {
    const text = fs.readFileSync(path.join(dir, "asyncapi_schemas", file), "utf8");
    const spec = (file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text)) as Json;
    if (typeof spec?.asyncapi !== "string") continue;
    out.push({ kind: "spec", id: `asyncapi_schemas/${file}`, category: "asyncapi_schemas", spec });
  }
  return out;
}

function list(dir: string, category: string, pattern: RegExp): string[] {
  const d = path.join(dir, category);
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => pattern.test(f)).sort() : [];
}

/** The protocol a spec's servers speak, as Spikard's generator detects it (its first server decides). */
export function specProtocol(spec: Json): "websocket" | "sse" | string {
  const first = Object.values((spec.servers ?? {}) as Record<string, Json>)[0];
  const p = String(first?.protocol ?? "ws").toLowerCase();
  if (["ws", "wss", "websocket", "websockets"].includes(p)) return "websocket";
  if (["sse", "server-sent-events", "http", "https"].includes(p)) return "sse";
  return p;
}

/** Follows `#/...` references within `root`. */
export function resolveRef(root: Json, value: unknown, depth = 0): Json {
  const v = value as Json;
  if (typeof v?.$ref !== "string" || depth > 32) return v;
  const target = v.$ref
    .replace(/^#\//, "")
    .split("/")
    .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((o: Json | undefined, k: string) => o?.[k], root);
  return resolveRef(root, target, depth + 1);
}

/**
 * A payload valid against `schema`: its examples, or one made from it (as
 * Spikard's generator does, but honouring enum, const and length bounds, so
 * that a valid route never sees an invalid example of the harness's making).
 */
export function exampleOf(root: Json, schema: unknown, name = "value", depth = 0): unknown {
  const s = resolveRef(root, schema);
  if (s === undefined || s === null || typeof s !== "object" || depth > 12) return null;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ("default" in s) return s.default;
  const members = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (members !== undefined && members.length > 0) return exampleOf(root, members[0], name, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type ?? (s.properties !== undefined ? "object" : undefined)) {
    case "string":
      return stringExample(s, name);
    case "integer":
      return typeof s.minimum === "number" ? Math.ceil(s.minimum) : 42;
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 3.14;
    case "boolean":
      return true;
    case "array": {
      const n = Math.min(Math.max(typeof s.minItems === "number" ? s.minItems : 1, 1), 5);
      return Array.from({ length: n }, () => exampleOf(root, s.items, name, depth + 1));
    }
    case "object": {
      const out: Json = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Json)) out[k] = exampleOf(root, v, k, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

const FORMATS: Record<string, string> = {
  "date-time": "2024-01-15T10:30:00Z",
  date: "2024-01-15",
  time: "10:30:00Z",
  email: "user@example.com",
  uri: "https://example.com",
  url: "https://example.com",
  uuid: "550e8400-e29b-41d4-a716-446655440000",
};

function stringExample(s: Json, name: string): string {
  let v = typeof s.format === "string" && FORMATS[s.format] !== undefined ? FORMATS[s.format]! : `example_${name}`;
  if (typeof s.maxLength === "number" && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  if (typeof s.minLength === "number" && v.length < s.minLength) v = v.padEnd(s.minLength, "x");
  return v;
}
