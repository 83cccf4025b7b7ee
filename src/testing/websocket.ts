import type { MemoryClientEnd } from "../adapter/memory/socket";
import type { TestResponse } from "./test-response";

/** A client's end of a WebSocket: the in-memory pair's, or a real socket's (the `ws` package) shaped alike. */
export type ClientEnd = MemoryClientEnd;

export interface WebSocketOptions {
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>> | string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Offered in `Sec-WebSocket-Protocol`. */
  protocols?: string[];
  /** Answer the server's pings (default true); false plays a client that went silent. */
  autoPong?: boolean;
  /** Milliseconds `receive()` waits by default. Default 5000. */
  timeout?: number;
}

/** One message as it arrived. */
export interface ReceivedMessage {
  data: Buffer;
  binary: boolean;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** The server refused the handshake: its HTTP answer (401, 422, 426, ...) is `response`. */
export class WebSocketHandshakeError extends Error {
  constructor(readonly response: TestResponse) {
    super(`the WebSocket handshake was answered ${response.statusCode}: ${response.text().slice(0, 300)}`);
    this.name = "WebSocketHandshakeError";
  }
}

/** `receive()` on a connection that closed with nothing left to read. */
export class WebSocketClosedError extends Error {
  constructor(readonly code: number, readonly reason: string) {
    super(`the WebSocket closed (${code}${reason ? ` ${reason}` : ""})`);
    this.name = "WebSocketClosedError";
  }
}

/**
 * A test's WebSocket client, the same over TestClient (in memory) and
 * LiveTestClient (a real socket): `send`, `await receive()`, `close()`,
 * `await using`. Messages are queued as they arrive, so none is missed
 * between two receives.
 */
export class TestWebSocket {
  /** Pings the server sent so far (answered unless `autoPong: false`). */
  pings = 0;
  readonly closed: Promise<CloseInfo>;
  private readonly queue: ReceivedMessage[] = [];
  private waiter: ((m: ReceivedMessage | undefined) => void) | undefined;
  private closeInfo: CloseInfo | undefined;
  private resolveClosed!: (c: CloseInfo) => void;

  constructor(
    private readonly end: ClientEnd,
    /** The handshake's answer (101 and its headers). */
    readonly response: TestResponse,
    private readonly timeoutMs = 5000,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    end.onMessage = (data, binary) => {
      const m = { data, binary };
      if (this.waiter !== undefined) {
        const w = this.waiter;
        this.waiter = undefined;
        w(m);
      } else this.queue.push(m);
    };
    end.onClose = (code, reason) => {
      this.closeInfo = { code, reason };
      this.resolveClosed(this.closeInfo);
      const w = this.waiter;
      this.waiter = undefined;
      w?.(undefined);
    };
    end.onPing = () => void this.pings++;
  }

  /** The subprotocol the server chose. */
  get protocol(): string | undefined {
    return this.response.headers["sec-websocket-protocol"];
  }

  /** Strings go as text frames, bytes as binary frames, anything else as JSON text. */
  send(message: unknown): void {
    if (typeof message === "string") this.end.send(message, false);
    else if (message instanceof Uint8Array) this.end.send(message, true);
    else this.end.send(JSON.stringify(message), false);
  }

  sendText(text: string): void {
    this.end.send(text, false);
  }

  sendBytes(bytes: Uint8Array): void {
    this.end.send(bytes, true);
  }

  sendJson(value: unknown): void {
    this.end.send(JSON.stringify(value), false);
  }

  /** The next message: a binary one as bytes, a text one as the JSON it holds (or its text when it is not JSON). */
  async receive(timeoutMs = this.timeoutMs): Promise<unknown> {
    const m = await this.receiveMessage(timeoutMs);
    if (m.binary) return new Uint8Array(m.data);
    const text = m.data.toString("utf8");
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  async receiveJson<T = any>(timeoutMs = this.timeoutMs): Promise<T> {
    return JSON.parse((await this.receiveMessage(timeoutMs)).data.toString("utf8")) as T;
  }

  async receiveText(timeoutMs = this.timeoutMs): Promise<string> {
    return (await this.receiveMessage(timeoutMs)).data.toString("utf8");
  }

  async receiveBytes(timeoutMs = this.timeoutMs): Promise<Uint8Array> {
    return new Uint8Array((await this.receiveMessage(timeoutMs)).data);
  }

  receiveMessage(timeoutMs = this.timeoutMs): Promise<ReceivedMessage> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closeInfo !== undefined) return Promise.reject(new WebSocketClosedError(this.closeInfo.code, this.closeInfo.reason));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no WebSocket message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (m) => {
        clearTimeout(timer);
        if (m !== undefined) resolve(m);
        else reject(new WebSocketClosedError(this.closeInfo!.code, this.closeInfo!.reason));
      };
    });
  }

  /** Resolves with no message within `ms` (true), or false when one arrived. */
  async silentFor(ms: number): Promise<boolean> {
    try {
      const m = await this.receiveMessage(ms);
      this.queue.unshift(m);
      return false;
    } catch {
      // Timed out, or closed with nothing left: either way nothing arrived.
      return true;
    }
  }

  /** Messages received and not yet read. */
  get buffered(): number {
    return this.queue.length;
  }

  /** The closing handshake; resolves with the server's close code and reason. */
  close(code = 1000, reason = ""): Promise<CloseInfo> {
    if (this.closeInfo === undefined) this.end.close(code, reason);
    return this.closed;
  }

  /** Drops the connection without a close frame (the server sees 1006). */
  drop(): void {
    if (this.closeInfo === undefined) this.end.drop();
  }

  /** Stops reading the connection (a slow client): the server's writes pile up in its buffer. */
  pause(): void {
    this.end.pause(true);
  }

  resume(): void {
    this.end.pause(false);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
