import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { publishId } from "../../src/runtime/ids";
import { stringLiteralOf } from "../analyses/declarations";
import type { Registration } from "../registrations";
import { writePublishMeta } from "../programmers/realtime-meta";

/**
 * `app.publish(topic, message)` → `app.publish(topic, message, meta)`: the check and serializer of the message's static type.
 * `spikard gen` keys it by its topic's pattern (src/runtime/ids.ts publishId), which the runtime matches the topic against.
 */
export function compilePublishCall(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const checker = context.checker;
  const [topic, message, existing] = call.arguments;
  if (existing !== undefined || message === undefined || topic === undefined) return undefined;
  const meta = writePublishMeta({ typia: context, modulo: call.expression }, checker.getTypeAtLocation(message));
  const parts = topicParts(checker, topic);
  return { kind: "publish", id: publishId(parts), value: meta, args: [topic, message, meta], label: `app.publish(${showTopic(parts)}, ...)` };
}

/** The literal parts of a topic, with a value anywhere between them: a literal, a template, or (anything else) any string. */
function topicParts(checker: ts.TypeChecker, topic: ts.Expression): string[] {
  const literal = stringLiteralOf(checker, topic);
  if (literal !== undefined) return [literal];
  if (ts.isTemplateExpression(topic)) return [topic.head.text, ...topic.templateSpans.map((s) => s.literal.text)];
  const type = checker.getTypeAtLocation(topic);
  if (type.flags & ts.TypeFlags.TemplateLiteral) return [...(type as ts.TemplateLiteralType).texts];
  return ["", ""];
}

/** `"chat"`, `` `room:${…}` ``. */
export function showTopic(parts: readonly string[]): string {
  return parts.length === 1 ? JSON.stringify(parts[0]) : `\`${parts.join("${…}")}\``;
}
