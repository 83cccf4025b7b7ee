import { Router, SseEvent, Spikard, type Header, type Path, type Query, type WebSocket } from "spikard";
import type { tags } from "typia";
import type { Ack, ChatMessage } from "./realtime";

// An app documenting every kind of channel, for test/asyncapi.test.ts and the CLI export.

export interface Presence {
  type: "presence";
  users: string[];
}
export interface Notification {
  message: string;
  count: number & tags.Type<"int32">;
}

export function buildAsyncApiApp(): Spikard {
  const app = new Spikard({
    asyncapi: { title: "Chat", version: "2.1.0", description: "Rooms and notifications", servers: { local: { host: "localhost:8000", protocol: "ws" } } },
  });
  /**
   * The lobby.
   * @tag chat
   */
  app.websocket("/chat", (message: ChatMessage): Ack | undefined => ({ type: "ack", at: new Date().toISOString() }));

  const rooms = new Router({ prefix: "/v1", tags: ["rooms"] });
  rooms.websocket("/rooms/{room}", {
    open(ws: WebSocket<ChatMessage | Presence>, room: Path<"general" | "random">, token: Query<string & tags.MinLength<8>>, client?: Header<string, "X-Client">) {
      ws.subscribe(room);
    },
    message(ws, m: ChatMessage) {
      ws.publish(ws.params.room!, m);
    },
  });
  app.includeRouter(rooms);

  app.websocket("/files/{id:int}", (chunk: Uint8Array): Uint8Array => chunk);
  app.websocket("/shout", (text: string & tags.MaxLength<140>): string => text.toUpperCase());

  /** Notifications as they happen. */
  app.sse("/notifications", async function* (lastEventId?: Header<number & tags.Type<"int32">, "Last-Event-ID">, topic: Query<string> = "all"): AsyncGenerator<Notification | SseEvent<Notification>> {
    yield { message: topic, count: lastEventId ?? 0 };
  });
  app.get("/health", () => ({ ok: true }));
  return app;
}
