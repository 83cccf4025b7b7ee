import { sampleValue } from "../json-schema/sample";
import { toCamel, toTypeName, unique } from "../naming";
import { regionKey, type RegionWriter } from "../regions";
import type { ApiParameter } from "../openapi/model";
import { indentJson, paramDecl, pickExample } from "../openapi/routes-file";
import type { SchemaCheck } from "../openapi/schema-check";
import type { TypeRegistry } from "../openapi/type-registry";
import type { AsyncChannel, ChannelMessage, ChannelModel } from "./model";

/** What a channel's route does until its user edits it, which its tests check. */
export type Untouched =
  /** Each message is answered with itself. */
  | { kind: "echo" }
  /** Each message is answered with this reply (the spec's example). */
  | { kind: "reply"; value: unknown }
  /** Each message is answered with the HttpError(501) frame. */
  | { kind: "unimplemented"; message: string }
  /** No message is received (a channel the app only sends on): nothing is answered. */
  | { kind: "silent" }
  /** SSE: these events, then the end of the stream. */
  | { kind: "events"; values: unknown[] };

export interface ChannelOutput {
  channel: AsyncChannel;
  code: string;
  /** The handler's region was edited: its tests check only that the framework did not refuse. */
  edited: boolean;
  untouched: Untouched;
  /** Handshake / request parameters, as the openapi generator's parameters. */
  params: ApiParameter[];
}

/**
 * One route per channel: `app.websocket(address, handler)` typed by the
 * channel's messages (the seed's form, a message in and its reply out, or
 * `{ open, message }` when the app also sends on its own), or
 * `app.sse(address, async function* ...)` yielding the channel's events.
 * Handler bodies are user regions.
 */
export function writeChannel(channel: AsyncChannel, router: string, model: ChannelModel, types: TypeRegistry, check: SchemaCheck, regions: RegionWriter, typeOf: (m: ChannelMessage) => string): ChannelOutput {
  const base = toTypeName(channel.id);
  const union = (list: ChannelMessage[], hint: string): string | undefined => {
    const names = [...new Set(list.map(typeOf))];
    if (names.length === 0) return undefined;
    return names.length === 1 ? names[0] : types.alias(hint, names.join(" | "));
  };
  const params: ApiParameter[] = channel.params.map((p) => ({ name: p.name, in: p.in, required: p.required, schema: p.schema, ...(p.description ? { description: p.description } : {}), examples: [], pointer: p.pointer }));
  const used = new Set<string>(["message", "ws"]);
  // Required parameters first: TypeScript puts optional ones (and defaults) after them.
  const ordered = [...params.filter((p) => p.required), ...params.filter((p) => !p.required)];
  const decls = ordered.map((p) => paramDecl(p, model, types, check, used));
  const docs = decls.flatMap((d, i) => (ordered[i]!.description ? [`@param ${d.ident} ${ordered[i]!.description!.replace(/\s*\n\s*/g, " ").replace(/\*\//g, "*\\/")}`] : []));
  const key = regionKey("handler", channel.id);
  const edited = regions.edited(key);
  const options: Record<string, unknown> = {};
  if (channel.summary !== undefined) options.summary = channel.summary;
  if (channel.description !== undefined) options.description = channel.description;
  if (channel.tags.length > 0) options.tags = channel.tags;
  const optionText = Object.keys(options).length === 0 ? "" : `, ${objectLiteral(options)}`;
  const head = `// ${channel.protocol === "sse" ? "SSE" : "WebSocket"} ${channel.address}${channel.summary ? ` — ${channel.summary.replace(/\s*\n\s*/g, " ")}` : ""}\n${docs.length ? `/**\n${docs.map((d) => ` * ${d}`).join("\n")}\n */\n` : ""}`;
  const list = (extra: string[]): string => {
    const all = [...extra, ...decls.map((d) => d.decl)];
    return all.length <= 1 ? all.join("") : `\n${all.map((p) => `  ${p},\n`).join("")}`;
  };

  if (channel.protocol === "sse") {
    const event = union(channel.send, `${base}Event`) ?? "unknown";
    const values = channel.send.flatMap((m) => eventValues(m, model, check));
    const body = values.length === 0 ? "  return;\n" : values.map((v) => `  yield ${indentJson(v, "  ")};\n`).join("");
    const code = `${head}${router}.sse(${JSON.stringify(channel.address)}, async function* (${list([])}): AsyncGenerator<${event}> {\n${regions.region(key, body, "  ")}}${optionText});\n`;
    return { channel, code, edited, untouched: { kind: "events", values }, params };
  }

  const incoming = channel.receive.length > 0 ? (channel.echo ? union(channel.receive, `${base}Message`)! : union(channel.receive, `${base}Incoming`)!) : "never";
  const outgoing = channel.echo ? incoming : union(channel.send, `${base}Outgoing`);
  const reply = channel.echo ? incoming : union(channel.replies, `${base}Reply`);
  const untouched = defaultBehaviour(channel, model, check);
  const body =
    untouched.kind === "echo"
      ? "  return message;\n"
      : untouched.kind === "reply"
        ? `  return ${indentJson(untouched.value, "  ")};\n`
        : untouched.kind === "unimplemented"
          ? `  throw new HttpError(501, ${JSON.stringify(untouched.message)});\n`
          : "  return;\n";
  const returns = reply === undefined ? "Promise<void>" : `Promise<${reply} | undefined>`;
  // The app sends on its own (not only replies): the handlers object, with the socket typed by all it sends.
  const pushes = !channel.echo && channel.send.some((m) => !channel.replies.includes(m));
  let code: string;
  if (!pushes) {
    code = `${head}${router}.websocket(${JSON.stringify(channel.address)}, async (${list([`message: ${incoming}`])}): ${returns} => {\n${regions.region(key, body, "  ")}}${optionText});\n`;
  } else {
    const socket = `WebSocket<${outgoing}>`;
    const openBody = `    // Send ${channel.send.filter((m) => !channel.replies.includes(m)).map(typeOf).filter((n, i, a) => a.indexOf(n) === i).join(" or ")} whenever the app has one: ws.send(value).\n`;
    const openParams = list([`ws: ${socket}`]).replace(/\n {2}/g, "\n    ").replace(/\n$/, "\n  ");
    code = `${head}${router}.websocket(${JSON.stringify(channel.address)}, {
  open(${openParams}): void {
${regions.region(regionKey("open", channel.id), openBody, "    ")}  },
  async message(ws: ${socket}, message: ${incoming}): ${returns} {
${regions.region(key, body.replace(/^(?=.)/gm, "  "), "    ")}  },
}${optionText});\n`;
  }
  return { channel, code, edited, untouched, params };
}

function defaultBehaviour(channel: AsyncChannel, model: ChannelModel, check: SchemaCheck): Untouched {
  if (channel.receive.length === 0) return { kind: "silent" };
  if (channel.echo) return { kind: "echo" };
  for (const m of channel.replies) {
    const v = pickExample(m.examples, m.payload, model, check);
    if (v !== undefined) return { kind: "reply", value: v };
  }
  return { kind: "unimplemented", message: `${channel.id} is not implemented` };
}

/** An SSE stub's events for a message: each of its examples that satisfies its schema, else one value made from the schema. */
function eventValues(m: ChannelMessage, model: ChannelModel, check: SchemaCheck): unknown[] {
  const examples = m.examples.flatMap((e) => {
    const v = pickExample([e], m.payload, model, check);
    return v === undefined ? [] : [v];
  });
  if (examples.length > 0) return examples;
  const v = messageValue(m, model, check);
  return v === undefined ? [] : [v];
}

/** The message's first example that satisfies its schema, else a value made from the schema, else nothing. */
export function messageValue(m: ChannelMessage, model: ChannelModel, check: SchemaCheck): unknown {
  if (m.kind === "bytes") return undefined;
  const example = pickExample(m.examples, m.payload, model, check);
  if (example !== undefined) return example;
  const v = m.kind === "text" ? "text" : sampleValue(m.payload, (ref) => model.resolve(ref));
  return check.problem(v, m.payload) === undefined ? v : undefined;
}

/** The router of a group of channels (`chatRoutes`). */
export function routerName(group: string, used: Set<string>): string {
  return unique(`${toCamel(group)}Routes`, used);
}

function objectLiteral(o: Record<string, unknown>): string {
  return `{ ${Object.entries(o).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")} }`;
}
