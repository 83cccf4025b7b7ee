import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import type { Registration } from "../registrations";
import { analyzeWebSocket } from "../analyses/websocket";
import { writeWebSocketMeta } from "../programmers/realtime-meta";
import { checkProviders, routeKey, routePath } from "./routes";

/**
 * `app.websocket(path, handler, options?)` → `app.websocket(path, handler, options, meta)`:
 * the handshake parameters of every handler, the message type's validator,
 * the outgoing type's check and serializer, and the AsyncAPI fragment.
 * `spikard gen` keys it as a GET route (src/runtime/ids.ts routeId).
 */
export function compileWebSocketCall(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const checker = context.checker;
  const [pathArg, handler, options, existing] = call.arguments;
  if (existing !== undefined || handler === undefined || pathArg === undefined) return undefined;
  const { path, pathParams } = routePath(checker, pathArg);
  const plan = analyzeWebSocket(checker, handler, path ?? "<dynamic path>", pathParams);
  checkProviders(context, plan.handlers.flatMap((h) => h.params));
  const meta = writeWebSocketMeta({ typia: context, modulo: call.expression }, plan, path);
  const label = `websocket ${path ?? "<dynamic path>"}`;
  return { kind: "websocket", id: routeKey(checker, call, "GET", path, options, label), value: meta, args: [pathArg, handler, options ?? ts.factory.createIdentifier("undefined"), meta], label };
}
