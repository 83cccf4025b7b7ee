import type { Request } from "../context";
import { httpError, type ErrorPayload } from "../http-errors";

const BASE64_NONCE = /^[A-Za-z0-9+/]{22}==$/;

function hasToken(header: string | undefined, token: string): boolean {
  return header !== undefined && header.split(",").some((t) => t.trim().toLowerCase() === token);
}

/**
 * Why a request to a WebSocket route is not a handshake the server accepts
 * (RFC 6455 §4.2.1), as the answer to send instead: 426 with
 * `Upgrade: websocket` for a plain request, 426 with
 * `Sec-WebSocket-Version: 13` for another protocol version, 400 for a
 * malformed key. Undefined for a valid handshake.
 */
export function handshakeProblem(req: Request): ErrorPayload | undefined {
  const upgrading = req.method === "GET" && hasToken(req.header("upgrade"), "websocket") && hasToken(req.header("connection"), "upgrade");
  if (!upgrading) return httpError("UPGRADE_REQUIRED", ["This endpoint speaks the WebSocket protocol: send a GET with Upgrade: websocket"], ["upgrade", "websocket", "connection", "Upgrade"]);
  if (req.header("sec-websocket-version")?.trim() !== "13") {
    return httpError("UPGRADE_REQUIRED", ["Unsupported WebSocket version: only 13 is spoken"], ["upgrade", "websocket", "sec-websocket-version", "13"]);
  }
  const key = req.header("sec-websocket-key")?.trim();
  if (key === undefined || !BASE64_NONCE.test(key)) return httpError("BAD_REQUEST", ["Sec-WebSocket-Key must be a base64-encoded 16-byte nonce"]);
  return undefined;
}

/** The first of the route's subprotocols (its order is its preference) that the client offers in `Sec-WebSocket-Protocol`. */
export function chooseProtocol(offered: string | undefined, supported: readonly string[]): string | undefined {
  if (offered === undefined || supported.length === 0) return undefined;
  const asked = new Set(offered.split(",").map((p) => p.trim()));
  return supported.find((p) => asked.has(p));
}
