import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { channelRegistration, type Registration } from "../registrations";
import { writePublishMeta } from "../programmers/realtime-meta";

/** `app.publish(topic, message)` → `app.publish(topic, message, meta)`: the check and serializer of the message's static type. */
export function compilePublishCall(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const checker = context.checker;
  const [topic, message, existing] = call.arguments;
  if (existing !== undefined || message === undefined || topic === undefined) return undefined;
  const meta = writePublishMeta({ typia: context, modulo: call.expression }, checker.getTypeAtLocation(message));
  return channelRegistration(meta, [topic, message, meta], "publish");
}
