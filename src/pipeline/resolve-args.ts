import type { BackgroundTasks } from "../background";
import type { Request } from "../context";
import { isPromise, type RequestScope } from "../di/container";
import { DependencyTypeError } from "../di/errors";
import { SpikardError } from "../errors";
import type { ValidationErrorDetail } from "../problem";
import type { ArgMeta, ParamMeta } from "../runtime/meta";
import type { ErrorFormat } from "../validation/error-mapper";
import type { LifecycleContext } from "./lifecycle-context";
import { paramExtractor, type Extractor } from "./params";

/** A dependency's own parameter failed validation: answered like a handler's (422; INVALID_ARGUMENT on a gRPC call). */
export class DependencyValidationError extends Error {
  constructor(readonly errors: ValidationErrorDetail[]) {
    super("dependency parameter validation failed");
  }
}

/** Extractors for dependencies' and hooks' own parameters, per error format (they are not tied to one route). */
const extractors = new Map<ErrorFormat, WeakMap<ParamMeta, Extractor>>();

function extractorFor(arg: ParamMeta, format: ErrorFormat): Extractor {
  let byArg = extractors.get(format);
  if (byArg === undefined) extractors.set(format, (byArg = new WeakMap()));
  let ex = byArg.get(arg);
  if (ex === undefined) byArg.set(arg, (ex = paramExtractor(arg, -1, format)));
  return ex;
}

/**
 * Fills a factory's, hook's or gRPC method's own parameters: dependencies, the request, its
 * headers/query/cookies (a gRPC call's metadata), and `BackgroundTasks` where the caller has them
 * (a gRPC method; a dependency or hook cannot take them).
 */
export function resolveArgs(ctx: LifecycleContext, format: ErrorFormat, args: readonly ArgMeta[], scope: RequestScope, tasks?: BackgroundTasks): unknown[] | Promise<unknown[]> {
  const req = scope.data as Request;
  const values: unknown[] = [];
  let errors: ValidationErrorDetail[] | undefined;
  let async = false;
  for (const arg of args) {
    let v: unknown;
    switch (arg.in) {
      case "inject":
        v = ctx.container.resolve(arg.key, scope, (a, s) => resolveArgs(ctx, format, a, s));
        break;
      case "request":
        v = req;
        break;
      case "background":
        if (tasks === undefined) throw new SpikardError("DEPENDENCY", `A dependency or hook cannot take BackgroundTasks (parameter "${arg.name}"); give it to the handler.`);
        v = tasks;
        break;
      case "body":
      case "signal":
        throw new SpikardError("DEPENDENCY", `A dependency or hook cannot take ${arg.in === "body" ? "the body" : "an AbortSignal"} (parameter "${arg.name}"); give it to the handler.`);
      default:
        v = extractorFor(arg, format)(req, (errors ??= []));
    }
    if (isPromise(v)) async = true;
    values.push(v);
  }
  if (errors !== undefined && errors.length > 0) throw new DependencyValidationError(errors);
  return async ? Promise.all(values) : values;
}

/** A plan's injected arguments, resolved through the container and each checked against its declared JSON type. */
export async function resolveInjects(ctx: LifecycleContext, format: ErrorFormat, injects: ReadonlyArray<{ key: string; expected?: string }>, scope: RequestScope): Promise<unknown[]> {
  const values = await Promise.all(injects.map(({ key }) => ctx.container.resolve(key, scope, (a, s) => resolveArgs(ctx, format, a, s))));
  injects.forEach(({ key, expected }, i) => checkInjected(key, expected, values[i]));
  return values;
}

/** An injected value against the JSON type its parameter declares (a provider that built the wrong thing is a 500/INTERNAL). */
export function checkInjected(key: string, expected: string | undefined, value: unknown): void {
  // Shallow: the value is the server's own object (a repository holding 100 000 items must cost nothing per request).
  if (expected !== undefined && jsonType(value) !== expected) throw new DependencyTypeError(key, expected, value);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  return t === "bigint" ? "number" : t === "function" ? "object" : t;
}
