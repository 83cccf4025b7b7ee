// The realtime workloads on spikard: the message types are the checks, generated at build time.
import { Spikard, type WebSocket } from "spikard";
import type { tags } from "typia";

interface ChatMessage {
  type: "message";
  user: string & tags.MinLength<1> & tags.MaxLength<50>;
  text: string & tags.MaxLength<500>;
}
interface Tick {
  seq: number & tags.Type<"uint32">;
  message: string;
}
interface Note {
  seq: number & tags.Type<"uint32">;
  text: string & tags.MaxLength<200>;
}

const app = new Spikard({ logger: { error: console.error, warn: console.warn, info: () => {} } });
app.get("/hello", () => "ok");
// Echo: parse, validate, serialize back.
app.websocket("/echo", (m: ChatMessage): ChatMessage => m);
// As many events as each client takes.
app.sse("/events", async function* (): AsyncGenerator<Tick> {
  for (let seq = 0; ; seq++) yield { seq, message: "tick" };
});
app.websocket("/fanout", {
  open(ws: WebSocket<Note>) {
    ws.subscribe("all");
  },
  message: (_ws, _m: unknown) => undefined,
});
app.websocket("/publish", {
  message(ws: WebSocket<Note>, m: Note) {
    ws.publish("all", m);
  },
});
app.run();
