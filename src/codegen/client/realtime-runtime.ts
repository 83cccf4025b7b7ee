/**
 * The part of a generated client that opens WebSockets and reads event
 * streams: written into client.ts only when the app has such routes. Like
 * the HTTP part it needs no dependency: `WebSocket` is the platform's
 * (browsers, Deno, Bun, Node 22+), or the constructor given as
 * `ClientOptions.WebSocket` (the `ws` package on Node 20), and event streams
 * are read with fetch.
 */
export const REALTIME_RUNTIME = `
/** One event of a stream: its data as the route declares it, its type, the last event id, its retry hint. */
export interface ServerSentEvent<T> {
  data: T;
  event: string;
  id: string;
  retry?: number;
}

/** A route's event stream: iterate it (the request starts with the iteration); leaving the loop or close() ends it. */
export interface EventStream<T> extends AsyncIterable<ServerSentEvent<T>> {
  close(): void;
}

/**
 * A WebSocket route's connection, typed both ways: \`send\` takes what the
 * route receives; \`receive()\` and iteration give what it sends (queued as
 * they arrive, so none is missed between two reads).
 */
export interface TypedSocket<Send, Receive> extends AsyncIterable<Receive> {
  send(message: Send): void;
  /** The next message; rejects once the socket closed with nothing left to read. */
  receive(): Promise<Receive>;
  /** Starts the closing handshake; resolves with the server's code and reason. */
  close(code?: number, reason?: string): Promise<CloseInfo>;
  readonly closed: Promise<CloseInfo>;
}

export interface StreamOptions extends CallOptions {
  /** Sent as \`Last-Event-ID\`, to resume after the last event seen. */
  lastEventId?: string;
}

export interface SocketOptions {
  /** Headers for the handshake (where the WebSocket constructor takes them: the ws package does, browsers do not). */
  headers?: Record<string, string>;
  /** Offered in \`Sec-WebSocket-Protocol\`. */
  protocols?: string[];
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** What the client needs of a WebSocket constructor: the WHATWG one, or the \`ws\` package's. */
export type WebSocketLike = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => {
  binaryType: string;
  readyState: number;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
};

type Payload = "json" | "text" | "bytes";

function connector(options: ClientOptions) {
  const base = options.baseUrl.replace(/\\/+$/, "").replace(/^http/, "ws");
  return (route: string, args: Args, plan: { send: Payload; receive: Payload }, call: SocketOptions = {}): Promise<TypedSocket<unknown, unknown>> => {
    const Ctor = (options.WebSocket ?? (globalThis as { WebSocket?: WebSocketLike }).WebSocket) as WebSocketLike | undefined;
    if (Ctor === undefined) return Promise.reject(new Error("no WebSocket constructor: pass ClientOptions.WebSocket (the ws package on Node 20)"));
    const url = requestUrl(base, route, args, {});
    // Headers reach the handshake where the constructor takes them (the ws package); browsers send none.
    const headers = Object.fromEntries(requestHeaders(options, call, args));
    const socket = new Ctor(url.toString(), call.protocols, Object.keys(headers).length > 0 ? { headers } : undefined);
    socket.binaryType = "arraybuffer";
    const queue: unknown[] = [];
    // Reads waiting for a message, oldest first (two receive() calls get two messages, in order).
    const waiters: Array<{ resolve(v: unknown): void; reject(e: Error): void }> = [];
    let closeInfo: CloseInfo | undefined;
    let resolveClosed!: (c: CloseInfo) => void;
    const closed = new Promise<CloseInfo>((r) => (resolveClosed = r));
    const decode = (data: unknown): unknown => {
      if (plan.receive === "bytes") return new Uint8Array(data as ArrayBuffer);
      const text = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
      return plan.receive === "text" ? text : JSON.parse(text);
    };
    socket.addEventListener("message", (e: { data: unknown }) => {
      let value: unknown;
      try {
        value = decode(e.data);
      } catch {
        value = e.data;
      }
      const w = waiters.shift();
      if (w !== undefined) w.resolve(value);
      else queue.push(value);
    });
    return new Promise((resolve, reject) => {
      let opened = false;
      socket.addEventListener("open", () => {
        opened = true;
        resolve(typed);
      });
      socket.addEventListener("error", (e: { message?: string }) => {
        if (!opened) reject(new Error(\`WebSocket \${route}: the handshake failed\${e?.message ? \` (\${e.message})\` : ""}\`));
      });
      socket.addEventListener("close", (e: { code: number; reason: string }) => {
        closeInfo = { code: e.code, reason: e.reason };
        resolveClosed(closeInfo);
        if (!opened) reject(new Error(\`WebSocket \${route}: closed before it opened (\${e.code})\`));
        for (const w of waiters.splice(0)) w.reject(new Error(\`the WebSocket closed (\${e.code}\${e.reason ? \` \${e.reason}\` : ""})\`));
      });
      const typed: TypedSocket<unknown, unknown> = {
        send(message) {
          if (plan.send === "bytes") socket.send(message as Uint8Array);
          else socket.send(plan.send === "text" ? String(message) : JSON.stringify(message));
        },
        receive() {
          if (queue.length > 0) return Promise.resolve(queue.shift());
          if (closeInfo !== undefined) return Promise.reject(new Error(\`the WebSocket closed (\${closeInfo.code})\`));
          return new Promise((res, rej) => void waiters.push({ resolve: res, reject: rej }));
        },
        close(code = 1000, reason = "") {
          if (closeInfo === undefined) socket.close(code, reason);
          return closed;
        },
        closed,
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (queue.length === 0 && closeInfo !== undefined) return;
            try {
              yield await typed.receive();
            } catch (err) {
              if (closeInfo !== undefined) return;
              throw err;
            }
          }
        },
      };
    });
  };
}

function streamer(options: ClientOptions) {
  const base = options.baseUrl.replace(/\\/+$/, "");
  return (route: string, args: Args, plan: { data: Payload; separators?: Record<string, string> }, call: StreamOptions = {}): EventStream<unknown> => {
    const abort = new AbortController();
    call.signal?.addEventListener("abort", () => abort.abort(), { once: true });
    return {
      close: () => abort.abort(),
      async *[Symbol.asyncIterator]() {
        const url = requestUrl(base, route, args, plan.separators ?? {});
        const headers = requestHeaders(options, call, args);
        headers.set("accept", "text/event-stream");
        if (call.lastEventId !== undefined) headers.set("last-event-id", call.lastEventId);
        const res = await (options.fetch ?? fetch)(url, { headers, signal: abort.signal });
        if (res.status !== 200 || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) throw new ClientError(res.status, await res.text(), res.headers);
        if (res.body === null) return;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        let data: string[] = [];
        let type = "";
        let id = "";
        let retry: number | undefined;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            // The WHATWG event-stream format: lines end in CRLF, LF or CR; a blank line dispatches.
            // A CR at the end may be the first half of a CRLF: its line waits for the next chunk.
            const held = buffer.endsWith("\\r");
            const lines = (held ? buffer.slice(0, -1) : buffer).split(/\\r\\n|\\r|\\n/);
            buffer = \`\${lines.pop()}\${held ? "\\r" : ""}\`;
            for (const line of lines) {
              if (line === "") {
                if (data.length > 0) {
                  const text = data.join("\\n");
                  yield { data: plan.data === "json" ? JSON.parse(text) : text, event: type || "message", id, ...(retry !== undefined ? { retry } : {}) };
                }
                data = [];
                type = "";
                retry = undefined;
                continue;
              }
              if (line.startsWith(":")) continue;
              const colon = line.indexOf(":");
              const field = colon === -1 ? line : line.slice(0, colon);
              let v = colon === -1 ? "" : line.slice(colon + 1);
              if (v.startsWith(" ")) v = v.slice(1);
              if (field === "data") data.push(v);
              else if (field === "event") type = v;
              else if (field === "id" && !v.includes("\\0")) id = v;
              else if (field === "retry" && /^\\d+$/.test(v)) retry = Number(v);
            }
          }
        } finally {
          abort.abort();
          reader.releaseLock();
        }
      },
    };
  };
}
`;
