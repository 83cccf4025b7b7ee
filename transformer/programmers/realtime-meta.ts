import ts from "typescript";
import { META_VERSION, type BodyMeta, type OutgoingMeta, type PublishMeta, type SocketHandlerMeta, type SseMeta, type WebSocketMeta } from "../../src/runtime/meta";
import type { HandlerPlan, ParamPlan } from "../analyses/handler";
import { analyzeResponse } from "../analyses/response";
import { bodyKinds } from "../analyses/body-shape";
import { holdsObjects } from "../analyses/scalar";
import { collectObjectRules } from "../analyses/object-rules";
import type { MessagePlan, WebSocketPlan } from "../analyses/websocket";
import { respondsToDependencyErrors } from "../dependency-policy";
import { writeChannelFragment, type PayloadKind } from "./asyncapi-fragment";
import { array, bool, emit, literal, str, typed, type Expr } from "./emit";
import { writeObjectRules } from "./object-rules";
import { writeOperationFragment } from "./openapi-fragment";
import { checks, compact, writeArg } from "./route-meta";
import { writeChecks, writePrune, writeStringify, type EmitContext } from "./typia";

/**
 * The writer of what a handler sends (src/runtime/meta.ts OutgoingMeta): a
 * check against the declared type, and the serializer of its JSON part. A
 * type of `unknown` (undefined here) checks nothing and writes JSON.stringify's.
 */
export function writeOutgoing(context: EmitContext, type: ts.Type | undefined): Expr<OutgoingMeta> {
  if (type === undefined || type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return emit<OutgoingMeta>({ kind: str("dynamic") });
  const checker = context.typia.checker;
  const both = typed<Pick<OutgoingMeta, "is" | "validate">>(writeChecks(context, type));
  // Strings (tagged ones too) go as text and bytes as binary, never through the JSON serializer.
  const payload = payloadKind(checker, type);
  if (payload !== "json") return emit<OutgoingMeta>({ kind: str(payload) }, both);
  const r = analyzeResponse(checker, type);
  return emit<OutgoingMeta>(
    {
      kind: str(r.kind === "empty" ? "dynamic" : r.kind),
      stringify: r.jsonType !== undefined ? writeStringify(context, r.jsonType) : undefined,
    },
    both,
  );
}

/** How a payload of `type` travels: bytes as binary frames, strings (typia's tags on them too) as text, the rest as JSON. */
export function payloadKind(checker: ts.TypeChecker, type: ts.Type | undefined): PayloadKind {
  if (type === undefined) return "json";
  const kind = bodyKinds(checker, type)[0];
  return kind === "bytes" ? "bytes" : kind === "text" ? "text" : "json";
}

/** Incoming messages as a body (BodyMeta): kinds by payload kind, the generated checks and object rules. */
function writeIncoming(context: EmitContext, m: MessagePlan | undefined): Expr<BodyMeta> {
  if (m === undefined || m.unchecked) return emit<BodyMeta>({ in: str("body"), name: str(m?.name ?? "message"), kinds: literal(["json"]), optional: bool(false) });
  const checker = context.typia.checker;
  const kind = payloadKind(checker, m.type);
  const bytes = kind === "bytes";
  const rules = bytes ? [] : collectObjectRules(checker, m.type);
  const checked = bytes ? undefined : checks(context, m);
  return emit<BodyMeta>(
    {
      in: str("body"),
      name: str(m.name),
      kinds: literal([kind]),
      optional: bool(false),
      enums: checked?.enums,
      oneOf: checked?.oneOf,
      objectRules: rules.length > 0 ? writeObjectRules(rules) : undefined,
      // As a body: a valid message loses the properties its type does not declare (Strict<T> rejects them).
      prune: bytes || m.strict === true || !holdsObjects(checker, m.type) ? undefined : writePrune(context, m.type),
    },
    ...(checked ? [checked.both] : []),
  );
}

/** `WebSocketMeta`: every handler's handshake parameters in one list, each handler pointing at its own. */
export function writeWebSocketMeta(context: EmitContext, plan: WebSocketPlan, path: string | undefined): Expr<WebSocketMeta> {
  const args: ParamPlan[] = [];
  const handlers: Partial<Record<keyof WebSocketMeta["handlers"], Expr<SocketHandlerMeta>>> = {};
  for (const h of plan.handlers) {
    const indices = h.params.map((p) => args.push(p) - 1);
    handlers[h.name] = emit<SocketHandlerMeta>({ socket: bool(h.socket), args: literal(indices) });
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
  return emit<WebSocketMeta>({
    v: literal(META_VERSION),
    args: array(args.map((p) => writeArg(context, p)), true),
    handlers: emit<WebSocketMeta["handlers"]>({ open: handlers.open, message: handlers.message!, close: handlers.close, drain: handlers.drain }),
    incoming: writeIncoming(context, plan.incoming),
    outgoing: writeOutgoing(context, plan.outgoing),
    doc: docLiteral(plan.doc),
    asyncapi: fragment !== undefined ? str(JSON.stringify(fragment)) : undefined,
    dependencyErrors: respondsToDependencyErrors(context.typia) ? str("respond") : undefined,
  });
}

/** `SseMeta`: the route's arguments and docs, its event data's writer, and both documents' fragments. */
export function writeSseMeta(context: EmitContext, plan: HandlerPlan, data: ts.Type | undefined, path: string | undefined): Expr<SseMeta> {
  const checker = context.typia.checker;
  const operation = writeOperationFragment(checker, plan, { kind: "dynamic", jsonType: data }, path);
  // The response is a stream of events: documented as text/event-stream with the data's schema.
  const ok = (operation?.operation.responses as Record<string, { content?: Record<string, unknown> }> | undefined)?.["200"];
  if (ok?.content?.["application/json"] !== undefined) ok.content = { "text/event-stream": ok.content["application/json"] };
  const fragment = path === undefined ? undefined : writeChannelFragment(checker, { protocol: "http", path, params: plan.params, send: { type: data, kind: payloadKind(checker, data) }, reply: false, doc: plan.doc });
  return emit<SseMeta>({
    v: literal(META_VERSION),
    args: array(plan.params.map((p) => writeArg(context, p)), true),
    response: emit<SseMeta["response"]>({ kind: str("dynamic") }),
    events: writeOutgoing(context, data),
    doc: docLiteral(plan.doc),
    openapi: operation !== undefined ? str(JSON.stringify(operation)) : undefined,
    asyncapi: fragment !== undefined ? str(JSON.stringify(fragment)) : undefined,
    dependencyErrors: respondsToDependencyErrors(context.typia) ? str("respond") : undefined,
  });
}

/** `PublishMeta`: the published message's writer. */
export function writePublishMeta(context: EmitContext, type: ts.Type): Expr<PublishMeta> {
  return emit<PublishMeta>({ v: literal(META_VERSION), message: writeOutgoing(context, type) });
}

function docLiteral(doc: HandlerPlan["doc"]): Expr<NonNullable<WebSocketMeta["doc"]>> {
  return literal(compact({ ...doc, tags: doc.tags.length ? doc.tags : undefined }));
}
