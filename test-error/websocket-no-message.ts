// expect: SPK022 has no message handler
import { Spikard, type WebSocket } from "spikard";

const app = new Spikard();
app.websocket("/chat", { open(ws: WebSocket<string>) { ws.send("hi"); } } as never);
