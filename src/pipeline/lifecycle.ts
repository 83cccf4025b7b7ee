import { BackgroundTasks } from "../background";
import type { Request } from "../context";
import { isPromise, RequestScope, type Container } from "../di/container";
import { SpikardError } from "../errors";
import { httpError } from "../http-errors";
import type { HookEntry, HookPhase } from "../hooks";
import type { ValidationErrorDetail } from "../problem";
import { Response, StreamingResponse, type AnyResponse } from "../response";
import type { ArgMeta, ParamMeta } from "../runtime/meta";
import type { ResponseSink } from "../adapter/types";
import type { BodyLimits, ReceivedBody } from "./body";
import type { RoutePlan } from "./plan";
import { errorResponse } from "./error-response";
import { DependencyTypeError } from "../di/errors";
import { parameterErrors } from "./param-errors";
import { paramExtractor, type Extractor } from "./params";
import { attachSerializer, sendDynamic } from "./respond";
import { extractArgs } from "./extract";
import { payloadResponse } from "./payload-response";
import { abortSignal } from "./abort-signal";
import type { ErrorFormat } from "../validation/error-mapper";

export interface LifecycleContext {
  container: Container;
  logger: Pick<Console, "error" | "warn">;
  limits: BodyLimits;
  /** Background work still running (awaited by a graceful close). */
  track(work: Promise<void>): void;
}

/** A dependency's own parameter failed validation: answered 422 like a handler's. */
class DependencyValidationError extends Error {
  constructor(readonly errors: ValidationErrorDetail[]) {
    super("dependency parameter validation failed");
  }
}

/**
 * The plan's steps for routes with hooks, dependencies or background tasks:
 * request hooks, extraction (the same as every route's), dependency
 * resolution, the handler, error hooks, response hooks. Dependency cleanups
 * (reverse order) and background tasks run once both the handler is done and
 * the exchange is over (the response written, or the client gone), so a
 * streamed response can still use what its dependencies opened.
 */
export async function runLifecycle(ctx: LifecycleContext, route: RoutePlan, req: Request, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): Promise<void> {
  const scope = new RequestScope(req, route.providers);
  const tasks = route.backgroundIndices.length > 0 ? new BackgroundTasks() : undefined;
  const log = (msg: string, err: unknown): void => ctx.logger.error(msg, err);
  let waiting = 2;
  const finish = (): void => {
    if (--waiting === 0) ctx.track(afterResponse(scope, tasks, log));
  };
  sink.onComplete(finish);
  try {
    let response: AnyResponse;
    try {
      response = await answer(ctx, route, req, body, scope, tasks, sink);
    } catch (err) {
      response = await recover(ctx, route, err, req, scope);
    }
    for (const hook of route.hooks?.onResponse ?? []) {
      try {
        const replaced = await callHook(ctx, route, hook, "onResponse", [response, req], scope);
        if (replaced instanceof Response || replaced instanceof StreamingResponse) response = replaced;
      } catch (err) {
        response = fromError(ctx, err);
      }
    }
    if (!sink.aborted) {
      const streaming = sendDynamic(sink, response, response.statusCode, headOnly, undefined);
      if (streaming !== undefined) {
        await streaming.catch((err: unknown) => {
          log("spikard: stream failed after the response started", err);
          if (!sink.aborted) sink.close();
        });
      }
    }
  } finally {
    finish();
  }
}

async function afterResponse(scope: RequestScope, tasks: BackgroundTasks | undefined, log: (msg: string, err: unknown) => void): Promise<void> {
  await scope.close(log);
  if (tasks !== undefined && tasks.size > 0) await tasks.run(log);
}

async function answer(ctx: LifecycleContext, route: RoutePlan, req: Request, body: ReceivedBody | undefined, scope: RequestScope, tasks: BackgroundTasks | undefined, sink: ResponseSink): Promise<AnyResponse> {
  // Resolving would never finish on a cycle: the route answers the error start-up found.
  if (route.dependencyError !== undefined) throw route.dependencyError;
  const hooks = route.hooks;
  if (hooks !== undefined) {
    for (const phase of ["onRequest", "preValidation", "preHandler"] as const) {
      for (const hook of hooks[phase]) {
        const r = await callHook(ctx, route, hook, phase, [req], scope);
        if (r instanceof Response || r instanceof StreamingResponse) return r;
      }
    }
  }
  const args = new Array<unknown>(route.argCount);
  const invalid = extractArgs(route, req, body, args, [], ctx.limits);
  if (invalid !== undefined) return validationResponse(invalid);
  if (route.injects.length > 0) {
    const values = await Promise.all(route.injects.map(({ key }) => ctx.container.resolve(key, scope, (a, s) => resolveArgs(ctx, route.errorFormat, a, s))));
    route.injects.forEach(({ index, key, expected }, i) => {
      // Shallow: the value is the server's own object (a repository holding 100 000 items must cost nothing per request).
      if (expected !== undefined && jsonType(values[i]) !== expected) throw new DependencyTypeError(key, expected, values[i]);
      args[index] = values[i];
    });
  }
  for (const i of route.backgroundIndices) args[i] = tasks;
  for (const i of route.signalIndices) args[i] = abortSignal(sink);
  const result = await route.handler(...args);
  return toResponse(route, result);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  return t === "bigint" ? "number" : t === "function" ? "object" : t;
}

function validationResponse(errors: ValidationErrorDetail[]): Response {
  return payloadResponse(httpError("VALIDATION", [errors]));
}

function toResponse(route: RoutePlan, value: unknown): AnyResponse {
  if (value instanceof Response || value instanceof StreamingResponse) return value;
  const res = new Response({ statusCode: route.status, content: value });
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) attachSerializer(res, route.stringify);
  return res;
}

/** onError hooks may answer an exception; otherwise it gets its default response. */
async function recover(ctx: LifecycleContext, route: RoutePlan, err: unknown, req: Request, scope: RequestScope): Promise<AnyResponse> {
  if (err instanceof DependencyValidationError) return validationResponse(parameterErrors(err.errors));
  for (const hook of route.hooks?.onError ?? []) {
    try {
      const r = await callHook(ctx, route, hook, "onError", [err, req], scope);
      if (r instanceof Response || r instanceof StreamingResponse) return r;
    } catch (hookErr) {
      return fromError(ctx, hookErr);
    }
  }
  return fromError(ctx, err);
}

function fromError(ctx: LifecycleContext, err: unknown): Response {
  return payloadResponse(errorResponse(err, ctx.logger));
}


async function callHook(ctx: LifecycleContext, route: RoutePlan, hook: HookEntry, _phase: HookPhase, fixed: unknown[], scope: RequestScope): Promise<unknown> {
  if (hook.meta === undefined || hook.meta.args.length === 0) return hook.fn(...fixed);
  const deps = await resolveArgs(ctx, route.errorFormat, hook.meta.args, scope);
  return hook.fn(...fixed, ...deps);
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

/** Fills a factory's or hook's own parameters: dependencies, the request, its headers/query/cookies. */
function resolveArgs(ctx: LifecycleContext, format: ErrorFormat, args: ArgMeta[], scope: RequestScope): unknown[] | Promise<unknown[]> {
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
      case "body":
      case "signal":
        throw new SpikardError("DEPENDENCY", `A dependency or hook cannot take ${arg.in === "body" ? "the body" : arg.in === "signal" ? "an AbortSignal" : "BackgroundTasks"} (parameter "${arg.name}"); give it to the handler.`);
      default:
        v = extractorFor(arg, format)(req, (errors ??= []));
    }
    if (isPromise(v)) async = true;
    values.push(v);
  }
  if (errors !== undefined && errors.length > 0) throw new DependencyValidationError(errors);
  return async ? Promise.all(values) : values;
}
