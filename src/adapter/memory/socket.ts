import type { ServerSocket, SocketSendStatus, SocketSession } from "../types";

interface Frame {
  data: Buffer;
  binary: boolean;
}

/** The client's end of an in-memory WebSocket, as TestClient drives it. */
export interface MemoryClientEnd {
  send(data: string | Uint8Array, binary: boolean): void;
  /** The closing handshake from the client's side; the server's `closed` gets the same code and reason. */
  close(code: number, reason: string): void;
  /** The connection drops with no close frame (the server sees 1006). */
  drop(): void;
  /** A paused client reads nothing: what the server sends stays in its buffer (`bufferedAmount`), as with a slow reader. */
  pause(paused: boolean): void;
  onMessage: (data: Buffer, binary: boolean) => void;
  onClose: (code: number, reason: string) => void;
  onPing: () => void;
}

export interface MemorySocketOptions {
  remoteAddress: string;
  /** Sends are refused ("dropped") beyond this many buffered bytes, as uWS's maxBackpressure. */
  maxBackpressure: number;
  /** The client answers pings (real clients do); false plays a peer that went silent. */
  autoPong: boolean;
}

/**
 * A WebSocket connection in memory, with a socket's observable behaviour:
 * messages arrive on a later turn, in order, both ways; what the server sends
 * to a paused client stays buffered (`bufferedAmount`, then `drain` once it is
 * read); `end` reaches the session at once and the client after the messages
 * before it; `terminate` and `drop` are 1006 on both sides.
 */
export class MemorySocketPair {
  readonly client: MemoryClientEnd;
  readonly server: ServerSocket;
  private readonly wire: Frame[] = [];
  private wireBytes = 0;
  private paused = false;
  private backedUp = false;
  private flushing = false;
  private closed = false;
  private clientClosed = false;

  constructor(
    private readonly session: SocketSession,
    private readonly options: MemorySocketOptions,
    /** Called once the session finished closing (its close handler done). */
    private readonly finished: (done: Promise<void>) => void,
  ) {
    const pair = this;
    this.server = {
      send: (data, binary) => pair.serverSend(data, binary),
      get bufferedAmount() {
        return pair.paused ? pair.wireBytes : 0;
      },
      end: (code, reason) => pair.serverClose(code, reason, true),
      terminate: () => pair.serverClose(1006, "", false),
      ping: () => pair.ping(),
      cork: (fn) => fn(),
      remoteAddress: options.remoteAddress,
    };
    this.client = {
      send: (data, binary) => pair.clientSend(data, binary),
      close: (code, reason) => pair.clientClose(code, reason),
      drop: () => pair.clientClose(1006, ""),
      pause: (paused) => pair.setPaused(paused),
      onMessage: () => {},
      onClose: () => {},
      onPing: () => {},
    };
  }

  private serverSend(data: string | Uint8Array, binary: boolean): SocketSendStatus {
    if (this.closed) return "dropped";
    if (this.paused && this.wireBytes > this.options.maxBackpressure) return "dropped";
    const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
    this.wire.push({ data: buf, binary });
    this.wireBytes += buf.byteLength;
    this.scheduleFlush();
    if (!this.paused) return "sent";
    this.backedUp = true;
    return "buffered";
  }

  private scheduleFlush(): void {
    if (this.flushing || this.paused) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.paused && !this.closed) return;
    for (const f of this.wire.splice(0)) if (!this.clientClosed) this.client.onMessage(f.data, f.binary);
    this.wireBytes = 0;
    if (this.backedUp && !this.closed) {
      this.backedUp = false;
      this.session.drain();
    }
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.scheduleFlush();
  }

  private serverClose(code: number, reason: string, frame: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (!frame) this.wire.length = 0;
    // As uWS: the close handler runs at once; the client sees the close after what was sent before it.
    this.finished(this.session.closed(code, reason));
    setImmediate(() => {
      this.flush();
      this.closeClient(code, reason);
    });
  }

  private clientSend(data: string | Uint8Array, binary: boolean): void {
    if (this.clientClosed) throw new Error("the WebSocket is closed");
    const copy = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
    setImmediate(() => {
      if (!this.closed) this.session.message(copy, binary);
    });
  }

  private clientClose(code: number, reason: string): void {
    if (this.clientClosed) return;
    setImmediate(() => {
      if (!this.closed) {
        this.closed = true;
        this.wire.length = 0;
        this.finished(this.session.closed(code, reason));
      }
      this.closeClient(code, reason);
    });
  }

  private closeClient(code: number, reason: string): void {
    if (this.clientClosed) return;
    this.clientClosed = true;
    this.client.onClose(code, reason);
  }

  private ping(): void {
    if (this.closed) return;
    setImmediate(() => {
      if (this.closed) return;
      this.client.onPing();
      if (this.options.autoPong) this.session.pong();
    });
  }
}
