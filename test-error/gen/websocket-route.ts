// expect: SPK023 does not generate metadata for WebSocket
import { Spikard } from "spikard";

const app = new Spikard();
app.websocket("/echo", (message: { text: string }) => message);
export default app;
