import type { ValidationErrorDetail } from "../problem";

/**
 * Every message the framework itself sends on a WebSocket, and every close
 * code it uses, in one place (docs/errors.md lists them; a test pins both).
 * The first two are upstream Spikard's frames as they are, the validation
 * one with Spikard's `errors` list added (`type`, `loc`, `msg`, `input`, `ctx`,
 * as a 422 body has them).
 */
export const SOCKET_FRAMES = {
  INVALID_JSON: () => ({ type: "error", message: "Invalid JSON" }),
  MESSAGE_VALIDATION: (errors: ValidationErrorDetail[]) => ({ error: "Message validation failed", errors }),
  MESSAGE_TOO_DEEP: (max: number) => ({ type: "error", message: `Message exceeds maximum nesting depth of ${max}` }),
  INVALID_UTF8: () => ({ type: "error", message: "Invalid UTF-8" }),
  HANDLER_FAILED: () => ({ type: "error", message: "Internal server error" }),
  HTTP_ERROR: (status: number, detail: string) => ({ type: "error", status, message: detail }),
} as const satisfies Record<string, (...args: never[]) => Record<string, unknown>>;

export type SocketFrameCode = keyof typeof SOCKET_FRAMES;

export function socketFrame<C extends SocketFrameCode>(code: C, ...args: Parameters<(typeof SOCKET_FRAMES)[C]>): string {
  return JSON.stringify((SOCKET_FRAMES[code] as (...a: unknown[]) => unknown)(...args));
}

/** The close codes the server sends (RFC 6455 §7.4.1), with the reason text it sends them with. */
export const CLOSE_CODES = {
  NORMAL: { code: 1000, reason: "" },
  SHUTDOWN: { code: 1001, reason: "Server shutting down" },
  IDLE: { code: 1001, reason: "Idle timeout" },
  INVALID_JSON: { code: 1007, reason: "Invalid JSON" },
  INVALID_UTF8: { code: 1007, reason: "Invalid UTF-8" },
  INVALID_MESSAGE: { code: 1008, reason: "Message validation failed" },
  TOO_DEEP: { code: 1008, reason: "Message too deeply nested" },
  BACKPRESSURE: { code: 1008, reason: "Backpressure limit exceeded" },
  TOO_MANY_PENDING: { code: 1008, reason: "Too many pending messages" },
  TOO_BIG: { code: 1009, reason: "Message too big" },
  OPEN_FAILED: { code: 1011, reason: "Internal server error" },
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;

/** What the peer reports when the connection ended without a close frame. */
export const ABNORMAL_CLOSURE = 1006;

/** Codes an application may send in a close frame (RFC 6455 §7.4: 1004-1006 and 1015 are never sent). */
export function sendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
}
