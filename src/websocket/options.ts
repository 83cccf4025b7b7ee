import { SpikardError } from "../errors";
import type { RouteOptions } from "../route-definition";

/** `app.websocket(path, handler, options)`: the handshake's route options and the connection's limits. */
export interface WebSocketRouteOptions extends Pick<RouteOptions, "tags" | "summary" | "description" | "deprecated" | "operationId" | "errorFormat" | "skip" | "middleware" | "timeout"> {
  /** Largest incoming message in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
  maxPayloadLength?: number;
  /** Seconds without a message (or a pong) before the connection closes; 0 never. Default 120. */
  idleTimeout?: number;
  /** Ping a quiet client halfway through `idleTimeout`, so a live one answers and a dead one is found. Default true. */
  sendPings?: boolean;
  /** Bytes buffered for a slow client before sends are refused (`"drop"`, counted in `ws.dropped`) or the connection closes with 1008 (`"close"`). Default 1 MiB, drop. */
  backpressure?: { limit?: number; onLimit?: "drop" | "close" };
  /** Close instead of answering an error frame: 1007 for invalid JSON, 1008 for a message that fails validation. Default false. */
  closeOnInvalid?: boolean;
  /** Subprotocols the route speaks; the first the client offers (`Sec-WebSocket-Protocol`) is chosen. */
  protocols?: string[];
  /** permessage-deflate when the client offers it. Default false. */
  compression?: boolean;
  /** Bytes of messages queued while an async handler runs (they are handled in order); beyond, the connection closes with 1008. Default 4 MiB. */
  maxPendingBytes?: number;
}

export interface SocketOptions {
  maxPayloadLength: number;
  idleTimeoutMs: number;
  sendPings: boolean;
  backpressureLimit: number;
  onLimit: "drop" | "close";
  closeOnInvalid: boolean;
  protocols: readonly string[];
  compression: boolean;
  maxPendingBytes: number;
}

const MIB = 1024 * 1024;

/** The route's options with defaults, checked once at registration. */
export function socketOptions(path: string, o: WebSocketRouteOptions): SocketOptions {
  const bad = (what: string): never => {
    throw new SpikardError("INVALID_CONFIG", `websocket ${path}: ${what}`);
  };
  const positive = (v: number | undefined, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) bad(`${name} must be a positive number, got ${String(v)}`);
    return v;
  };
  const idle = o.idleTimeout ?? 120;
  if (!(typeof idle === "number" && idle >= 0 && Number.isFinite(idle))) bad(`idleTimeout must be seconds >= 0, got ${String(o.idleTimeout)}`);
  const onLimit = o.backpressure?.onLimit ?? "drop";
  if (onLimit !== "drop" && onLimit !== "close") bad(`backpressure.onLimit must be "drop" or "close", got ${JSON.stringify(onLimit)}`);
  const protocols = o.protocols ?? [];
  if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(p))) bad("protocols must be a list of tokens");
  return {
    maxPayloadLength: Math.floor(positive(o.maxPayloadLength, "maxPayloadLength", MIB)),
    idleTimeoutMs: idle * 1000,
    sendPings: o.sendPings ?? true,
    backpressureLimit: positive(o.backpressure?.limit, "backpressure.limit", MIB),
    onLimit,
    closeOnInvalid: o.closeOnInvalid ?? false,
    protocols,
    compression: o.compression ?? false,
    maxPendingBytes: positive(o.maxPendingBytes, "maxPendingBytes", 4 * MIB),
  };
}
