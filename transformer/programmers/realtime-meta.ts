import ts from "typescript";
import type { HandlerPlan, ParamPlan } from "../analyses/handler";
import { analyzeResponse } from "../analyses/response";
import { bodyKinds } from "../analyses/body-shape";
import { collectObjectRules } from "../analyses/object-rules";
import type { MessagePlan, WebSocketPlan } from "../analyses/websocket";
import { respondsToDependencyErrors } from "../dependency-policy";
import { writeChannelFragment, type PayloadKind } from "./asyncapi-fragment";
import { writeObjectRules } from "./object-rules";
import { writeOperationFragment } from "./openapi-fragment";
import { checks, compact, literal, object, SPREAD, str, bool, writeArg } from "./route-meta";
import { writeChecks, writeStringify, type EmitContext } from "./typia";

const f = ts.factory;

/**
 * The writer of what a handler sends (src/runtime/meta.ts OutgoingMeta): a
 * check against the declared type, and the serializer of its JSON part. A
 * type of `unknown` (undefined here) checks nothing and writes JSON.stringify's.
 */
export function writeOutgoing(context: EmitContext, type: ts.Type | undefined): ts.Expression {
  if (type === undefined || type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return object({ kind: str("dynamic") });
  const checker = context.typia.checker;
  // Strings (tagged ones too) go as text and bytes as binary, never through the JSON serializer.
  const payload = payloadKind(checker, type);
  if (payload !== "json") return object({ kind: str(payload), [SPREAD]: writeChecks(context, type) });
  const r = analyzeResponse(checker, type);
  return object({
    kind: str(r.kind === "empty" ? "dynamic" : r.kind),
    [SPREAD]: writeChecks(context, type),
    ...(r.jsonType !== undefined ? { stringify: writeStringify(context, r.jsonType) } : {}),
  });
}

/** How a payload of `type` travels: bytes as binary frames, strings (typia's tags on them too) as text, the rest as JSON. */
export function payloadKind(checker: ts.TypeChecker, type: ts.Type | undefined): PayloadKind {
  if (type === undefined) return "json";
  const kind = bodyKinds(checker, type)[0];
  return kind === "bytes" ? "bytes" : kind === "text" ? "text" : "json";
}

/** Incoming messages as a body (BodyMeta): kinds by payload kind, the generated checks and object rules. */
function writeIncoming(context: EmitContext, m: MessagePlan | undefined): ts.Expression {
  if (m === undefined || m.unchecked) return object({ in: str("body"), name: str(m?.name ?? "message"), kinds: literal(["json"]), optional: bool(false) });
  const kind = payloadKind(context.typia.checker, m.type);
  const rules = kind === "bytes" ? [] : collectObjectRules(context.typia.checker, m.type);
  return object({
    in: str("body"),
    name: str(m.name),
    kinds: literal([kind]),
    optional: bool(false),
    ...(kind === "bytes" ? {} : checks(context, m)),
    ...(rules.length > 0 ? { objectRules: writeObjectRules(rules) } : {}),
  });
}

/** `WebSocketMeta`: every handler's handshake parameters in one list, each handler pointing at its own. */
export function writeWebSocketMeta(context: EmitContext, plan: WebSocketPlan, path: string | undefined): ts.Expression {
  const args: ParamPlan[] = [];
  const handlers: Record<string, ts.Expression> = {};
  for (const h of plan.handlers) {
    const indices = h.params.map((p) => args.push(p) - 1);
    handlers[h.name] = object({ socket: bool(h.socket), args: literal(indices) });
  }
  const checker = context.typia.checker;
  const fragment =
    path === undefined
      ? undefined
      : writeChannelFragment(checker, {
          protocol: "ws",
          path,
          params: args,
          receive: plan.incoming !== undefined && !plan.incoming.unchecked ? { type: plan.incoming.type, kind: payloadKind(checker, plan.incoming.type) } : undefined,
          send: plan.outgoing !== undefined || plan.replies ? { type: plan.outgoing, kind: payloadKind(checker, plan.outgoing) } : undefined,
          reply: plan.replies,
          doc: plan.doc,
        });
  return object({
    v: f.createNumericLiteral(1),
    args: f.createArrayLiteralExpression(args.map((p) => writeArg(context, p)), true),
    handlers: object(handlers),
    incoming: writeIncoming(context, plan.incoming),
    outgoing: writeOutgoing(context, plan.outgoing),
    doc: docLiteral(plan.doc),
    ...(fragment !== undefined ? { asyncapi: str(JSON.stringify(fragment)) } : {}),
    ...(respondsToDependencyErrors(context.typia) ? { dependencyErrors: str("respond") } : {}),
  });
}

/** `SseMeta`: the route's arguments and docs, its event data's writer, and both documents' fragments. */
export function writeSseMeta(context: EmitContext, plan: HandlerPlan, data: ts.Type | undefined, path: string | undefined): ts.Expression {
  const checker = context.typia.checker;
  const operation = writeOperationFragment(checker, plan, { kind: "dynamic", jsonType: data }, path);
  // The response is a stream of events: documented as text/event-stream with the data's schema.
  const ok = (operation?.operation.responses as Record<string, { content?: Record<string, unknown> }> | undefined)?.["200"];
  if (ok?.content?.["application/json"] !== undefined) ok.content = { "text/event-stream": ok.content["application/json"] };
  const fragment = path === undefined ? undefined : writeChannelFragment(checker, { protocol: "http", path, params: plan.params, send: { type: data, kind: payloadKind(checker, data) }, reply: false, doc: plan.doc });
  return object({
    v: f.createNumericLiteral(1),
    args: f.createArrayLiteralExpression(plan.params.map((p) => writeArg(context, p)), true),
    response: object({ kind: str("dynamic") }),
    events: writeOutgoing(context, data),
    doc: docLiteral(plan.doc),
    ...(operation !== undefined ? { openapi: str(JSON.stringify(operation)) } : {}),
    ...(fragment !== undefined ? { asyncapi: str(JSON.stringify(fragment)) } : {}),
    ...(respondsToDependencyErrors(context.typia) ? { dependencyErrors: str("respond") } : {}),
  });
}

/** `PublishMeta`: the published message's writer. */
export function writePublishMeta(context: EmitContext, type: ts.Type): ts.Expression {
  return object({ v: f.createNumericLiteral(1), message: writeOutgoing(context, type) });
}

function docLiteral(doc: HandlerPlan["doc"]): ts.Expression {
  return literal(compact({ ...doc, tags: doc.tags.length ? doc.tags : undefined }));
}
