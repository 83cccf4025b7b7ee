import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Parser } from "@asyncapi/parser";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { LiveTestClient, TestClient } from "spikard/testing";
import { buildAsyncApiApp } from "./apps/asyncapi";
import { compileApps } from "./support/compile-app";

// The AsyncAPI 3.0 document, generated at build time from the handlers' types: it must parse with
// @asyncapi/parser with no errors, and describe what the routes validate.

const ROOT = path.resolve(__dirname, "..");
const app = buildAsyncApiApp();
const client = new TestClient(app);

type Json = Record<string, any>;

async function errorsOf(doc: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`);
}

describe("AsyncAPI document", () => {
  it("parses with @asyncapi/parser with 0 errors (JSON and YAML as served)", async () => {
    const json = (await client.get("/asyncapi.json")).assertStatusOk();
    expect(json.headers["content-type"]).toBe("application/json");
    expect(await errorsOf(json.json())).toEqual([]);
    const yaml = (await client.get("/asyncapi.yaml")).assertStatusOk();
    expect(yaml.headers["content-type"]).toBe("application/yaml");
    expect(YAML.parse(yaml.text())).toEqual(json.json());
  });

  it("has one channel per route, addressed with every prefix, with its parameters", () => {
    const doc = app.asyncapi() as Json;
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.info).toEqual({ title: "Chat", version: "2.1.0", description: "Rooms and notifications" });
    expect(doc.servers).toEqual({ local: { host: "localhost:8000", protocol: "ws" } });
    expect(Object.fromEntries(Object.entries(doc.channels as Record<string, Json>).map(([id, c]) => [id, c.address]))).toEqual({
      chat: "/chat",
      files_id: "/files/{id}",
      notifications: "/notifications",
      shout: "/shout",
      v1_rooms_room: "/v1/rooms/{room}",
    });
    expect(doc.channels.v1_rooms_room.parameters).toEqual({ room: { enum: ["general", "random"] } });
    expect(doc.channels.files_id.parameters).toEqual({ id: {} });
    expect(doc.channels.notifications.summary).toBe("Notifications as they happen.");
  });

  it("documents handshake query and headers as ws bindings, and SSE as an http operation binding", () => {
    const doc = app.asyncapi() as Json;
    expect(doc.channels.v1_rooms_room.bindings).toEqual({
      ws: {
        method: "GET",
        query: { type: "object", properties: { token: { type: "string", minLength: 8 } }, required: ["token"] },
        headers: { type: "object", properties: { "x-client": { type: "string" } } },
        bindingVersion: "0.1.0",
      },
    });
    expect(doc.operations.sendNotifications.bindings).toEqual({
      http: { method: "GET", query: { type: "object", properties: { topic: { type: "string", default: "all" } } }, bindingVersion: "0.3.0" },
    });
  });

  it("operates from the app's side: receive for what clients send (with the reply), send for the rest", () => {
    const doc = app.asyncapi() as Json;
    const ops = doc.operations as Record<string, Json>;
    expect(Object.keys(ops).sort()).toEqual(["receiveChat", "receiveFilesId", "receiveShout", "receiveV1RoomsRoom", "sendChat", "sendFilesId", "sendNotifications", "sendShout", "sendV1RoomsRoom"]);
    expect(ops.receiveChat).toEqual({
      action: "receive",
      channel: { $ref: "#/channels/chat" },
      messages: [{ $ref: "#/channels/chat/messages/ChatMessage" }],
      reply: { channel: { $ref: "#/channels/chat" }, messages: [{ $ref: "#/channels/chat/messages/Ack" }] },
      tags: [{ name: "chat" }],
    });
    expect(ops.sendV1RoomsRoom!.messages).toEqual([{ $ref: "#/channels/v1_rooms_room/messages/ChatMessage" }, { $ref: "#/channels/v1_rooms_room/messages/Presence" }]);
    expect(ops.sendV1RoomsRoom!.tags).toEqual([{ name: "rooms" }]);
    expect(ops.sendNotifications!.action).toBe("send");
  });

  it("puts the payload schemas of the validated types in components, shared between channels", () => {
    const doc = app.asyncapi() as Json;
    expect(doc.components.schemas.ChatMessage).toEqual({
      type: "object",
      properties: { type: { const: "message" }, user: { type: "string", minLength: 1, description: "Who speaks." }, text: { type: "string", maxLength: 500 } },
      required: ["type", "user", "text"],
    });
    expect(doc.components.schemas.Ack.properties.at).toEqual({ type: "string", format: "date-time" });
    expect(doc.components.messages.ChatMessage).toEqual({ name: "ChatMessage", contentType: "application/json", payload: { $ref: "#/components/schemas/ChatMessage" } });
    expect(doc.components.messages.FilesIdMessage).toEqual({ name: "FilesIdMessage", contentType: "application/octet-stream", payload: { type: "string", format: "binary" } });
    expect(doc.components.messages.ShoutMessage).toEqual({ name: "ShoutMessage", contentType: "text/plain", payload: { type: "string", maxLength: 140 } });
    expect(doc.channels.chat.messages).toEqual({ Ack: { $ref: "#/components/messages/Ack" }, ChatMessage: { $ref: "#/components/messages/ChatMessage" } });
  });

  it("leaves WebSocket routes out of the OpenAPI document and documents SSE there as text/event-stream", () => {
    const doc = app.openapi() as Json;
    expect(Object.keys(doc.paths)).toEqual(["/health", "/notifications"]);
    expect(Object.keys(doc.paths["/notifications"].get.responses["200"].content)).toEqual(["text/event-stream"]);
  });

  it("is deterministic", () => {
    expect(JSON.stringify(buildAsyncApiApp().asyncapi())).toBe(JSON.stringify(app.asyncapi()));
  });
});

describe("spikard asyncapi (CLI)", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("writes the compiled app's document without listening, as JSON and YAML, and it parses", async () => {
    const compiled = compileApps(["test/apps/realtime.ts", "test/apps/asyncapi.ts", "test/apps/asyncapi-server.ts"]);
    dirs.push(compiled.dir);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "spikard-asyncapi-")), "asyncapi.json");
    dirs.push(path.dirname(out));
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli.js"), "asyncapi", path.join(compiled.out, "asyncapi-server.js"), "--out", out], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(fs.readFileSync(out, "utf8")) as Json;
    expect(await errorsOf(doc)).toEqual([]);
    expect(doc).toEqual(JSON.parse(JSON.stringify(app.asyncapi())));
    const yaml = out.replace(/\.json$/, ".yaml");
    expect(spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli.js"), "asyncapi", path.join(compiled.out, "asyncapi-server.js"), "--out", yaml]).status).toBe(0);
    expect(YAML.parse(fs.readFileSync(yaml, "utf8"))).toEqual(doc);
  });

  it("is served over a real socket too", async () => {
    await using live = new LiveTestClient(buildAsyncApiApp());
    expect(await errorsOf((await live.get("/asyncapi.json")).assertStatusOk().json())).toEqual([]);
  });
});
