import ts from "typescript";
import { TransformerError } from "../TransformerError";
import { isTaggedClass } from "./declarations";
import { unionOf } from "./response";

const ITERABLES = new Set(["AsyncGenerator", "AsyncIterable", "AsyncIterableIterator", "Generator", "Iterable", "IterableIterator", "Array", "ReadonlyArray"]);

/**
 * The data type of an SSE handler's events: its (awaited) return type must
 * be an (async) generator or iterable; each `SseEvent<T>` it yields stands
 * for its `T`, any other value is the data itself. Undefined for `unknown`/`any`
 * (the data is then written unchecked).
 */
export function eventDataType(checker: ts.TypeChecker, returnType: ts.Type, path: string): ts.Type | undefined {
  const yielded = yieldType(checker, returnType);
  if (yielded === undefined) throw new TransformerError("SPK021", path, checker.typeToString(returnType));
  if (yielded.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  const data = (yielded.isUnion() ? yielded.types : [yielded]).map((t) => (isTaggedClass(checker, t, "spikardSseEvent") ? (checker.getTypeArguments(t as ts.TypeReference)[0] ?? checker.getUnknownType()) : t));
  if (data.some((t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return undefined;
  return data.length === 1 ? data[0] : (unionOf(checker, data) ?? undefined);
}

function yieldType(checker: ts.TypeChecker, t: ts.Type): ts.Type | undefined {
  const name = t.getSymbol()?.getName();
  if (name !== undefined && ITERABLES.has(name) && (t.flags & ts.TypeFlags.Object) !== 0) return checker.getTypeArguments(t as ts.TypeReference)[0];
  return undefined;
}
