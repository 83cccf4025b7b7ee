// The `ws` package on node:http, doing the same parse, check and serialize by hand (WebSocket workloads only).
import http from "node:http";
import { WebSocketServer } from "ws";

const checkChat = (m) =>
  m !== null && typeof m === "object" && m.type === "message" && typeof m.user === "string" && m.user.length >= 1 && m.user.length <= 50 && typeof m.text === "string" && m.text.length <= 500;
const checkNote = (m) => m !== null && typeof m === "object" && Number.isInteger(m.seq) && m.seq >= 0 && typeof m.text === "string" && m.text.length <= 200;
const parse = (data) => {
  try {
    return JSON.parse(data.toString());
  } catch {
    return undefined;
  }
};

const server = http.createServer((req, res) => {
  res.writeHead(req.url === "/hello" ? 200 : 404).end("ok");
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
const subscribers = new Set();
const routes = {
  "/echo": (ws) =>
    ws.on("message", (data) => {
      const m = parse(data);
      if (m === undefined) return ws.send('{"type":"error","message":"Invalid JSON"}');
      if (!checkChat(m)) return ws.send('{"error":"Message validation failed"}');
      ws.send(JSON.stringify({ type: m.type, user: m.user, text: m.text }));
    }),
  "/fanout": (ws) => {
    subscribers.add(ws);
    ws.on("close", () => subscribers.delete(ws));
  },
  "/publish": (ws) =>
    ws.on("message", (data) => {
      const m = parse(data);
      if (m === undefined || !checkNote(m)) return;
      const text = JSON.stringify({ seq: m.seq, text: m.text });
      for (const s of subscribers) s.send(text);
    }),
};
server.on("upgrade", (req, socket, head) => {
  const route = routes[req.url];
  if (route === undefined) return socket.destroy();
  wss.handleUpgrade(req, socket, head, route);
});
server.listen(Number(process.env.PORT), "127.0.0.1");
