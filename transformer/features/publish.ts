import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { tagOf } from "../analyses/declarations";
import { writePublishMeta } from "../programmers/realtime-meta";

/** `app.publish(topic, message)` → `app.publish(topic, message, meta)`: the check and serializer of the message's static type. */
export function transformPublishCall(context: ITypiaContext, call: ts.CallExpression): ts.CallExpression | undefined {
  const checker = context.checker;
  if (tagOf(checker.getResolvedSignature(call)?.declaration, "spikardPublish") === undefined) return undefined;
  const [topic, message, existing] = call.arguments;
  if (existing !== undefined || message === undefined || topic === undefined) return undefined;
  const meta = writePublishMeta({ typia: context, modulo: call.expression }, checker.getTypeAtLocation(message));
  return ts.factory.updateCallExpression(call, call.expression, call.typeArguments, [topic, message, meta]);
}
