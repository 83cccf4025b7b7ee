import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { tagOf } from "../analyses/declarations";
import { analyzeWebSocket } from "../analyses/websocket";
import { writeWebSocketMeta } from "../programmers/realtime-meta";
import { checkProviders, routePath } from "./routes";

/**
 * `app.websocket(path, handler, options?)` → `app.websocket(path, handler, options, meta)`:
 * the handshake parameters of every handler, the message type's validator,
 * the outgoing type's check and serializer, and the AsyncAPI fragment.
 */
export function transformWebSocketCall(context: ITypiaContext, call: ts.CallExpression): ts.CallExpression | undefined {
  const checker = context.checker;
  if (tagOf(checker.getResolvedSignature(call)?.declaration, "spikardWebSocket") === undefined) return undefined;
  const [pathArg, handler, options, existing] = call.arguments;
  if (existing !== undefined || handler === undefined || pathArg === undefined) return undefined;
  const { path, pathParams } = routePath(checker, pathArg);
  const plan = analyzeWebSocket(checker, handler, path ?? "<dynamic path>", pathParams);
  checkProviders(context, plan.handlers.flatMap((h) => h.params));
  const meta = writeWebSocketMeta({ typia: context, modulo: call.expression }, plan, path);
  return ts.factory.updateCallExpression(call, call.expression, call.typeArguments, [pathArg, handler, options ?? ts.factory.createIdentifier("undefined"), meta]);
}
