// expect: SPK002 Handler parameter "msg" has no type annotation
import { Spikard } from "spikard";

const app = new Spikard();
app.websocket("/echo", { message(ws, msg) { ws.send(msg); } });
