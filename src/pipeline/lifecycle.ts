import { BackgroundTasks } from "../background";
import type { Request } from "../context";
import { isPromise, RequestScope, type Container } from "../di/container";
import { SpikardError } from "../errors";
import type { HookEntry, HookPhase } from "../hooks";
import { validationProblem, type ValidationErrorDetail } from "../problem";
import { Response, StreamingResponse } from "../response";
import type { ArgMeta, ParamMeta, StringifyFn } from "../runtime/meta";
import { decodeBody, type BodyLimits, type ReceivedBody } from "./body";
import type { CompiledRoute } from "./compile-route";
import { errorResponse } from "./error-response";
import { DependencyTypeError } from "../di/errors";
import { parameterErrors } from "./param-errors";
import { paramExtractor, type Extractor } from "./params";
import { sendDynamic } from "./respond";
import type { ResponseSink } from "./sink";

export interface LifecycleContext {
  container: Container;
  logger: Pick<Console, "error" | "warn">;
  limits: BodyLimits;
  /** Background work still running (awaited by a graceful close). */
  track(work: Promise<void>): void;
}

type AnyResponse = Response | StreamingResponse;

/**
 * typia's serializer for a plain handler value wrapped into a Response, carried on the Response
 * itself: a WeakMap would add an ephemeron per request that only a full GC clears.
 */
const SERIALIZER = Symbol("spikard.serializer");
type Serialized = Response & { [SERIALIZER]?: StringifyFn };

/** A dependency's own parameter failed validation: answered 422 like a handler's. */
class DependencyValidationError extends Error {
  constructor(readonly errors: ValidationErrorDetail[]) {
    super("dependency parameter validation failed");
  }
}

/**
 * The request path for routes with hooks, dependencies or background tasks:
 * request hooks, validation, dependency resolution, the handler, error hooks,
 * response hooks, then (after the response) dependency cleanups in reverse
 * order and background tasks. Routes without any of these never come here.
 */
export async function runLifecycle(ctx: LifecycleContext, route: CompiledRoute, req: Request, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): Promise<void> {
  const scope = new RequestScope(req, route.providers);
  const tasks = route.backgroundIndices.length > 0 ? new BackgroundTasks() : undefined;
  const log = (msg: string, err: unknown): void => ctx.logger.error(msg, err);
  try {
    let response: AnyResponse;
    try {
      response = await answer(ctx, route, req, body, scope, tasks);
    } catch (err) {
      response = await recover(ctx, route, err, req, scope);
    }
    for (const hook of route.hooks?.onResponse ?? []) {
      try {
        const replaced = await callHook(ctx, hook, "onResponse", [response, req], scope);
        if (replaced instanceof Response || replaced instanceof StreamingResponse) response = replaced;
      } catch (err) {
        response = fromError(ctx, err);
      }
    }
    if (!sink.aborted) {
      const serialize = response instanceof Response ? (response as Serialized)[SERIALIZER] : undefined;
      const streaming = sendDynamic(sink, response, 200, headOnly, undefined, undefined, serialize);
      if (streaming !== undefined) {
        await streaming.catch((err: unknown) => {
          log("spikard: stream failed after the response started", err);
          if (!sink.aborted) sink.close();
        });
      }
    }
  } finally {
    await scope.close(log);
    if (tasks !== undefined && tasks.size > 0) ctx.track(tasks.run(log));
  }
}

async function answer(ctx: LifecycleContext, route: CompiledRoute, req: Request, body: ReceivedBody | undefined, scope: RequestScope, tasks: BackgroundTasks | undefined): Promise<AnyResponse> {
  // Resolving would never finish on a cycle: the route answers the error start-up found.
  if (route.dependencyError !== undefined) throw route.dependencyError;
  const hooks = route.hooks;
  if (hooks !== undefined) {
    for (const phase of ["onRequest", "preValidation", "preHandler"] as const) {
      for (const hook of hooks[phase]) {
        const r = await callHook(ctx, hook, phase, [req], scope);
        if (r instanceof Response || r instanceof StreamingResponse) return r;
      }
    }
  }
  const extracted = extract(ctx, route, req, body);
  if (extracted instanceof Response) return extracted;
  const args = extracted;
  if (route.injects.length > 0) {
    const values = await Promise.all(route.injects.map(({ key }) => ctx.container.resolve(key, scope, (a, s) => resolveArgs(ctx, a, s))));
    route.injects.forEach(({ index, key, is, expected }, i) => {
      if (is !== undefined && !is(values[i])) throw new DependencyTypeError(key, expected ?? "object", values[i]);
      args[index] = values[i];
    });
  }
  for (const i of route.backgroundIndices) args[i] = tasks;
  const result = await route.handler(...args);
  return toResponse(route, result);
}

/** Reads and validates the handler's arguments; a 422 comes back as a Response. */
function extract(ctx: LifecycleContext, route: CompiledRoute, req: Request, body: ReceivedBody | undefined): unknown[] | Response {
  const args = new Array<unknown>(route.argCount);
  const errors: ValidationErrorDetail[] = [];
  route.extractors.forEach((ex, i) => {
    if (ex !== undefined) args[i] = ex(req, errors);
  });
  for (const check of route.segmentChecks) check(req, errors);
  for (const i of route.requestIndices) args[i] = req;
  if (route.body !== undefined) {
    const bodyErrors: ValidationErrorDetail[] = [];
    args[route.bodyIndex] = decodeBody(route.body, body!, bodyErrors, route.errorFormat, ctx.limits);
    if (bodyErrors.length > 0) return validationResponse(bodyErrors);
  }
  return errors.length > 0 ? validationResponse(parameterErrors(errors)) : args;
}

function validationResponse(errors: ValidationErrorDetail[]): Response {
  return new Response({ statusCode: 422, content: JSON.stringify(validationProblem(errors)), headers: { "content-type": "application/json" } });
}

function toResponse(route: CompiledRoute, value: unknown): AnyResponse {
  if (value instanceof Response || value instanceof StreamingResponse) return value;
  const res = new Response({ statusCode: route.status, content: value });
  if (route.stringify !== undefined && value !== null && typeof value === "object" && !(value instanceof Uint8Array)) (res as Serialized)[SERIALIZER] = route.stringify;
  return res;
}

/** onError hooks may answer an exception; otherwise it gets its default response. */
async function recover(ctx: LifecycleContext, route: CompiledRoute, err: unknown, req: Request, scope: RequestScope): Promise<AnyResponse> {
  if (err instanceof DependencyValidationError) return validationResponse(parameterErrors(err.errors));
  for (const hook of route.hooks?.onError ?? []) {
    try {
      const r = await callHook(ctx, hook, "onError", [err, req], scope);
      if (r instanceof Response || r instanceof StreamingResponse) return r;
    } catch (hookErr) {
      return fromError(ctx, hookErr);
    }
  }
  return fromError(ctx, err);
}

function fromError(ctx: LifecycleContext, err: unknown): Response {
  const r = errorResponse(err, ctx.logger);
  const headers: Array<[string, string]> = [];
  for (let i = 0; i < r.headers.length; i += 2) headers.push([r.headers[i]!, r.headers[i + 1]!]);
  return new Response({ statusCode: r.status, content: r.body, headers });
}

async function callHook(ctx: LifecycleContext, hook: HookEntry, _phase: HookPhase, fixed: unknown[], scope: RequestScope): Promise<unknown> {
  if (hook.meta === undefined || hook.meta.args.length === 0) return hook.fn(...fixed);
  const deps = await resolveArgs(ctx, hook.meta.args, scope);
  return hook.fn(...fixed, ...deps);
}

const extractors = new WeakMap<ParamMeta, Extractor>();

/** Fills a factory's or hook's own parameters: dependencies, the request, its headers/query/cookies. */
function resolveArgs(ctx: LifecycleContext, args: ArgMeta[], scope: RequestScope): unknown[] | Promise<unknown[]> {
  const req = scope.data as Request;
  const values: unknown[] = [];
  let errors: ValidationErrorDetail[] | undefined;
  let async = false;
  for (const arg of args) {
    let v: unknown;
    switch (arg.in) {
      case "inject":
        v = ctx.container.resolve(arg.key, scope, (a, s) => resolveArgs(ctx, a, s));
        break;
      case "request":
        v = req;
        break;
      case "background":
      case "body":
        throw new SpikardError("DEPENDENCY", `A dependency or hook cannot take ${arg.in === "body" ? "the body" : "BackgroundTasks"} (parameter "${arg.name}"); give it to the handler.`);
      default: {
        let ex = extractors.get(arg);
        if (ex === undefined) extractors.set(arg, (ex = paramExtractor(arg, -1, "pydantic")));
        v = ex(req, (errors ??= []));
      }
    }
    if (isPromise(v)) async = true;
    values.push(v);
  }
  if (errors !== undefined && errors.length > 0) throw new DependencyValidationError(errors);
  return async ? Promise.all(values) : values;
}
