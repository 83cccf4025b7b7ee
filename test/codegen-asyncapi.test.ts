import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { generateFromAsyncApi } from "../src/codegen/asyncapi/generate";
import { loadAsyncApi, parseAsyncApi } from "../src/codegen/asyncapi/load";
import { cli, files, tempProject, tspc, vitest } from "./support/generated-project";

const ROOT = path.resolve(__dirname, "..");
const SHARED = path.resolve(ROOT, "..", "shared", "conformance", "spikard", "asyncapi_schemas");
const sharedDir = fs.existsSync(SHARED) ? SHARED : "/work/shared/conformance/spikard/asyncapi_schemas";
const KAFKA = path.join(sharedDir, "pubsub_kafka.json");

/** Every WebSocket/SSE spec of Spikard's suite, and those in testing_data. */
const SPECS = [
  ...fs.readdirSync(sharedDir).filter((f) => f !== "pubsub_kafka.json").map((f) => path.join(sharedDir, f)),
  ...["asyncapi_schemas", "asyncapi_codegen"].flatMap((d) => fs.readdirSync(path.join(ROOT, "testing_data", d)).map((f) => path.join(ROOT, "testing_data", d, f))),
].sort();
const nameOf = (spec: string): string => path.basename(spec).replace(/\..*$/, "");
const LIVE_OPS = path.join(ROOT, "testing_data", "asyncapi_codegen", "live-ops.yaml");

type Json = Record<string, any>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-asyncapi-"));

/** What a channel of a document must keep: its address, its parameters' names, its messages' payload shapes (properties, required). */
function channelShapes(doc: Json): Record<string, { params: string[]; payloads: string[] }> {
  const resolve = (v: Json | undefined): Json => {
    let cur = v;
    for (let i = 0; i < 8 && typeof cur?.$ref === "string"; i++) cur = cur.$ref.slice(2).split("/").reduce((o: Json, k: string) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    return cur ?? {};
  };
  const out: Record<string, { params: string[]; payloads: string[] }> = {};
  for (const raw of Object.values((doc.channels ?? {}) as Json)) {
    const c = resolve(raw);
    const payloads = Object.values((c.messages ?? {}) as Json).map((m) => {
      const p = resolve(resolve(m).payload);
      return JSON.stringify({ type: p.type ?? null, properties: Object.keys(p.properties ?? {}).sort(), required: [...(p.required ?? [])].sort() });
    });
    out[c.address] = { params: Object.keys(c.parameters ?? {}).sort(), payloads: [...new Set(payloads)].sort() };
  }
  return out;
}

describe("spikard generate asyncapi, for every WebSocket/SSE spec of the suite and of testing_data", () => {
  let project: string;
  let build: string;
  const generated = new Map<string, ReturnType<typeof cli>>();

  beforeAll(() => {
    project = tempProject("spikard-asyncapi-gen-");
    for (const spec of SPECS) generated.set(spec, cli(["generate", "asyncapi", spec, "--output", path.join(project, "src", nameOf(spec))]));
    build = tspc(project);
  }, 600_000);

  afterAll(() => {
    fs.rmSync(project, { recursive: true, force: true });
  });

  it.each(SPECS.map((s) => [nameOf(s), s]))("%s: generates without problems", (_name, spec) => {
    const r = generated.get(spec)!;
    expect(r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("note: ")), r.stderr).toEqual([]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(project, "src", nameOf(spec), "app.ts"))).toBe(true);
  });

  it("compiles under strict through the transformer", () => {
    expect(build).toBe("");
  });

  it("passes its generated tests as generated", () => {
    const r = vitest(project);
    expect(r.status, r.output.slice(-4000)).toBe(0);
    expect(r.output).not.toMatch(/\bskipped\b/);
    // A valid message of every kind reaches its handler, an invalid one is refused, a bad handshake answers 422, streams stream.
    expect(r.output).toMatch(/websocket_chat\/channels\.test\.ts > chat: WebSocket \/chat\/\{roomId\} > a valid userJoined reaches the handler/);
    expect(r.output).toMatch(/websocket_chat\/channels\.test\.ts > chat: WebSocket \/chat\/\{roomId\} > refuses a message without its required/);
    expect(r.output).toMatch(/refuses the handshake with 422 at path\.roomId/);
    expect(r.output).toMatch(/sse_events\/channels\.test\.ts > userNotifications: SSE \/user\/\{userId\}\/notifications > streams its events/);
    expect(r.output).toMatch(/live-ops\/rooms\.test\.ts > rooms: WebSocket \/rooms\/\{room\} > refuses the handshake with 422 at query\.token/);
    expect(r.output).toMatch(/live-ops\/market\.test\.ts > ticker: SSE \/ticker\/\{symbol\} > answers 422 at query\.limit/);
    const count = Number(/Tests\s+(\d+) passed/.exec(r.output)?.[1] ?? 0);
    expect(count).toBeGreaterThan(SPECS.length * 4);
  }, 600_000);

  describe.each(SPECS.map((s) => [nameOf(s), s]))("%s round trip", (name, spec) => {
    let served: Json;

    beforeAll(async () => {
      await using app = await LiveTestClient.fromModule(path.join(project, "dist", name, "app.js"));
      const res = await app.get("/asyncapi.json");
      expect(res.statusCode, res.text()).toBe(200);
      served = res.json();
    }, 60_000);

    it("serves its own AsyncAPI document: the spec's channels, parameters and payload shapes", () => {
      expect(channelShapes(served)).toEqual(channelShapes(loadAsyncApi(spec).doc));
    });

    it("serves the spec's info and servers", () => {
      const doc = loadAsyncApi(spec).doc as Json;
      expect(served.info).toMatchObject({ title: doc.info.title, version: doc.info.version });
      expect(Object.keys(served.servers ?? {})).toEqual(Object.keys(doc.servers ?? {}));
    });
  });

  it("serves the handshake and messages over a real socket as in memory", async () => {
    await using live = await LiveTestClient.fromModule(path.join(project, "dist", "live-ops", "app.js"));
    await using ws = await live.websocket("/rooms/lobby", { query: { token: "abc" } });
    ws.send({ type: "chat", text: "hi" });
    expect(await ws.receive()).toEqual({ type: "ack", id: 1 });
    ws.send({ type: "chat", text: "" });
    expect(await ws.receive()).toMatchObject({ error: "Message validation failed" });
    const events: unknown[] = [];
    for await (const e of live.sse("/ticker/ACME")) events.push(e.data);
    expect(events).toEqual([{ symbol: "ACME", price: 12.5 }, { symbol: "ACME", price: 12.75, at: "2026-01-01T00:00:00Z" }]);
  }, 60_000);
});

describe("spikard generate asyncapi: output", () => {
  it("is byte-identical on a second run, and --check agrees until it is stale", () => {
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    expect(cli(["generate", "asyncapi", LIVE_OPS, "--output", a]).status).toBe(0);
    expect(cli(["generate", "asyncapi", LIVE_OPS, "--output", b]).status).toBe(0);
    expect(files(b)).toEqual(files(a));
    expect(cli(["generate", "asyncapi", LIVE_OPS, "--output", a]).stdout).toContain("(0 written, 0 removed)");
    expect(cli(["generate", "asyncapi", LIVE_OPS, "--output", a, "--check"]).status).toBe(0);
    fs.appendFileSync(path.join(a, "types.ts"), "// hand edit\n");
    const stale = cli(["generate", "asyncapi", LIVE_OPS, "--output", a, "--check"]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("[OUTPUT_STALE]");
    expect(stale.stderr).toContain("types.ts differs");
  });

  it("keeps handler bodies a user edited, regenerates the rest, and refuses to drop an edited one unless --prune", () => {
    const dir = path.join(tmp, "regions");
    cli(["generate", "asyncapi", LIVE_OPS, "--output", dir]);
    const file = path.join(dir, "routes", "rooms.ts");
    const edited = fs.readFileSync(file, "utf8").replace(/(\/\/ spikard:user handler\.rooms [0-9a-f]{8}\n)[\s\S]*?(\s*\/\/ spikard:end handler\.rooms)/, "$1    return { type: \"ack\", id: message.text.length };$2");
    fs.writeFileSync(file, edited);
    const changed = path.join(tmp, "changed.yaml");
    fs.writeFileSync(changed, fs.readFileSync(LIVE_OPS, "utf8").replace("description: A chat room.", "description: A room to chat in."));
    expect(cli(["generate", "asyncapi", changed, "--output", dir]).status).toBe(0);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toContain("return { type: \"ack\", id: message.text.length };");
    expect(text).toContain('description: "A room to chat in."');
    // The edited handler's test no longer expects the example, only that the message was not refused.
    expect(fs.readFileSync(path.join(dir, "rooms.test.ts"), "utf8")).toContain("expect(refusal(reply), JSON.stringify(reply)).toBeUndefined();");
    const gone = path.join(tmp, "gone.yaml");
    fs.writeFileSync(gone, fs.readFileSync(changed, "utf8").replace(/\n {2}rooms:\n[\s\S]*?\n {2}commands:/, "\n  commands:").replace(/\n {2}receiveChat:[\s\S]*?\n {2}runCommand:/, "\n  runCommand:"));
    const r = cli(["generate", "asyncapi", gone, "--output", dir]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("[ORPHANED_HANDLER]");
    expect(r.stderr).toContain("handler.rooms");
    expect(cli(["generate", "asyncapi", gone, "--output", dir, "--prune"]).status).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("declares a message two channels share once", () => {
    const shared = { payload: { type: "object", required: ["n"], properties: { n: { type: "integer" } } } };
    const doc = { asyncapi: "3.0.0", info: { title: "t", version: "1" }, channels: { a: { address: "/a", bindings: { ws: {} }, messages: { m: { $ref: "#/components/messages/Count" } } }, b: { address: "/b", bindings: { ws: {} }, messages: { m: { $ref: "#/components/messages/Count" } } } }, components: { messages: { Count: shared } } };
    const { files: out } = generateFromAsyncApi(parseAsyncApi(JSON.stringify(doc), "shared.json"), new Map());
    const types = out.find((f) => f.path === "types.ts")!.content;
    expect(types.match(/export interface Count\b/g)).toHaveLength(1);
    expect(types).not.toContain("Count2");
  });

  it("generates 200 channels in under 5 s", () => {
    const channels: Json = {};
    const operations: Json = {};
    const schemas: Json = {};
    for (let i = 0; i < 200; i++) {
      schemas[`Event${i}`] = { type: "object", required: ["id", "at"], properties: { id: { type: "string", format: "uuid" }, at: { type: "string", format: "date-time" }, n: { type: "integer", minimum: 0 } } };
      channels[`c${i}`] = { address: `/c${i}/{id}`, parameters: { id: { description: "id" } }, bindings: { ws: {} }, messages: { m: { payload: { $ref: `#/components/schemas/Event${i}` } } } };
      operations[`r${i}`] = { action: "receive", channel: { $ref: `#/channels/c${i}` }, tags: [{ name: `group${i % 10}` }], reply: { messages: [{ $ref: `#/channels/c${i}/messages/m` }] } };
    }
    const text = JSON.stringify({ asyncapi: "3.0.0", info: { title: "big", version: "1" }, channels, operations, components: { schemas } });
    const started = performance.now();
    const { files: out } = generateFromAsyncApi(parseAsyncApi(text, "big.json"), new Map());
    const ms = performance.now() - started;
    expect(out.filter((f) => f.path.startsWith("routes/"))).toHaveLength(10);
    expect(out.map((f) => f.content).join("").match(/spikard:user handler\./g)).toHaveLength(200);
    expect(ms).toBeLessThan(5000);
  });
});

/** A minimal AsyncAPI 3.0 document around some channels. */
function specWith(extra: Json): string {
  return JSON.stringify({ asyncapi: "3.0.0", info: { title: "t", version: "1" }, ...extra });
}
const wsChannel = (extra: Json = {}): Json => ({ address: "/a", bindings: { ws: {} }, messages: { m: { payload: { type: "object" } } }, ...extra });

describe("spikard generate asyncapi: a spec it cannot generate", () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ["Kafka (Spikard's pubsub_kafka.json)", "", "", /#\/servers\/production\/protocol: protocol "kafka" is not supported: Spikard serves WebSocket \(ws, wss\) and Server-Sent Events \(http, https\) channels/],
    ["AsyncAPI 2.6", "v2.json", JSON.stringify({ asyncapi: "2.6.0", info: {}, channels: {} }), /\[ASYNCAPI_VERSION\].*asyncapi: 2\.6\.0/],
    ["an OpenAPI document", "oas.json", JSON.stringify({ openapi: "3.1.0", info: {}, paths: {} }), /\[ASYNCAPI_VERSION\].*use spikard generate openapi/],
    ["malformed YAML", "bad.yaml", "asyncapi: 3.0.0\nchannels: [\n", /\[SPEC_UNREADABLE\]/],
    ["an MQTT server", "mqtt.json", specWith({ servers: { broker: { host: "b", protocol: "mqtt" } }, channels: { t: { address: "/t", messages: {} } } }), /#\/servers\/broker\/protocol: protocol "mqtt" is not supported/],
    ["no protocol at all", "none.json", specWith({ channels: { t: { address: "/t", messages: {} } } }), /#\/channels\/t: cannot tell whether this is a WebSocket or an SSE channel/],
    ["an address that is not a path", "addr.json", specWith({ channels: { t: wsChannel({ address: "user.events" }) } }), /#\/channels\/t\/address: address "user\.events" is not a path/],
    ["a parameter inside a segment", "seg.json", specWith({ channels: { t: wsChannel({ address: "/files/{id}.json", parameters: { id: {} } }) } }), /#\/channels\/t\/address: path segment "\{id\}\.json" is not supported/],
    ["an Avro payload", "avro.json", specWith({ channels: { t: wsChannel({ messages: { m: { payload: { schemaFormat: "application/vnd.apache.avro;version=1.9.0", schema: { type: "record" } } } } }) } }), /#\/channels\/t\/messages\/m\/payload\/schemaFormat: schema format "application\/vnd\.apache\.avro;version=1\.9\.0" is not supported/],
    ["an XML message", "xml.json", specWith({ channels: { t: wsChannel({ messages: { m: { contentType: "application/xml", payload: { type: "string" } } } }) } }), /#\/channels\/t\/messages\/m\/contentType: content type "application\/xml" is not supported/],
    ["a dangling message $ref", "ref.json", specWith({ channels: { t: wsChannel({ messages: { m: { $ref: "#/components/messages/Nope" } } }) } }), /#\/channels\/t\/messages\/m: reference "#\/components\/messages\/Nope" points at nothing/],
    ["an external $ref", "ext.json", specWith({ channels: { t: wsChannel({ messages: { m: { $ref: "other.yaml#/components/messages/M" } } }) } }), /external reference "other\.yaml#\/components\/messages\/M" is not supported/],
    ["a receive operation on an SSE channel", "sse.json", specWith({ channels: { t: { address: "/t", messages: { m: { payload: { type: "object" } } } } }, operations: { o: { action: "receive", channel: { $ref: "#/channels/t" }, bindings: { http: { method: "GET" } } } } }), /#\/operations\/o\/action: an SSE channel carries only what the app sends/],
    ["a handshake that is not a GET", "post.json", specWith({ channels: { t: wsChannel({ bindings: { ws: { method: "POST" } } }) } }), /#\/channels\/t\/bindings\/ws\/method: method "POST": a WebSocket handshake is a GET/],
    ["an undeclared parameter name", "param.json", specWith({ channels: { t: wsChannel({ parameters: { nope: {} } }) } }), /#\/channels\/t\/parameters\/nope: parameter "nope" is not in the address \/a/],
    ["an object in a query binding", "q.json", specWith({ channels: { t: wsChannel({ bindings: { ws: { query: { type: "object", properties: { f: { type: "object" } } } } } }) } }), /#\/channels\/t\/bindings\/ws\/query\/properties\/f: query parameter "f" is an object/],
    ["two channels at one address", "dup.json", specWith({ channels: { a: wsChannel({ address: "/x/{p}", parameters: { p: {} } }), b: wsChannel({ address: "/x/{q}", parameters: { q: {} } }) } }), /#\/channels\/b\/address: address \/x\/\{q\} is also served by #\/channels\/a/],
  ];

  it.each(cases)("%s: exits 1 with the pointer and what is unsupported, no stack trace", (_what, file, text, message) => {
    const spec = file === "" ? KAFKA : path.join(tmp, file);
    if (file !== "") fs.writeFileSync(spec, text);
    const out = path.join(tmp, `out-${file || "kafka"}`);
    const r = cli(["generate", "asyncapi", spec, "--output", out]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("answers bad arguments with the usage", () => {
    const usage = cli(["generate", "asyncapi", LIVE_OPS]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: spikard generate asyncapi SPEC.yaml|json --output DIR");
  });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("spikard generate asyncapi: hostile names and values", () => {
  it("escapes them, and the output still compiles and passes its tests", () => {
    let nested: Json = { type: "string" };
    for (let i = 0; i < 100; i++) nested = { type: "array", items: nested };
    const spec = {
      asyncapi: "3.0.0",
      info: { title: "hostile */ `${title}`", version: "1" },
      servers: { s: { host: "h", protocol: "wss" } },
      channels: {
        "we*/ird\nid": {
          address: "/r/{room_id}/x'y\"z",
          summary: "line one\n*/ evil()",
          description: "ends a comment */ console.log('x') /* and `${backticks}`",
          parameters: { room_id: { enum: ['q"uote', "back\\slash"], description: "*/ nope" } },
          messages: {
            "m*/sg": {
              payload: {
                type: "object",
                description: "*/ /*",
                required: ["a b"],
                properties: { "a b": { type: "string", enum: ["line\nbreak", "`tick`"] }, deep: nested, "1digit": { type: "integer" } },
              },
              examples: [{ payload: { "a b": "`tick`", extra: "dropped" } }],
            },
          },
        },
      },
    };
    const project = tempProject("spikard-asyncapi-hostile-");
    try {
      const file = path.join(project, "hostile.json");
      fs.writeFileSync(file, JSON.stringify(spec));
      const r = cli(["generate", "asyncapi", file, "--output", path.join(project, "src", "api")]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("nested deeper than 64 levels");
      expect(tspc(project)).toBe("");
      const t = vitest(project);
      expect(t.status, t.output.slice(-3000)).toBe(0);
      expect(t.output).toMatch(/Tests\s+3 passed/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 300_000);
});
