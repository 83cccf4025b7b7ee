import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import type { Registration } from "../registrations";
import { analyzeHandler } from "../analyses/handler";
import { eventDataType } from "../analyses/sse";
import { writeSseMeta } from "../programmers/realtime-meta";
import { checkProviders, routeKey, routePath } from "./routes";

/**
 * `app.sse(path, generator, options?)` → `app.sse(path, generator, options, meta)`:
 * the route's parameters as a GET route's, and the writer of its event data
 * (the yield type, `SseEvent<T>`'s `T`). `spikard gen` keys it as a GET route.
 */
export function compileSseCall(context: ITypiaContext, call: ts.CallExpression): Registration | undefined {
  const checker = context.checker;
  const [pathArg, handler, options, existing] = call.arguments;
  if (existing !== undefined || handler === undefined || pathArg === undefined) return undefined;
  const { path, pathParams } = routePath(checker, pathArg);
  const shown = path ?? "<dynamic path>";
  const plan = analyzeHandler(checker, handler, "GET", shown, pathParams);
  checkProviders(context, plan.params);
  const data = eventDataType(checker, plan.returnType, shown);
  const meta = writeSseMeta({ typia: context, modulo: call.expression }, plan, data, path);
  const label = `sse ${shown}`;
  return { kind: "sse", id: routeKey(checker, call, "GET", path, options, label), value: meta, args: [pathArg, handler, options ?? ts.factory.createIdentifier("undefined"), meta], label };
}
