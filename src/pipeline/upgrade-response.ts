import type { SocketSession } from "../adapter/types";
import { Response } from "../response";

/**
 * A route's answer that switches the connection to the WebSocket protocol
 * (status 101). It is a Response so middleware and `onResponse` hooks see the
 * handshake's answer like any other (add headers to it, or replace it with a
 * refusal); the writer hands its session to the sink's `upgrade` instead of
 * writing a body.
 */
export class UpgradeResponse extends Response<undefined, 101> {
  constructor(
    readonly session: SocketSession,
    readonly protocol: string | undefined,
  ) {
    super({ statusCode: 101 });
  }
}
