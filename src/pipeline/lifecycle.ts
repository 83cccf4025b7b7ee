import { BackgroundTasks } from "../background";
import type { Request } from "../context";
import type { RequestScope } from "../di/container";
import { httpError } from "../http-errors";
import type { ValidationErrorDetail } from "../problem";
import { Response, StreamingResponse, type AnyResponse } from "../response";
import type { ResponseSink } from "../adapter/types";
import type { ReceivedBody } from "./body";
import type { RoutePlan } from "./plan";
import { errorResponse } from "./error-response";
import { parameterErrors } from "./param-errors";
import { attachSerializer, sendDynamic } from "./respond";
import { extractArgs } from "./extract";
import { payloadResponse } from "./payload-response";
import type { LifecycleContext } from "./lifecycle-context";
import { DependencyValidationError, resolveInjects } from "./resolve-args";
import { callHook, runHooks } from "./run-hooks";
import { ScopeLifetime } from "./scope-lifetime";
import { abortSignal } from "./abort-signal";

export type { LifecycleContext };

const isResponse = (r: unknown): r is AnyResponse => r instanceof Response || r instanceof StreamingResponse;

/**
 * The plan's steps for routes with hooks, dependencies or background tasks:
 * request hooks, extraction (the same as every route's), dependency
 * resolution, the handler, error hooks, response hooks, and the HTTP writer.
 * Each step is a piece gRPC calls run too (run-hooks, resolve-args,
 * scope-lifetime) with their own writer. Dependency cleanups (reverse order)
 * and background tasks run once both the handler is done and the exchange is
 * over (the response written, or the client gone), so a streamed response
 * can still use what its dependencies opened.
 */
export async function runLifecycle(ctx: LifecycleContext, route: RoutePlan, req: Request, body: ReceivedBody | undefined, sink: ResponseSink, headOnly: boolean): Promise<void> {
  const life = new ScopeLifetime(ctx, req, route.providers, route.backgroundIndices.length > 0 ? new BackgroundTasks() : undefined);
  sink.onComplete(() => life.release());
  try {
    let response: AnyResponse;
    try {
      response = await answer(ctx, route, req, body, life.scope, life.tasks, sink);
    } catch (err) {
      response = await recover(ctx, route, err, req, life.scope);
    }
    for (const hook of route.hooks?.onResponse ?? []) {
      try {
        const replaced = await callHook(ctx, route.errorFormat, hook, [response, req], life.scope);
        if (isResponse(replaced)) response = replaced;
      } catch (err) {
        response = fromError(ctx, err);
      }
    }
    if (!sink.aborted) {
      const streaming = sendDynamic(sink, response, response.statusCode, headOnly, undefined);
      if (streaming !== undefined) {
        await streaming.catch((err: unknown) => {
          ctx.logger.error("spikard: stream failed after the response started", err);
          if (!sink.aborted) sink.close();
        });
      }
    }
  } finally {
    life.release();
  }
}

async function answer(ctx: LifecycleContext, route: RoutePlan, req: Request, body: ReceivedBody | undefined, scope: RequestScope, tasks: BackgroundTasks | undefined, sink: ResponseSink): Promise<AnyResponse> {
  // Resolving would never finish on a cycle: the route answers the error start-up found.
  if (route.dependencyError !== undefined) throw route.dependencyError;
  const hooks = route.hooks;
  if (hooks !== undefined) {
    for (const phase of ["onRequest", "preValidation", "preHandler"] as const) {
      const r = await runHooks(ctx, route.errorFormat, hooks[phase], [req], scope, isResponse);
      if (r !== undefined) return r;
    }
  }
  const args = new Array<unknown>(route.argCount);
  const invalid = extractArgs(route, req, body, args, [], ctx.limits);
  if (invalid !== undefined) return validationResponse(invalid);
  if (route.injects.length > 0) {
    const values = await resolveInjects(ctx, route.errorFormat, route.injects, scope);
    route.injects.forEach(({ index }, i) => (args[index] = values[i]));
  }
  for (const i of route.backgroundIndices) args[i] = tasks;
  for (const i of route.signalIndices) args[i] = abortSignal(sink);
  const result = await route.handler(...args);
  return toResponse(route, result);
}

function validationResponse(errors: ValidationErrorDetail[]): Response {
  return payloadResponse(httpError("VALIDATION", [errors]));
}

function toResponse(route: RoutePlan, value: unknown): AnyResponse {
  if (isResponse(value)) return value;
  const res = new Response({ statusCode: route.status, content: value });
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) attachSerializer(res, route.stringify);
  return res;
}

/** onError hooks may answer an exception; otherwise it gets its default response. */
async function recover(ctx: LifecycleContext, route: RoutePlan, err: unknown, req: Request, scope: RequestScope): Promise<AnyResponse> {
  if (err instanceof DependencyValidationError) return validationResponse(parameterErrors(err.errors));
  try {
    const r = await runHooks(ctx, route.errorFormat, route.hooks?.onError ?? [], [err, req], scope, isResponse);
    if (r !== undefined) return r;
  } catch (hookErr) {
    return fromError(ctx, hookErr);
  }
  return fromError(ctx, err);
}

function fromError(ctx: LifecycleContext, err: unknown): Response {
  return payloadResponse(errorResponse(err, ctx.logger));
}
