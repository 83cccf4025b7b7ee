import { SpikardError } from "../errors";
import type { RouteDefinition } from "../router";
import { parsePathPattern, pathParamNames, type Segment } from "../routing/path-pattern";
import type { BodyMeta, ResponseKind, StringifyFn } from "../runtime/meta";
import { paramExtractor, type Extractor } from "./params";

/** A route ready to serve: extractors built, response writer chosen. */
export interface CompiledRoute {
  readonly method: string;
  readonly path: string;
  readonly segments: Segment[];
  readonly paramNames: string[];
  readonly handler: (...args: unknown[]) => unknown;
  readonly argCount: number;
  /** One per handler argument that is not the body (body decoded separately). */
  readonly extractors: Array<Extractor | undefined>;
  readonly body: BodyMeta | undefined;
  readonly bodyIndex: number;
  /** Indices of arguments that receive the `Request`. */
  readonly requestIndices: number[];
  readonly status: number;
  readonly responseKind: ResponseKind;
  readonly stringify: StringifyFn | undefined;
  readonly definition: RouteDefinition;
}

export function compileRoute(def: RouteDefinition): CompiledRoute {
  const segments = parsePathPattern(def.path);
  const paramNames = pathParamNames(segments);
  const extractors: Array<Extractor | undefined> = [];
  const requestIndices: number[] = [];
  let body: BodyMeta | undefined;
  let bodyIndex = -1;
  def.meta.args.forEach((arg, i) => {
    switch (arg.in) {
      case "body":
        body = arg;
        bodyIndex = i;
        extractors.push(undefined);
        return;
      case "request":
        requestIndices.push(i);
        extractors.push(undefined);
        return;
      case "path": {
        const index = paramNames.indexOf(arg.key);
        if (index === -1)
          throw new SpikardError("PATH_PARAM_MISMATCH", `${def.method} ${def.path}: handler parameter "${arg.name}" is a path parameter but the path has no {${arg.key}} segment`);
        extractors.push(paramExtractor(arg, index));
        return;
      }
      default:
        extractors.push(paramExtractor(arg, -1));
    }
  });
  return {
    method: def.method,
    path: def.path,
    segments,
    paramNames,
    handler: def.handler as (...args: unknown[]) => unknown,
    argCount: def.meta.args.length,
    extractors,
    body,
    bodyIndex,
    requestIndices,
    status: def.options.statusCode ?? 200,
    responseKind: def.meta.response.kind,
    stringify: def.meta.response.stringify,
    definition: def,
  };
}
