import type { Request } from "../context";
import { SpikardError } from "../errors";
import { payloadResponse } from "../pipeline/payload-response";
import { UpgradeResponse } from "../pipeline/upgrade-response";
import { unbound, type RouteDefinition } from "../route-definition";
import type { WebSocketMeta } from "../runtime/meta";
import { Connection } from "./connection";
import { chooseProtocol, handshakeProblem } from "./handshake";
import { socketOptions, type WebSocketRouteOptions } from "./options";
import { SocketPlan, type SocketHandler, type SocketHandlers, type SocketRuntime } from "./plan";

const HANDLER_NAMES = ["open", "message", "close", "drain"] as const;

/**
 * A WebSocket route is a GET route whose handler answers the handshake: the
 * handshake's parameters are the route's arguments (extracted and validated,
 * with hooks, dependencies and middleware as for any route, so a failure is
 * an HTTP answer, never a 101), and its answer is an UpgradeResponse carrying
 * the connection, which the writer hands to the adapter's `upgrade`.
 */
export function websocketDefinition(path: string, handler: unknown, options: WebSocketRouteOptions, meta: WebSocketMeta): RouteDefinition {
  const handlers = readHandlers(path, handler);
  const limits = socketOptions(path, options);
  const { maxPayloadLength: _a, idleTimeout: _b, sendPings: _c, backpressure: _d, closeOnInvalid: _e, protocols: _f, compression: _g, maxPendingBytes: _h, ...routeOptions } = options;
  return {
    method: "GET",
    path,
    handler: unbound(path),
    options: routeOptions,
    // The Request goes last: the handshake check reads its headers, the connection its params and query.
    meta: { v: 1, args: [...meta.args, { in: "request", name: "handshake" }], response: { kind: "dynamic" }, doc: meta.doc, dependencyErrors: meta.dependencyErrors },
    channel: {
      kind: "websocket",
      asyncapi: meta.asyncapi,
      limits,
      bind: (channelRuntime, fullPath) => {
        // The app binds its channel routes with its SocketRuntime (app.ts channelRuntime()); route definitions see it opaquely.
        const runtime = channelRuntime as SocketRuntime;
        const plan = new SocketPlan(fullPath, meta, handlers, limits, runtime, routeOptions.errorFormat ?? runtime.errorFormat);
        return (...args: unknown[]) => {
          const req = args[args.length - 1] as Request;
          const problem = handshakeProblem(req);
          if (problem !== undefined) return payloadResponse(problem);
          const protocol = chooseProtocol(req.header("sec-websocket-protocol"), limits.protocols);
          return new UpgradeResponse(new Connection(plan, args, req, protocol), protocol);
        };
      },
    },
  };
}

/** The seed's form (a function: the message handler) or `{ open, message, close, drain }`. */
function readHandlers(path: string, handler: unknown): SocketHandlers {
  if (typeof handler === "function") return { message: handler as SocketHandler };
  if (handler === null || typeof handler !== "object") throw new SpikardError("INVALID_CONFIG", `websocket ${path}: the handler must be a function or { open, message, close, drain }`);
  const h = handler as Record<string, unknown>;
  if (typeof h.message !== "function") throw new SpikardError("INVALID_CONFIG", `websocket ${path}: the handlers need a message function`);
  const out: Partial<SocketHandlers> = {};
  for (const name of HANDLER_NAMES) {
    const fn = h[name];
    if (fn === undefined) continue;
    if (typeof fn !== "function") throw new SpikardError("INVALID_CONFIG", `websocket ${path}: ${name} must be a function`);
    // Bound to the object, so handlers written as methods may use `this`.
    out[name] = (fn as SocketHandler).bind(handler);
  }
  return out as SocketHandlers;
}
