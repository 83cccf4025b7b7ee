import { Provide, Response, Spikard, StreamingResponse, type Body, type Cookie, type Header, type Inject, type Int, type Path, type Query, type Request, type tags, type WebSocket } from "spikard";
import type { ChatEcho, ChatMessage } from "./types";
import { Database, Session, sessionProvider } from "./services";
import { users } from "./users";
import { orders } from "./orders";
import { ticker } from "./ticker";

/** The app the build-routes test builds four ways (tspc, spikard gen + TypeScript 7, spikard gen + esbuild, spikard/register). */
export const app = new Spikard({ openapi: { title: "Build routes", version: "1.0.0" }, asyncapi: { title: "Build routes", version: "1.0.0" } });

app.provide(Database, Provide(() => new Database(), { singleton: true }));
app.provide(Session, sessionProvider);
app.provide("greeting", Provide.value("hello"));

app.onRequest((req: Request, db: Database) => {
  req.state.users = db.users.size;
});
app.onResponse((res, req: Request) => {
  res.setHeader("x-users", String(req.state.users));
});

app.get("/items/{item_id:int}", (item_id: Path<Int>, q: Query<string & tags.MinLength<2>> = "xx", flag?: Query<boolean>) => ({ item_id, q, flag: flag ?? null }));
app.get("/search", (terms: Query<string[]>, mode: Query<"all" | "any"> = "all") => ({ terms, mode }));
app.get("/whoami", (x_token: Header<string>, session_id?: Cookie<string>, greeting?: Inject<string, "greeting">) => ({ token: x_token, session: session_id ?? null, greeting }));
app.get("/secret", () => ({ visible: 1, hidden: "never" }) as { visible: number });
app.post("/echo/text", (body: Body<string>) => body.toUpperCase());
app.post("/echo/bytes", (body: Body<Uint8Array>) => ({ size: body.byteLength }));
app.get("/download", () => new Response({ content: "a,b\n1,2\n", mediaType: "text/csv", headers: { "content-disposition": 'attachment; filename="t.csv"' } }));
app.get("/stream", () => {
  async function* lines() {
    for (let i = 0; i < 3; i++) yield `line ${i}\n`;
  }
  return new StreamingResponse(lines(), { mediaType: "text/plain" });
});
app.get("/session", (session: Session) => ({ user: session.user, known: session.db.users.size }));

// A WebSocket route: its handshake parameters and messages validated, what it publishes checked and serialized by its type.
app.websocket("/rooms/{room}", {
  open(ws: WebSocket<ChatEcho, { name: string }>, room: Path<string & tags.MinLength<2>>, name: Query<string & tags.MinLength<1>>) {
    ws.state.name = name;
    ws.subscribe(`room:${room}`);
  },
  message(ws, msg: ChatMessage, room: Path<string>) {
    app.publish(`room:${room}`, { room, from: ws.state.name, text: msg.text, secret: "never" } as ChatEcho);
  },
});

app.includeRouter(users);
app.includeRouter(orders);
app.includeRouter(ticker);
