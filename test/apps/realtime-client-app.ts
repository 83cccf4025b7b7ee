import { Router, SseEvent, Spikard, type Header, type Path, type Query, type WebSocket } from "spikard";
import type { tags } from "typia";

/** The app the generated client's realtime part is tested against: WebSocket routes both ways, SSE routes with and without parameters. */
export interface ChatMessage {
  type: "chat";
  text: string & tags.MinLength<1>;
}

export interface Ack {
  type: "ack";
  length: number;
}

export interface Notice {
  type: "notice";
  room: string;
}

export interface Tick {
  symbol: string;
  price: number;
}

const app = new Spikard({ openapi: { title: "Realtime client app", version: "1.0.0" }, asyncapi: { title: "Realtime client app", version: "1.0.0" } });

app.get("/health", () => ({ ok: true }), { operationId: "health" });

// The seed's form: each message answered with its reply.
app.websocket("/echo", (message: ChatMessage): Ack => ({ type: "ack", length: message.text.length }));

// The full form: the app also sends on its own (a notice on open), typed by WebSocket<Out>; a typed query parameter.
const rooms = new Router({ prefix: "/rooms" });
rooms.websocket("/{room}", {
  open(ws: WebSocket<Ack | Notice>, room: Path<string>, token: Query<string & tags.MinLength<3>>) {
    ws.send({ type: "notice", room: `${room}:${token}` });
  },
  message(ws: WebSocket<Ack | Notice>, message: ChatMessage): Ack {
    return { type: "ack", length: message.text.length };
  },
});
app.includeRouter(rooms);

// Text both ways.
app.websocket("/shout", (message: string): string => message.toUpperCase());

app.sse("/ticks/{symbol}", async function* (symbol: Path<string>, count: Query<number & tags.Type<"uint32">> = 3): AsyncGenerator<Tick> {
  for (let i = 0; i < count; i++) yield { symbol, price: 10 + i };
}, { operationId: "ticks" });

app.sse("/alerts", function* (lastEventId?: Header<string, "Last-Event-ID">): Generator<SseEvent<{ level: "info" | "warn"; text: string }>> {
  yield new SseEvent({ data: { level: "info", text: `after ${lastEventId ?? "none"}` }, event: "alert", id: "1" });
  yield new SseEvent({ data: { level: "warn", text: "multi\nline" }, event: "alert", id: "2", retry: 1500 });
});

app.run();
