// A WebSocket app in its own process (LiveTestClient.fromModule): SPIKARD_WORKERS threads, PS_REDIS_URL for a
// Redis broker between instances (PS_PREFIX its channel prefix). Each connection is told which thread serves it.
import { threadId } from "node:worker_threads";
import { Spikard, type Path, type WebSocket } from "spikard";
import { redisBroker } from "spikard/websocket";

interface Note {
  text: string;
  from: number;
}
interface Hello {
  thread: number;
}

const env = process.env;
const app = new Spikard({ broker: env.PS_REDIS_URL ? redisBroker({ url: env.PS_REDIS_URL, prefix: env.PS_PREFIX }) : undefined });
app.websocket("/topic/{name}", {
  open(ws: WebSocket<Note | Hello>, name: Path<string>) {
    ws.subscribe(name);
    ws.send({ thread: threadId });
  },
  message(ws, m: { text: string }) {
    ws.publish(ws.params.name!, { text: m.text, from: threadId });
  },
});
app.sse("/ping", function* () {
  yield { thread: threadId };
});
app.run();
