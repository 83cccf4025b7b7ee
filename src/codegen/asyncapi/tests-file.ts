import { sampleValue } from "../json-schema/sample";
import type { Json } from "../openapi/load";
import { invalidScalar, locOf, paramValue, pathOf, put, remove, wireKey, deref, type SampleRequest } from "../openapi/requests";
import { indentJson } from "../openapi/routes-file";
import type { SchemaCheck } from "../openapi/schema-check";
import { messageValue, type ChannelOutput } from "./channels-file";
import type { ChannelMessage, ChannelModel } from "./model";

/**
 * DIR/<group>.test.ts: per WebSocket channel, each message the app receives
 * reaches its handler (an untouched one answers as generated: the echo, the
 * spec's reply example, or the 501 error frame; an edited one anything but a
 * refusal), a message that fails its schema gets the validation error frame,
 * and a handshake with an invalid parameter is refused with its 422; per SSE
 * channel, the untouched stream sends its events and an invalid parameter
 * answers 422. Regenerated on every run, so they follow edited handlers.
 */
export function writeChannelTests(header: string, outputs: ChannelOutput[], model: ChannelModel, check: SchemaCheck): string {
  const blocks = outputs.map((o) => {
    const { channel } = o;
    const lines: string[] = [`describe(${JSON.stringify(`${channel.id}: ${channel.protocol === "sse" ? "SSE" : "WebSocket"} ${channel.address}`)}, () => {`];
    const valid = connectRequest(o, model, check);
    if (typeof valid === "string") {
      lines.push(`  it.skip(${JSON.stringify(`connects (${valid})`)}, () => {});`, "});");
      return lines.join("\n");
    }
    const target = `${JSON.stringify(pathOf(valid))}${options(valid)}`;
    if (channel.protocol === "sse") {
      if (o.edited) {
        lines.push(
          `  it("answers with an event stream", async () => {`,
          `    const stream = client.sse(${target});`,
          "    try {",
          "      const head = await stream.response;",
          "      expect(head.statusCode, head.text()).toBe(200);",
          '      expect(head.headers["content-type"]).toBe("text/event-stream");',
          "    } finally {",
          "      stream.close();",
          "    }",
          "  });",
        );
      } else {
        const values = o.untouched.kind === "events" ? o.untouched.values : [];
        lines.push(
          `  it("streams its events", async () => {`,
          "    const events: unknown[] = [];",
          `    for await (const e of client.sse(${target})) events.push(e.data);`,
          `    expect(events).toEqual(${indentJson(values, "    ")});`,
          "  });",
        );
      }
      const bad = invalidHandshake(o, valid, model);
      if (bad !== undefined) {
        lines.push(
          `  it(${JSON.stringify(`answers 422 at ${bad.loc.join(".")} ${bad.what}`)}, async () => {`,
          `    const res = await client.get(${JSON.stringify(pathOf(bad.request))}${options(bad.request)});`,
          "    expect(res.statusCode, res.text()).toBe(422);",
          `    expect(res.json<{ errors: Array<{ loc: unknown }> }>().errors.map((e) => e.loc)).toContainEqual(${JSON.stringify(bad.loc)});`,
          "  });",
        );
      }
      lines.push("});");
      return lines.join("\n");
    }

    if (channel.receive.length === 0) {
      lines.push(`  it("opens", async () => {`, `    const ws = await client.websocket(${target});`, "    await ws.close();", "  });");
    }
    for (const m of channel.receive) {
      const value = messageValue(m, model, check);
      if (value === undefined) {
        lines.push(`  it.skip(${JSON.stringify(`answers ${m.key} (no valid value could be made from its schema)`)}, () => {});`);
        continue;
      }
      lines.push(`  it(${JSON.stringify(`a valid ${m.key} reaches the handler`)}, async () => {`, `    const ws = await client.websocket(${target});`, "    try {", `      ws.send(${indentJson(value, "      ")});`);
      if (o.edited) lines.push("      const reply = (await ws.silentFor(300)) ? undefined : await ws.receive();", "      expect(refusal(reply), JSON.stringify(reply)).toBeUndefined();");
      else if (o.untouched.kind === "echo") lines.push(`      expect(await ws.receive()).toEqual(${indentJson(value, "      ")});`);
      else if (o.untouched.kind === "reply") lines.push(`      expect(await ws.receive()).toEqual(${indentJson(o.untouched.value, "      ")});`);
      else if (o.untouched.kind === "unimplemented") lines.push(`      expect(await ws.receive()).toEqual({ type: "error", status: 501, message: ${JSON.stringify(o.untouched.message)} });`);
      lines.push("    } finally {", "      await ws.close();", "    }", "  });");
    }
    const invalid = invalidMessage(channel.receive, model, check);
    if (invalid === undefined && channel.receive.some((m) => m.kind === "json")) lines.push(`  it.skip("refuses an invalid message (no message every schema refuses could be made)", () => {});`);
    if (invalid !== undefined) {
      lines.push(
        `  it(${JSON.stringify(`refuses a message ${invalid.what}`)}, async () => {`,
        `    const ws = await client.websocket(${target});`,
        "    try {",
        `      ws.send(${indentJson(invalid.value, "      ")});`,
        "      const frame = (await ws.receive()) as { error?: string; errors?: Array<{ loc: unknown }> };",
        '      expect(frame.error, JSON.stringify(frame)).toBe("Message validation failed");',
        ...(invalid.loc !== undefined ? [`      expect(frame.errors?.map((e) => e.loc)).toContainEqual(${JSON.stringify(invalid.loc)});`] : ["      expect(frame.errors?.length).toBeGreaterThan(0);"]),
        "    } finally {",
        "      await ws.close();",
        "    }",
        "  });",
      );
    }
    const bad = invalidHandshake(o, valid, model);
    if (bad !== undefined) {
      lines.push(
        `  it(${JSON.stringify(`refuses the handshake with 422 at ${bad.loc.join(".")} ${bad.what}`)}, async () => {`,
        `    const err: unknown = await client.websocket(${JSON.stringify(pathOf(bad.request))}${options(bad.request)}).then(`,
        "      async (ws) => (await ws.close(), undefined),",
        "      (e: unknown) => e,",
        "    );",
        "    expect(err).toBeInstanceOf(WebSocketHandshakeError);",
        "    const res = (err as WebSocketHandshakeError).response;",
        "    expect(res.statusCode, res.text()).toBe(422);",
        `    expect(res.json<{ errors: Array<{ loc: unknown }> }>().errors.map((e) => e.loc)).toContainEqual(${JSON.stringify(bad.loc)});`,
        "  });",
      );
    }
    lines.push("});");
    return lines.join("\n");
  });
  const ws = outputs.some((o) => o.channel.protocol === "websocket");
  const edited = outputs.some((o) => o.edited && o.channel.protocol === "websocket");
  return `${header}import { describe, expect, it } from "vitest";
import { TestClient${ws ? ", WebSocketHandshakeError" : ""} } from "spikard/testing";
import { createApp } from "./app";

const client = new TestClient(createApp());
${edited ? `
/** The framework's own refusal of a message (invalid JSON, a failed validation), if the reply is one. */
function refusal(reply: unknown): string | undefined {
  const r = (reply ?? {}) as { error?: unknown; type?: unknown; status?: unknown; message?: unknown };
  if (r.error === "Message validation failed") return "Message validation failed";
  return r.type === "error" && r.status === undefined && typeof r.message === "string" ? r.message : undefined;
}
` : ""}
${blocks.join("\n\n")}
`;
}

/** The handshake (or SSE request) with every required parameter. */
function connectRequest(o: ChannelOutput, model: ChannelModel, check: SchemaCheck): SampleRequest | string {
  const req: SampleRequest = { route: o.channel.address, params: {}, query: {}, headers: {}, cookies: {} };
  for (const p of o.params) {
    if (!p.required) continue;
    const v = paramValue(p, model, check);
    if (v === undefined) return `no valid value for ${p.in} parameter ${p.name}`;
    put(req, p, v);
  }
  return req;
}

/** Without a required query or header parameter, else with an invalid one: the handshake's 422. */
function invalidHandshake(o: ChannelOutput, valid: SampleRequest, model: ChannelModel): { request: SampleRequest; loc: string[]; what: string } | undefined {
  for (const p of o.params) {
    if (!p.required || p.in === "path") continue;
    const r = structuredClone(valid);
    remove(r, p);
    return { request: r, loc: [locOf(p), wireKey(p)], what: `without the required ${p.in} parameter ${p.name}` };
  }
  for (const p of o.params) {
    const bad = invalidScalar(deref(p.schema, model));
    if (bad === undefined || (p.in === "path" && bad === "")) continue;
    const r = structuredClone(valid);
    put(r, p, bad);
    return { request: r, loc: [locOf(p), wireKey(p)], what: `with an invalid ${p.in} parameter ${p.name}` };
  }
  return undefined;
}

/**
 * A JSON message no received message's schema accepts: one without a
 * required property (its `loc` asserted when the channel receives one
 * type), else a value of the wrong type.
 */
function invalidMessage(receive: ChannelMessage[], model: ChannelModel, check: SchemaCheck): { value: unknown; loc?: string[]; what: string } | undefined {
  if (receive.length === 0 || receive.some((m) => m.kind !== "json")) return undefined;
  const rejectedByAll = (v: unknown): boolean => receive.every((m) => check.problem(v, m.payload) !== undefined);
  for (const m of receive) {
    const value = messageValue(m, model, check) ?? sampleValue(m.payload, (ref) => model.resolve(ref));
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    const schema = deref(m.payload, model);
    for (const field of Array.isArray(schema?.required) ? (schema!.required as string[]) : []) {
      const { [field]: _dropped, ...rest } = value as Json;
      if (rejectedByAll(rest)) return { value: rest, ...(receive.length === 1 ? { loc: ["body", field] } : {}), what: `without its required ${field}` };
    }
  }
  for (const v of ["not a message", 0, [] as unknown[]]) if (rejectedByAll(v)) return { value: v, what: `of the wrong type (${JSON.stringify(v)})` };
  return undefined;
}

function options(r: SampleRequest): string {
  const parts: string[] = [];
  if (Object.keys(r.query).length > 0) parts.push(`query: ${JSON.stringify(r.query)}`);
  if (Object.keys(r.headers).length > 0) parts.push(`headers: ${JSON.stringify(r.headers)}`);
  return parts.length === 0 ? "" : `, { ${parts.join(", ")} }`;
}
