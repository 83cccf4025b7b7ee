import { SpikardError } from "../errors";
import type { RouteDefinition } from "../route-definition";
import { parsePathPattern, pathParamNames, type Segment } from "../routing/path-pattern";
import type { BodyMeta, ResponseKind, StringifyFn } from "../runtime/meta";
import { paramExtractor, type Extractor } from "./params";
import { segmentCheck, type SegmentCheck } from "./segment-checks";
import type { ErrorFormat } from "../validation/error-mapper";
import { emptyHooks, hasHooks, mergeHooks, type HookTable } from "../hooks";
import type { DependencyGraphError } from "../di/errors";
import type { Middleware } from "./middleware";

/**
 * A route ready to serve, compiled once at start-up: extractors built, its
 * middleware chain resolved, response writer chosen. Every request of the
 * route runs this plan (see Pipeline): extract → hooks and dependencies only
 * where it has them → handler → one writer.
 */
export interface RoutePlan {
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
  /** Typed segments (`{id:int}`) no handler argument reads. */
  readonly segmentChecks: SegmentCheck[];
  /** Indices of arguments that receive the `Request`. */
  readonly requestIndices: number[];
  readonly status: number;
  readonly responseKind: ResponseKind;
  readonly stringify: StringifyFn | undefined;
  readonly errorFormat: ErrorFormat;
  readonly definition: RouteDefinition;
  /** Arguments filled by dependency injection; `expected` is the declared JSON type, checked shallowly (a provider's objects are the server's own). */
  readonly injects: Array<{ index: number; key: string; expected?: string }>;
  readonly backgroundIndices: number[];
  /** Indices of `AbortSignal` arguments (aborted when the client goes away). */
  readonly signalIndices: number[];
  /** App and router hooks for this route; undefined when there are none (the fast path). */
  readonly hooks: HookTable | undefined;
  /** Needs the lifecycle runner (hooks, dependencies or background tasks). */
  readonly slow: boolean;
  readonly providers: RouteDefinition["providers"];
  /** Headers are read after the adapter's synchronous call (body routes with header/cookie parameters, hooks, Request). */
  readonly readsHeadersLate: boolean;
  /** Something reads the Request (an argument, a check, a body, hooks); when nothing does, none is built. */
  readonly usesRequest: boolean;
  /** Set at start-up, in `dependencyErrors: "respond"` builds, when the route's dependencies cannot be resolved: every request answers it. */
  readonly dependencyError?: DependencyGraphError;
  /** Middleware around the route, outermost first (the app's, its routers', its own; minus `skip`). Empty: the fast path. */
  readonly chain: readonly Middleware[];
  /** The route's own body limit (bytes), when its options set one. */
  readonly bodyLimit: number | undefined;
}

export interface PlanDefaults {
  errorFormat: ErrorFormat;
  hooks?: HookTable;
  /** The middleware chain for a route definition. */
  chain: (def: RouteDefinition) => readonly Middleware[];
}

export function compileRoute(def: RouteDefinition, defaults: PlanDefaults): RoutePlan {
  const format = def.options.errorFormat ?? defaults.errorFormat;
  const segments = parsePathPattern(def.path);
  const paramNames = pathParamNames(segments);
  const extractors: Array<Extractor | undefined> = [];
  const requestIndices: number[] = [];
  const checks = new Map<string, SegmentCheck>();
  segments.forEach((seg) => {
    if (seg.kind !== "param") return;
    const check = segmentCheck(seg.type, seg.name, paramNames.indexOf(seg.name));
    if (check) checks.set(seg.name, check);
  });
  let body: BodyMeta | undefined;
  let bodyIndex = -1;
  const injects: RoutePlan["injects"] = [];
  const backgroundIndices: number[] = [];
  const signalIndices: number[] = [];
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
      case "inject":
        injects.push({ index: i, key: arg.key, expected: arg.expected });
        extractors.push(undefined);
        return;
      case "background":
        backgroundIndices.push(i);
        extractors.push(undefined);
        return;
      case "signal":
        signalIndices.push(i);
        extractors.push(undefined);
        return;
      case "path": {
        const index = paramNames.indexOf(arg.key);
        if (index === -1)
          throw new SpikardError("PATH_PARAM_MISMATCH", `${def.method} ${def.path}: handler parameter "${arg.name}" is a path parameter but the path has no {${arg.key}} segment`);
        const inner = paramExtractor(arg, index, format);
        const check = checks.get(arg.key);
        checks.delete(arg.key);
        // The segment's own type decides first; a value it rejects is not checked twice.
        extractors.push(check ? (req, errors) => (check(req, errors) ? inner(req, errors) : undefined) : inner);
        return;
      }
      default:
        extractors.push(paramExtractor(arg, -1, format));
    }
  });
  const merged = mergeHooks(defaults.hooks ?? emptyHooks(), def.hooks ?? emptyHooks());
  const hooks = hasHooks(merged) ? merged : undefined;
  // The lifecycle runner (hooks, dependencies, background tasks) hands the Request around after the adapter's call.
  const slow = hooks !== undefined || injects.length > 0 || backgroundIndices.length > 0;
  const handsOutRequest = slow || requestIndices.length > 0;
  return {
    injects,
    backgroundIndices,
    signalIndices,
    hooks,
    slow,
    providers: def.providers,
    usesRequest: handsOutRequest || body !== undefined || checks.size > 0 || extractors.some((e) => e !== undefined),
    readsHeadersLate: handsOutRequest || (body !== undefined && def.meta.args.some((a) => a.in === "header" || a.in === "cookie")),
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
    segmentChecks: [...checks.values()],
    status: def.options.statusCode ?? 200,
    responseKind: def.meta.response.kind,
    stringify: def.meta.response.stringify,
    errorFormat: format,
    definition: def,
    chain: defaults.chain(def),
    bodyLimit: def.options.bodyLimit,
  };
}
