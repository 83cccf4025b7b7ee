import type { Spikard } from "../app";
import { exchangeInMemory, serveInMemory, type MemoryResponse } from "../adapter/memory";
import { encodeRequest, type RequestOptions } from "./request-options";
import { HttpVerbs } from "./http-verbs";
import { SseStream, type SseOptions } from "./sse";
import { TestResponse } from "./test-response";
import { TestWebSocket, WebSocketHandshakeError, type WebSocketOptions } from "./websocket";
import { handshakeHeaders, sseHeaders } from "./channel-requests";

export interface TestClientOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Address the app sees as the client's. Default "127.0.0.1". */
  remoteAddress?: string;
}

/**
 * Drives the app in-process through the in-memory adapter: the same pipeline
 * and the same adapter contract as the server (request lifetime, framing),
 * with no socket.
 */
export class TestClient extends HttpVerbs {
  constructor(
    readonly app: Spikard,
    private readonly config: TestClientOptions = {},
  ) {
    super();
  }

  async request(method: string, path: string, o: RequestOptions = {}): Promise<TestResponse> {
    const enc = encodeRequest(method.toUpperCase(), path, o, this.config);
    return toTestResponse(await exchangeInMemory(this.app.handler(), { ...enc, remoteAddress: this.remoteAddress }, this.app.config.limits));
  }

  /**
   * Opens a WebSocket to the app in memory, through the same handshake
   * (middleware, hooks, validation) and message plan as a real connection.
   * Rejects with WebSocketHandshakeError (its `response`) when the handshake is refused.
   */
  websocket(path: string, o: WebSocketOptions = {}): Promise<TestWebSocket> {
    const enc = encodeRequest("GET", path, { query: o.query, headers: { ...handshakeHeaders(o.protocols), ...o.headers }, cookies: o.cookies }, this.config);
    return new Promise((resolve, reject) => {
      serveInMemory(
        this.app.handler(),
        { ...enc, remoteAddress: this.remoteAddress },
        {
          done: (r) => reject(new WebSocketHandshakeError(toTestResponse(r))),
          dropped: reject,
          // Synchronously: the socket's first messages (sent by `open`) must find their reader.
          upgraded: (r, end) => resolve(new TestWebSocket(end, toTestResponse(r), o.timeout)),
        },
        { autoPong: o.autoPong },
        this.app.config.limits,
      );
    });
  }

  /** Reads an event stream in memory: `for await (const e of client.sse("/events"))`. */
  sse(path: string, o: SseOptions = {}): SseStream {
    const enc = encodeRequest("GET", path, { query: o.query, headers: { ...sseHeaders(o.lastEventId), ...o.headers }, cookies: o.cookies }, this.config);
    return new SseStream((stream) => {
      let resolveHead!: (r: TestResponse) => void;
      let rejectHead!: (err: Error) => void;
      const head = new Promise<TestResponse>((resolve, reject) => {
        resolveHead = resolve;
        rejectHead = reject;
      });
      const ex = serveInMemory(
        this.app.handler(),
        { ...enc, remoteAddress: this.remoteAddress },
        {
          started: (status, headers) => resolveHead(toTestResponse({ status, headers, body: Buffer.alloc(0) })),
          chunk: (buf) => stream.push(buf),
          done: (r) => {
            resolveHead(toTestResponse(r));
            stream.end();
          },
          dropped: (err) => {
            rejectHead(err);
            stream.end(err);
          },
        },
        {},
        this.app.config.limits,
      );
      return { head, pause: (paused) => (paused ? undefined : ex.resume()), abort: () => ex.abort() };
    }, o);
  }

  private get remoteAddress(): string {
    return this.config.remoteAddress ?? "127.0.0.1";
  }

  async [Symbol.asyncDispose](): Promise<void> {}
}

function toTestResponse(res: MemoryResponse): TestResponse {
  const record: Record<string, string> = {};
  for (const [k, v] of res.headers) record[k] = record[k] === undefined ? v : `${record[k]}, ${v}`;
  return new TestResponse(res.status, record, res.body, res.headers);
}
