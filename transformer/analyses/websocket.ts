import ts from "typescript";
import { TransformerError } from "../TransformerError";
import { isTaggedClass } from "./declarations";
import { analyzeSignature, unwrapBodyMarkers, type HandlerPlan, type ParamPlan } from "./handler";
import { unionOf } from "./response";

export type SocketHandlerName = "open" | "message" | "close" | "drain";

/** Parameters each handler takes before its handshake parameters, the socket included. */
const FIXED: Record<SocketHandlerName, number> = { open: 1, message: 2, close: 3, drain: 1 };

export interface SocketHandlerPlan {
  name: SocketHandlerName;
  /** Takes the WebSocket first. */
  socket: boolean;
  /** Its handshake parameters (after the fixed ones). */
  params: ParamPlan[];
  plan: HandlerPlan;
}

/** The incoming message type, as a body's (markers peeled). */
export interface MessagePlan {
  name: string;
  type: ts.Type;
  typeNode?: ts.TypeNode;
  strict?: boolean;
  oneOf?: ts.Type[];
  /** Declared `unknown`: any JSON, unchecked. */
  unchecked: boolean;
}

export interface WebSocketPlan {
  handlers: SocketHandlerPlan[];
  incoming: MessagePlan | undefined;
  /** What the server sends: `WebSocket<Out>`'s `Out`, else the message handler's (awaited) return type; undefined: anything. */
  outgoing: ts.Type | undefined;
  /** The message handler's return value is sent (its return type is not void). */
  replies: boolean;
  doc: HandlerPlan["doc"];
}

/**
 * Reads a WebSocket route's handlers through the checker: the seed's
 * function (the message handler, taking the message first, or the socket
 * and then the message), or an object with `open`/`message`/`close`/`drain`
 * methods, inline or declared elsewhere. Each handler's parameters after its
 * fixed ones are handshake parameters, classified as a GET route's are.
 */
export function analyzeWebSocket(checker: ts.TypeChecker, handler: ts.Expression, path: string, pathParams: string[]): WebSocketPlan {
  const type = checker.getTypeAtLocation(handler);
  const handlers: SocketHandlerPlan[] = [];
  const fn = type.getCallSignatures()[0];
  if (fn !== undefined) {
    const first = fn.getParameters()[0];
    const socket = first !== undefined && isSocket(checker, checker.getTypeOfSymbolAtLocation(first, handler));
    handlers.push(handlerPlan(checker, "message", fn, socket, socket ? 2 : 1, path, pathParams));
  } else {
    for (const name of ["open", "message", "close", "drain"] as const) {
      const prop = type.getProperty(name);
      if (prop === undefined) continue;
      const sig = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(prop, handler)).getCallSignatures()[0];
      if (sig === undefined) throw new TransformerError("SPK001", `websocket ${path} (${name})`);
      handlers.push(handlerPlan(checker, name, sig, true, FIXED[name], path, pathParams));
    }
  }
  const message = handlers.find((h) => h.name === "message");
  if (message === undefined) throw new TransformerError("SPK022", path);
  const returned = replyType(checker, message.plan.returnType);
  const declared = handlers.map((h) => outType(checker, h)).find((t) => t !== undefined);
  return {
    handlers,
    incoming: messageOf(checker, message, path),
    outgoing: declared ?? returned,
    replies: returned !== undefined,
    doc: message.plan.doc,
  };
}

function handlerPlan(checker: ts.TypeChecker, name: SocketHandlerName, sig: ts.Signature, socket: boolean, fixed: number, path: string, pathParams: string[]): SocketHandlerPlan {
  const plan = analyzeSignature(checker, sig, "GET", `${path} (${name})`, pathParams, fixed);
  return { name, socket, params: plan.params, plan: { ...plan, declaration: sig.getDeclaration() as ts.SignatureDeclaration | undefined } };
}

function isSocket(checker: ts.TypeChecker, t: ts.Type): boolean {
  return isTaggedClass(checker, checker.getNonNullableType(t), "spikardSocket");
}

/** `WebSocket<Out, State>`'s `Out` on the handler's socket parameter, unless left `unknown`. */
function outType(checker: ts.TypeChecker, h: SocketHandlerPlan): ts.Type | undefined {
  const decl = h.plan.declaration;
  const param = h.socket ? decl?.parameters[0] : undefined;
  if (param === undefined) return undefined;
  // The parameter's name: for an unannotated one this is its contextual type (WebSocketHandlers<Out, State>'s).
  const t = checker.getNonNullableType(checker.getTypeAtLocation(param.name));
  if (!isSocket(checker, t)) return undefined;
  const out = checker.getTypeArguments(t as ts.TypeReference)[0];
  return out === undefined || out.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any) ? undefined : out;
}

/** The reply: the awaited return type without void/undefined; undefined when nothing is returned. */
function replyType(checker: ts.TypeChecker, t: ts.Type): ts.Type | undefined {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  const members = t.isUnion() ? t.types : [t];
  const kept = members.filter((m) => !(m.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)));
  if (kept.length === 0) return undefined;
  return kept.length === members.length ? t : (unionOf(checker, kept) ?? t);
}

/** The message handler's message parameter (after the socket, when it takes one). */
function messageOf(checker: ts.TypeChecker, h: SocketHandlerPlan, path: string): MessagePlan | undefined {
  const decl = h.plan.declaration?.parameters[h.socket ? 1 : 0];
  if (decl === undefined) return undefined;
  const name = ts.isIdentifier(decl.name) ? decl.name.text : "message";
  const type = checker.getTypeAtLocation(decl);
  if (type.flags & ts.TypeFlags.Any) throw new TransformerError("SPK002", name, name);
  const unwrapped = unwrapBodyMarkers(checker, type, decl.type);
  if (unwrapped.type.flags & ts.TypeFlags.Any) throw new TransformerError("SPK005", name, checker.typeToString(unwrapped.type), "it accepts anything", `the messages of ${path}`);
  return { name, ...unwrapped, unchecked: (unwrapped.type.flags & ts.TypeFlags.Unknown) !== 0 };
}
