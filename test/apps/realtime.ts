import { setTimeout as sleep } from "node:timers/promises";
import { HttpError, Provide, Response, Spikard, type Cookie, type Header, type Path, type Query, type WebSocket } from "spikard";
import type { tags } from "typia";

// WebSocket routes for test/websocket.test.ts: one per behaviour, each recording what the server saw in `log`.

export interface ChatMessage {
  type: "message";
  /** Who speaks. */
  user: string & tags.MinLength<1>;
  text: string & tags.MaxLength<500>;
}
export interface Ack {
  type: "ack";
  at: string & tags.Format<"date-time">;
}
export type Op = { op: "add"; a: number; b: number } | { op: "neg"; x: number & tags.Minimum<0> };

export interface ServerLog {
  opened: string[];
  closed: Array<{ route: string; code: number; reason: string }>;
  cleanups: string[];
  messages: unknown[];
}

export const newLog = (): ServerLog => ({ opened: [], closed: [], cleanups: [], messages: [] });

export class Session {
  constructor(readonly user: string) {}
}

export function buildRealtimeApp(log: ServerLog, logger: Pick<Console, "error" | "warn" | "info"> = console): Spikard {
  const app = new Spikard({ logger });

  // The seed's form: the handler gets the validated message; its return value is sent.
  app.websocket("/chat", (message: ChatMessage): Ack | undefined => (message.text === "quiet" ? undefined : { type: "ack", at: new Date().toISOString() }));

  // The full form: typed handshake parameters, per-connection state, topics.
  app.websocket("/rooms/{room}", {
    open(ws: WebSocket<Ack | ChatMessage, { user: string }>, room: Path<string & tags.MinLength<2>>, token: Query<string & tags.MinLength<3>>) {
      ws.state.user = token;
      ws.subscribe(room);
      log.opened.push(`${room}:${token}`);
    },
    message(ws, msg: ChatMessage) {
      ws.publish(ws.params.room!, { ...msg, user: ws.state.user });
    },
    close(_ws, code, reason, room: Path<string>) {
      log.closed.push({ route: `rooms/${room}`, code, reason });
    },
  });

  app.websocket("/echo", (message: unknown) => message);
  app.websocket("/binary", (data: Uint8Array): Uint8Array => data.slice().reverse());
  // Reads its bytes after an await: they must be the message's own, not memory the server reused since.
  app.websocket("/binary-later", async (data: Uint8Array): Promise<Uint8Array> => {
    await sleep(20);
    return data;
  });
  // What the handler sees of a message: its declared properties only.
  app.websocket("/keys", (m: ChatMessage): { keys: string[] } => ({ keys: Object.keys(m) }));
  app.websocket("/text", (text: string & tags.MaxLength<10>): string => text.toUpperCase());
  app.websocket("/ops", (o: Op): { result: number } => ({ result: o.op === "add" ? o.a + o.b : -o.x }));
  app.websocket("/strict", (message: ChatMessage) => ({ echoed: message.text }), { closeOnInvalid: true });
  app.websocket("/bad-out", {
    message(ws: WebSocket<Ack>, text: string) {
      // A value the declared type does not allow: never sent, and send() says so.
      const result = ws.send({ type: "ack", at: "not a date" } as Ack);
      ws.send({ type: "ack", at: new Date(0).toISOString() });
      log.messages.push(result);
      return text === "reply-bad" ? ({ type: "nope" } as unknown as Ack) : undefined;
    },
  });
  app.websocket("/async", async (m: { n: number; wait: number }) => {
    await sleep(m.wait);
    return { n: m.n };
  });
  app.websocket("/limited", (m: unknown) => m, { maxPayloadLength: 64 });
  app.websocket("/idle", (m: unknown) => m, { idleTimeout: 0.3 });
  app.websocket("/no-pings", (m: unknown) => m, { idleTimeout: 0.3, sendPings: false });
  for (const policy of ["drop", "close"] as const) {
    app.websocket(
      `/flood-${policy}`,
      {
        message(ws: WebSocket<{ i: number; pad: string }>, m: { count: number }) {
          const results: Record<string, number> = {};
          const pad = "x".repeat(1024);
          for (let i = 0; i < m.count; i++) {
            const r = ws.send({ i, pad });
            results[r] = (results[r] ?? 0) + 1;
          }
          log.messages.push({ policy, results, dropped: ws.dropped, buffered: ws.bufferedAmount });
          void ws.drained().then(() => log.messages.push({ policy, drained: true, buffered: ws.bufferedAmount }));
        },
        close(_ws, code, reason) {
          log.closed.push({ route: `flood-${policy}`, code, reason });
        },
      },
      { backpressure: { limit: 64 * 1024, onLimit: policy } },
    );
  }
  app.websocket("/guarded", (m: unknown) => m, {
    middleware: [(req, next) => (req.header("x-key") === "secret" ? next() : new Response({ statusCode: 401, content: { detail: "no key" } }))],
  });
  app.websocket("/lifecycle", {
    open(ws: WebSocket<{ seen: number }>, who: Header<string, "X-Who"> = "anon", session_id?: Cookie<string>) {
      log.opened.push(`lifecycle:${who}:${session_id ?? "-"}`);
      ws.send({ seen: log.opened.length });
    },
    message(ws, m: { close?: number; reason?: string; terminate?: boolean }) {
      if (m.terminate) return ws.terminate();
      if (m.close !== undefined) ws.close(m.close, m.reason ?? "");
    },
    close(_ws, code, reason) {
      log.closed.push({ route: "lifecycle", code, reason });
    },
  });
  app.websocket("/protocols", (m: unknown) => m, { protocols: ["v2.chat", "v1.chat"] });
  app.websocket("/throws", (m: { how: "error" | "http" }) => {
    if (m.how === "http") throw new HttpError(403, "not yours");
    throw new Error("boom");
  });
  app.websocket("/open-fails", {
    open() {
      throw new Error("open boom");
    },
    message: (_ws, m: unknown) => m,
    close(_ws, code, reason) {
      log.closed.push({ route: "open-fails", code, reason });
    },
  });
  app.websocket("/slow-open", {
    async open(ws: WebSocket<{ ready: string }, { ready: string }>) {
      await sleep(50);
      ws.state.ready = "yes";
    },
    message: (ws, _m: unknown) => ({ ready: ws.state.ready }),
  });

  app.provide(Session, Provide(function* (x_user: Header<string> = "ada") {
    try {
      yield new Session(x_user);
    } finally {
      log.cleanups.push(x_user);
    }
  }));
  app.websocket("/session", {
    open(ws: WebSocket<{ user: string }>, session: Session) {
      ws.send({ user: session.user });
    },
    message: (ws, _m: unknown, session: Session) => ({ user: session.user }),
    close(_ws, code) {
      log.closed.push({ route: "session", code, reason: "" });
    },
  });
  // Async work before the upgrade: the client may be gone by the time it is done.
  class SlowTicket {
    constructor(readonly id: string) {}
  }
  app.provide(SlowTicket, Provide(async function* (ticket: Query<string>) {
    await sleep(150);
    try {
      yield new SlowTicket(ticket);
    } finally {
      log.cleanups.push(`ticket:${ticket}`);
    }
  }));
  app.websocket("/slow-handshake", {
    open(_ws, t: SlowTicket) {
      log.opened.push(`slow:${t.id}`);
    },
    message: (_ws, _m: unknown, t: SlowTicket) => ({ ticket: t.id }),
    close(_ws, _code, _reason, t: SlowTicket) {
      log.closed.push({ route: `slow:${t.id}`, code: _code, reason: _reason });
    },
  });
  app.websocket("/publisher", (m: { topic: string; text: string }) => {
    app.publish(m.topic, { text: m.text, at: 1 });
    return { published: true };
  });
  app.websocket("/subscriber/{topic}", {
    open(ws: WebSocket<{ text: string; at: number }>, topic: Path<string>) {
      ws.subscribe(topic);
      ws.send({ text: "subscribed", at: 0 });
    },
    message(ws, m: { unsubscribe: boolean }) {
      if (m.unsubscribe) ws.unsubscribe(ws.params.topic!);
      return { text: `subscribed: ${ws.isSubscribed(ws.params.topic!)}`, at: ws.topics.length };
    },
  });
  app.get("/plain", () => ({ ok: true }));
  return app;
}
