import type { WebSocket as UwsSocket, WebSocketBehavior } from "uWebSockets.js";
import type { ServerSocket, SocketLimits, SocketSendStatus, SocketSession } from "../types";
import type { Uws } from "./load";

/** What uWS keeps for each connection (its user data): the session it drives. */
export interface SocketData {
  session: SocketSession;
  /** permessage-deflate was negotiated for this connection. */
  compress: boolean;
  /** Runs once the session finished closing: the handshake exchange's completion callbacks. */
  finished: (closing: Promise<void>) => void;
  socket?: UwsServerSocket;
}

/** uWS's native WebSocket behind the adapter contract's ServerSocket. */
class UwsServerSocket implements ServerSocket {
  closed = false;

  constructor(
    private readonly ws: UwsSocket<SocketData>,
    private readonly compress: boolean,
    readonly remoteAddress: string,
  ) {}

  send(data: string | Uint8Array, binary: boolean): SocketSendStatus {
    if (this.closed) return "dropped";
    const r = this.ws.send(data, binary, this.compress);
    return r === 1 ? "sent" : r === 0 ? "buffered" : "dropped";
  }

  get bufferedAmount(): number {
    return this.closed ? 0 : this.ws.getBufferedAmount();
  }

  end(code: number, reason: string): void {
    if (!this.closed) this.ws.end(code, reason);
  }

  terminate(): void {
    if (!this.closed) this.ws.close();
  }

  ping(): void {
    if (!this.closed) this.ws.ping();
  }

  cork(fn: () => void): void {
    if (this.closed) fn();
    else this.ws.cork(fn);
  }
}

const decoder = new TextDecoder();

/**
 * The handlers of `app.ws("/*", ...)`: the upgrade request goes through the
 * pipeline like any request (`upgrade`), and an upgraded connection's events
 * go to its session. Idle timeouts and pings are the sessions' own (each
 * route has its own), so uWS's are off; its payload and backpressure limits
 * are the largest any route sets, routes checking their own below them.
 */
export function socketBehavior(uws: Uws, limits: SocketLimits, upgrade: NonNullable<WebSocketBehavior<SocketData>["upgrade"]>, open: Set<UwsSocket<SocketData>>, closing: Set<Promise<void>>): WebSocketBehavior<SocketData> {
  return {
    maxPayloadLength: limits.maxPayloadLength,
    maxBackpressure: limits.maxBackpressure,
    idleTimeout: 0,
    sendPingsAutomatically: false,
    compression: limits.compression ? uws.SHARED_COMPRESSOR : uws.DISABLED,
    upgrade,
    open: (ws) => {
      const data = ws.getUserData();
      open.add(ws);
      data.socket = new UwsServerSocket(ws, data.compress, decoder.decode(ws.getRemoteAddressAsText()));
      data.session.open(data.socket);
    },
    message: (ws, message, isBinary) => ws.getUserData().session.message(message, isBinary),
    drain: (ws) => ws.getUserData().session.drain(),
    pong: (ws) => ws.getUserData().session.pong(),
    close: (ws, code, message) => {
      open.delete(ws);
      const data = ws.getUserData();
      if (data.socket !== undefined) data.socket.closed = true;
      const done = data.session.closed(code, decoder.decode(message));
      closing.add(done);
      void done.finally(() => closing.delete(done));
      data.finished(done);
    },
  };
}
