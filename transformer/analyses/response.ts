import ts from "typescript";
import type { ResponseKind } from "../../src/runtime/meta";
import { isTaggedClass } from "./declarations";

export interface ResponsePlan {
  kind: ResponseKind;
  /** The JSON-serialized part of the return type (json, and the plain members of dynamic). */
  jsonType?: ts.Type;
}

/**
 * Chooses how a handler's (awaited) return type is written: strings as
 * text/plain, bytes as application/octet-stream, `Response`/`StreamingResponse`
 * as they say, everything else as JSON through typia's stringify.
 */
export function analyzeResponse(checker: ts.TypeChecker, type: ts.Type): ResponsePlan {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: "dynamic" };
  // A handler that always throws.
  if (type.flags & ts.TypeFlags.Never) return { kind: "empty" };
  const members = type.isUnion() ? type.types : [type];
  const isVoid = (t: ts.Type): boolean => (t.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) !== 0;
  const isText = (t: ts.Type): boolean => (t.flags & ts.TypeFlags.StringLike) !== 0;
  const isBytes = (t: ts.Type): boolean => {
    const name = t.getSymbol()?.getName();
    return name === "Uint8Array" || name === "Buffer";
  };
  const isCustom = (t: ts.Type): boolean => isTaggedClass(checker, t, "spikardResponse");
  if (members.every(isVoid)) return { kind: "empty" };
  if (members.every(isText)) return { kind: "text" };
  if (members.every(isBytes)) return { kind: "bytes" };
  const plain = members.filter((t) => !isVoid(t) && !isText(t) && !isBytes(t) && !isCustom(t));
  if (plain.length === members.length) return { kind: "json", jsonType: type };
  if (plain.length === 0) return { kind: "dynamic" };
  return { kind: "dynamic", jsonType: unionOf(checker, plain) };
}

/** The checker's own union constructor (internal API, present in TS 5.x); without it the plain part falls back to JSON.stringify. */
export function unionOf(checker: ts.TypeChecker, types: ts.Type[]): ts.Type | undefined {
  if (types.length === 1) return types[0];
  const make = (checker as unknown as { getUnionType?: (t: ts.Type[]) => ts.Type }).getUnionType;
  return typeof make === "function" ? make.call(checker, types) : undefined;
}
