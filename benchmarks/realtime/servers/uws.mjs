// The ceiling: uWebSockets.js's WebSocket and a streamed response with no framework, doing the same
// parse, check and serialize by hand as the spikard app's types make it do.
import uWS from "uWebSockets.js";

const decoder = new TextDecoder();
const checkChat = (m) =>
  m !== null && typeof m === "object" && m.type === "message" && typeof m.user === "string" && m.user.length >= 1 && m.user.length <= 50 && typeof m.text === "string" && m.text.length <= 500;
const checkNote = (m) => m !== null && typeof m === "object" && Number.isInteger(m.seq) && m.seq >= 0 && typeof m.text === "string" && m.text.length <= 200;
const parse = (msg) => {
  try {
    return JSON.parse(decoder.decode(msg));
  } catch {
    return undefined;
  }
};

const app = uWS.App();
app.ws("/echo", {
  maxPayloadLength: 1024 * 1024,
  idleTimeout: 120,
  message: (ws, msg) => {
    const m = parse(msg);
    if (m === undefined) return void ws.send('{"type":"error","message":"Invalid JSON"}');
    if (!checkChat(m)) return void ws.send('{"error":"Message validation failed"}');
    ws.send(JSON.stringify({ type: m.type, user: m.user, text: m.text }));
  },
});
app.ws("/fanout", { idleTimeout: 120, maxBackpressure: 1024 * 1024, open: (ws) => ws.subscribe("all"), message: () => {} });
app.ws("/publish", {
  idleTimeout: 120,
  message: (_ws, msg) => {
    const m = parse(msg);
    if (m !== undefined && checkNote(m)) app.publish("all", JSON.stringify({ seq: m.seq, text: m.text }));
  },
});
app.get("/events", (res) => {
  let aborted = false;
  let seq = 0;
  res.onAborted(() => (aborted = true));
  let waiting = false;
  // Events are formatted into one chunk of up to 64 KiB and written at once (one chunk header, one syscall),
  // until the socket backs up (the rest when it is writable again); the next chunk on the next turn, so that one
  // stream never keeps the thread from the others.
  const pump = () => {
    if (aborted) return true;
    let chunk = "";
    while (chunk.length < 64 * 1024) {
      const tick = { seq: seq++, message: "tick" };
      if (!(Number.isInteger(tick.seq) && typeof tick.message === "string")) continue;
      chunk += `data: ${JSON.stringify(tick)}\n\n`;
    }
    if (!res.write(chunk)) return (waiting = true), false;
    setImmediate(() => !aborted && res.cork(pump));
    return true;
  };
  res.cork(() => {
    res.writeStatus("200 OK").writeHeader("content-type", "text/event-stream").writeHeader("cache-control", "no-cache");
    pump();
  });
  res.onWritable(() => {
    if (!waiting) return true;
    waiting = false;
    let ok = true;
    res.cork(() => (ok = pump()));
    return ok;
  });
});
app.get("/hello", (res) => void res.end("ok"));
app.listen("127.0.0.1", Number(process.env.PORT), (t) => {
  if (!t) process.exit(1);
});
