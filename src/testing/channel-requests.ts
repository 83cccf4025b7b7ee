import { randomBytes } from "node:crypto";

/** The headers of a WebSocket handshake (RFC 6455 §4.1), as a browser sends them. */
export function handshakeHeaders(protocols: string[] | undefined): Record<string, string> {
  return {
    upgrade: "websocket",
    connection: "Upgrade",
    "sec-websocket-key": randomBytes(16).toString("base64"),
    "sec-websocket-version": "13",
    ...(protocols?.length ? { "sec-websocket-protocol": protocols.join(", ") } : {}),
  };
}

/** What an EventSource sends. */
export function sseHeaders(lastEventId: string | undefined): Record<string, string> {
  return { accept: "text/event-stream", "cache-control": "no-cache", ...(lastEventId !== undefined ? { "last-event-id": lastEventId } : {}) };
}
