import http from "node:http";
import { isDeepStrictEqual } from "node:util";
import WebSocket from "ws";
import { exampleOf, resolveRef, specProtocol, type ChannelFixture, type Json, type MessageFixture, type SpecFixture } from "./channel-fixtures";
import { newContext, schemaToTs } from "../src/codegen/fixtures/generate-app";

/**
 * Channel fixtures → TypeScript apps (one per WebSocket/SSE channel or
 * AsyncAPI spec) and the checks run against them once served. Validation
 * comes only from the generated types, through spikard/transformer.
 */
export interface ChannelApp {
  module: "websockets" | "sse" | "asyncapi_schemas";
  factory: string;
  code: string;
  /** The fixtures this app serves; each gets its own result. */
  ids: string[];
  /** Runs the fixtures' exchanges against the served app: a failure's detail per fixture id, undefined where it passed. */
  check(port: number): Promise<Map<string, string | undefined>>;
}

export function generateChannelApps(fixtures: ChannelFixture[]): ChannelApp[] {
  const apps: ChannelApp[] = [];
  const groups = new Map<string, MessageFixture[]>();
  for (const f of fixtures) {
    if (f.kind === "spec") apps.push(specApp(f, apps.length));
    else groups.set(`${f.category} ${f.channel}`, [...(groups.get(`${f.category} ${f.channel}`) ?? []), f]);
  }
  for (const group of groups.values()) apps.push(group[0]!.category === "websockets" ? websocketApp(group, apps.length) : sseApp(group, apps.length));
  return apps;
}

/** `{ ...message, validated: true }` back for each message: the echo upstream's generated apps answer. */
const ECHO = "({ ...message, validated: true as const })";

function messageTypes(group: MessageFixture[], prefix: string): { aliases: string[]; union: string } {
  const aliases: string[] = [];
  const names = group.map((f) => {
    const ctx = newContext(f.schema, `${prefix}_${f.name}`);
    const body = schemaToTs(f.schema, ctx);
    aliases.push(...ctx.aliases, `type ${prefix}_${f.name} = ${body};`);
    return `${prefix}_${f.name}`;
  });
  return { aliases, union: names.join(" | ") };
}

function websocketApp(group: MessageFixture[], index: number): ChannelApp {
  const prefix = `W${index}`;
  const { aliases, union } = messageTypes(group, prefix);
  const factory = `channel${index}`;
  const route = group[0]!.channel;
  const code = [
    `// websockets ${route}: ${group.map((f) => f.name).join(", ")}`,
    ...aliases,
    `export function ${factory}(): Spikard {`,
    `  const app = new Spikard({ logger: quiet });`,
    `  app.websocket(${JSON.stringify(route)}, (message: ${union}) => ${ECHO});`,
    `  return app;`,
    `}`,
  ].join("\n");
  return {
    module: "websockets",
    factory,
    code,
    ids: group.map((f) => f.id),
    async check(port) {
      const results = new Map<string, string | undefined>();
      const ws = await connect(port, route);
      try {
        for (const f of group) results.set(f.id, await echoes(ws, f.examples, f.schema));
      } finally {
        ws.close();
      }
      return results;
    },
  };
}

/**
 * Each example comes back with `validated: true`; the first example without a required field is refused with
 * Spikard's validation frame, naming the missing field where the union tells its members apart (`precise`).
 */
async function echoes(ws: Messages, examples: unknown[], schema: Json, precise = true): Promise<string | undefined> {
  for (const example of examples) {
    ws.socket.send(JSON.stringify(example));
    const reply = (await ws.next()) as Json;
    if (reply?.validated !== true) return `example ${JSON.stringify(example)} answered ${JSON.stringify(reply)}`;
    for (const [k, v] of Object.entries(example as Json)) if (!isDeepStrictEqual(reply[k], v)) return `example's ${k} came back as ${JSON.stringify(reply[k])}`;
  }
  const required = ((schema.required ?? []) as string[]).find((r) => !("const" in ((schema.properties?.[r] ?? {}) as Json)));
  if (required === undefined) return undefined;
  const { [required]: _dropped, ...invalid } = examples[0] as Json;
  ws.socket.send(JSON.stringify(invalid));
  const refusal = (await ws.next()) as Json;
  if (refusal?.error !== "Message validation failed") return `without ${required}: answered ${JSON.stringify(refusal)}`;
  const errors = (refusal.errors ?? []) as Json[];
  if (precise && !errors.some((e) => e.type === "missing" && JSON.stringify(e.loc) === JSON.stringify(["body", required]))) return `without ${required}: errors ${JSON.stringify(errors)}`;
  return undefined;
}

function sseApp(group: MessageFixture[], index: number): ChannelApp {
  const prefix = `E${index}`;
  const { aliases, union } = messageTypes(group, prefix);
  const factory = `channel${index}`;
  const route = group[0]!.channel;
  const events = group.flatMap((f) => f.examples);
  const code = [
    `// sse ${route}: ${group.map((f) => f.name).join(", ")}`,
    ...aliases,
    `export function ${factory}(): Spikard {`,
    `  const app = new Spikard({ logger: quiet });`,
    // Parsed at run time, not typed as literals: an example that violates its type must fail at run time, as a client would see it.
    `  const events = JSON.parse(${JSON.stringify(JSON.stringify(events))}) as Array<${union}>;`,
    `  app.sse(${JSON.stringify(route)}, function* (): Generator<${union}> { yield* events; });`,
    `  return app;`,
    `}`,
  ].join("\n");
  return {
    module: "sse",
    factory,
    code,
    ids: group.map((f) => f.id),
    async check(port) {
      const got = await readEvents(port, route);
      const results = new Map<string, string | undefined>();
      let at = 0;
      for (const f of group) {
        const mine = got.slice(at, at + f.examples.length);
        at += f.examples.length;
        results.set(f.id, isDeepStrictEqual(mine, f.examples) ? undefined : `events ${JSON.stringify(mine)}, expected ${JSON.stringify(f.examples)}`);
      }
      return results;
    },
  };
}

interface SpecChannel {
  address: string;
  params: Array<{ name: string; schema: Json }>;
  /** Its messages' payloads as the spec writes them (a `$ref` stays one: it names the type). */
  payloads: Json[];
}

function specChannels(spec: Json): SpecChannel[] {
  return Object.values((spec.channels ?? {}) as Record<string, Json>).map((raw) => {
    const c = resolveRef(spec, raw);
    const params = Object.entries((c.parameters ?? {}) as Record<string, Json>).map(([name, p]) => {
      const param = resolveRef(spec, p);
      // AsyncAPI 3.0 parameters carry enum/default; 2.x-style ones a schema.
      return { name, schema: (param.schema as Json | undefined) ?? (Array.isArray(param.enum) ? { type: "string", enum: param.enum } : { type: "string" }) };
    });
    const payloads = Object.values((c.messages ?? {}) as Record<string, Json>).map((m) => resolveRef(spec, m).payload as Json);
    return { address: String(c.address), params, payloads };
  });
}

function specApp(f: SpecFixture, index: number): ChannelApp {
  const prefix = `S${index}`;
  const ctx = newContext(f.spec, prefix);
  const protocol = specProtocol(f.spec);
  const factory = `channel${index}`;
  const channels = specChannels(f.spec);
  const lines: string[] = [];
  const examples: unknown[][] = [];
  channels.forEach((c, ci) => {
    // One named type per message: each is then a component of the app's document, one message per member.
    const members = c.payloads.map((p, mi) => {
      lines.push(`type ${prefix}_C${ci}_M${mi} = ${schemaToTs(p, ctx)};`);
      return `${prefix}_C${ci}_M${mi}`;
    });
    const alias = `${prefix}_C${ci}`;
    lines.push(`type ${alias} = ${members.join(" | ")};`);
    const params = c.params.map((p) => `${p.name}: Path<${schemaToTs(p.schema, ctx)}>`);
    examples.push(c.payloads.map((p) => exampleOf(f.spec, p)));
    if (protocol === "websocket") lines.push(`  app.websocket(${JSON.stringify(c.address)}, (message: ${alias}${params.map((p) => `, ${p}`).join("")}) => ${ECHO});`);
    else {
      lines.push(`  const events${ci} = JSON.parse(${JSON.stringify(JSON.stringify(examples[ci]))}) as ${alias}[];`);
      lines.push(`  app.sse(${JSON.stringify(c.address)}, function* (${params.join(", ")}): Generator<${alias}> { yield* events${ci}; });`);
    }
  });
  const aliasLines = lines.filter((l) => l.startsWith("type "));
  const body = lines.filter((l) => !l.startsWith("type "));
  const code = [
    `// ${f.id}`,
    ...ctx.aliases,
    ...aliasLines,
    `export function ${factory}(): Spikard {`,
    `  const app = new Spikard({ logger: quiet, asyncapi: { title: ${JSON.stringify(String(f.spec.info?.title ?? "spec"))} } });`,
    ...body,
    `  return app;`,
    `}`,
  ].join("\n");
  return {
    module: "asyncapi_schemas",
    factory,
    code,
    ids: [f.id],
    async check(port) {
      const problem = await checkSpec(port, f.spec, channels, examples, protocol);
      return new Map([[f.id, problem]]);
    },
  };
}

async function checkSpec(port: number, spec: Json, channels: SpecChannel[], examples: unknown[][], protocol: string): Promise<string | undefined> {
  for (const [ci, c] of channels.entries()) {
    const path = c.address.replace(/\{(\w+)\}/g, (_m, name: string) => String(exampleOf(spec, c.params.find((p) => p.name === name)?.schema ?? { type: "string" }, name)));
    if (protocol === "websocket") {
      const ws = await connect(port, path);
      try {
        for (const [i, example] of examples[ci]!.entries()) {
          const problem = await echoes(ws, [example], resolveRef(spec, c.payloads[i]!), false);
          if (problem !== undefined) return `${c.address}: ${problem}`;
        }
      } finally {
        ws.close();
      }
    } else {
      const got = await readEvents(port, path);
      if (!isDeepStrictEqual(got, examples[ci])) return `${c.address}: events ${JSON.stringify(got)}, expected ${JSON.stringify(examples[ci])}`;
    }
  }
  return documentDifference(await getJson(port, "/asyncapi.json"), channels, spec);
}

/** The app's own document has the spec's channels (addresses, parameters) and each message's payload shape. */
function documentDifference(doc: Json, channels: SpecChannel[], spec: Json): string | undefined {
  const ours = Object.values((doc.channels ?? {}) as Record<string, Json>);
  for (const c of channels) {
    const mine = ours.find((o) => o.address === c.address);
    if (mine === undefined) return `the document has no channel ${c.address}`;
    const names = Object.keys((mine.parameters ?? {}) as Json).sort();
    if (JSON.stringify(names) !== JSON.stringify(c.params.map((p) => p.name).sort())) return `${c.address}: parameters ${names.join(",")}`;
    const payloads = Object.values((mine.messages ?? {}) as Record<string, Json>).map((m) => resolveRef(doc, resolveRef(doc, m).payload));
    for (const p of c.payloads) {
      const want = shape(spec, p);
      if (!payloads.some((q) => shape(doc, q) === want)) return `${c.address}: no message with the payload shape ${want}`;
    }
  }
  return undefined;
}

/** Property names and required ones: what a payload's type must keep from its schema. */
function shape(root: Json, schema: Json): string {
  const s = resolveRef(root, schema);
  return JSON.stringify({ properties: Object.keys((s.properties ?? {}) as Json).sort(), required: [...((s.required ?? []) as string[])].sort() });
}

interface Messages {
  socket: WebSocket;
  next(): Promise<unknown>;
  close(): void;
}

function connect(port: number, path: string): Promise<Messages> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const queue: unknown[] = [];
    let waiter: ((v: unknown) => void) | undefined;
    socket.on("message", (data) => {
      const v = JSON.parse(data.toString()) as unknown;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w(v);
      } else queue.push(v);
    });
    socket.once("unexpected-response", (_req, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
    socket.once("error", reject);
    socket.once("open", () =>
      resolve({
        socket,
        next: () =>
          queue.length > 0
            ? Promise.resolve(queue.shift())
            : new Promise((r, j) => {
                const timer = setTimeout(() => j(new Error("no message within 5 s")), 5000);
                waiter = (v) => {
                  clearTimeout(timer);
                  r(v);
                };
              }),
        close: () => socket.close(),
      }),
    );
  });
}

/** Every event of a stream that ends, data parsed as JSON. */
function readEvents(port: number, path: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, headers: { accept: "text/event-stream" } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          if (res.statusCode !== 200 || !String(res.headers["content-type"]).startsWith("text/event-stream")) return reject(new Error(`answered ${res.statusCode} ${res.headers["content-type"]}`));
          const events = text
            .split("\n\n")
            .filter((block) => block.includes("data:"))
            .map((block) => JSON.parse(block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n")) as unknown);
          resolve(events);
        });
      })
      .on("error", reject);
  });
}

function getJson(port: number, path: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(JSON.parse(text) as Json));
      })
      .on("error", reject);
  });
}
