import type { WebSocket } from "./socket";

type MaybePromise<T> = T | Promise<T>;

/**
 * `{ open, message, close, drain }`: each takes the socket first, then its
 * fixed parameters, then any handshake parameters it wants (`Path<string>`,
 * `Query<...>`, `Header<...>`, `Cookie<...>`, dependencies), which are
 * extracted and validated once, before the upgrade.
 */
export interface WebSocketHandlers<Out = unknown, State extends object = Record<string, any>> {
  /** The connection is open (once). Subscribe to topics and set `ws.state` here. */
  open?(ws: WebSocket<Out, State>, ...handshake: any[]): unknown;
  /** Each validated message; a returned value other than undefined is sent back. */
  message(ws: WebSocket<Out, State>, message: any, ...handshake: any[]): MaybePromise<Out | undefined | void>;
  /** The connection is over (once): the close frame's code and reason, 1006 when it dropped, 1001 on server shutdown. */
  close?(ws: WebSocket<Out, State>, code: number, reason: string, ...handshake: any[]): unknown;
  /** Buffered messages went out (see `ws.bufferedAmount`, `ws.drained()`). */
  drain?(ws: WebSocket<Out, State>, ...handshake: any[]): unknown;
}

/** What `app.websocket` takes: the seed's message function, or the handlers object. */
export type WebSocketRoute<Out = unknown, State extends object = Record<string, any>> = WebSocketHandlers<Out, State> | ((message: any, ...handshake: any[]) => unknown);
