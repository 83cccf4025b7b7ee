import { BackgroundTasks } from "../background";
import { callHook, runHooks } from "../pipeline/run-hooks";
import { checkInjected, DependencyValidationError, resolveArgs } from "../pipeline/resolve-args";
import { ScopeLifetime } from "../pipeline/scope-lifetime";
import { guardCall } from "./call-guard";
import type { CallPlan } from "./call-plan";
import type { CallState } from "./call-state";
import { GrpcError } from "./error";
import type { GrpcCallStatus } from "./hooks";
import type { RegisteredMethod } from "./service";
import { GrpcStatus } from "./status";

const isGrpcError = (r: unknown): r is GrpcError => r instanceof GrpcError;

/**
 * A call with guards, hooks or injected parameters: the HTTP lifecycle's steps (run-hooks,
 * resolve-args, scope-lifetime), with the call as the writer. Guards (auth, rate limit) →
 * onRequest hooks → the request message → the method's dependencies → preHandler hooks → the
 * handler → onError hooks for what threw → onResponse hooks with the status → trailers. The dependency scope closes (generator cleanups, then background tasks) once
 * both the handler is done and the call is over, also when the client cancelled or the deadline
 * ended it first.
 */
export async function runPlanned(plan: CallPlan, method: RegisteredMethod, state: CallState): Promise<void> {
  const ctx = state.ctx;
  const life = new ScopeLifetime(plan.ctx, state.request(), undefined, plan.background ? new BackgroundTasks() : undefined);
  state.onEnd(life);
  try {
    let outcome: GrpcError | undefined;
    try {
      await invoke(plan, method, state, life);
    } catch (err) {
      outcome = await recover(plan, state, err, life);
    }
    const status: GrpcCallStatus = state.endedWith() ?? (outcome === undefined ? { code: GrpcStatus.OK, message: "" } : { code: outcome.code, message: outcome.message });
    for (const hook of plan.hooks.onResponse) {
      try {
        await callHook(plan.ctx, plan.format, hook, [status, ctx], life.scope);
      } catch (err) {
        outcome = state.asGrpcError(err);
      }
    }
    if (outcome === undefined) state.finish(GrpcStatus.OK, "");
    else state.finish(outcome.code, outcome.message, outcome.metadata);
  } finally {
    life.release();
  }
}

async function invoke(plan: CallPlan, method: RegisteredMethod, state: CallState, life: ScopeLifetime): Promise<void> {
  const ctx = state.ctx;
  if (plan.guards.length > 0) {
    const refused = await guardCall(plan.guards, state.request());
    if (refused !== undefined) throw refused;
    if (state.finished) return;
  }
  // A hook's GrpcError, returned or thrown, ends the call before its message is read.
  const stop = await runHooks(plan.ctx, plan.format, plan.hooks.onRequest, [ctx], life.scope, isGrpcError);
  if (stop !== undefined) throw stop;
  if (state.finished) return;
  const input = await state.input();
  if (state.finished) return;
  let deps: unknown[] | undefined;
  if (plan.args !== undefined) {
    deps = await resolveArgs(plan.ctx, plan.format, plan.args, life.scope, life.tasks);
    plan.args.forEach((a, i) => a.in === "inject" && checkInjected(a.key, a.expected, deps![i]));
  }
  const refused = await runHooks(plan.ctx, plan.format, plan.hooks.preHandler, [ctx], life.scope, isGrpcError);
  if (refused !== undefined) throw refused;
  if (state.finished) return;
  const pending = method.invoke(input, ctx, state, deps);
  if (pending !== undefined) await pending;
}

/** What an exception ends the call with: onError hooks may answer it with a GrpcError of their own. */
async function recover(plan: CallPlan, state: CallState, err: unknown, life: ScopeLifetime): Promise<GrpcError> {
  // A dependency's metadata parameter (`Header<>`) failed validation: the client sent bad input.
  if (err instanceof DependencyValidationError) return new GrpcError(GrpcStatus.INVALID_ARGUMENT, invalidMetadata(err));
  try {
    const answer = await runHooks(plan.ctx, plan.format, plan.hooks.onError, [err, state.ctx], life.scope, isGrpcError);
    if (answer !== undefined) return answer;
  } catch (hookErr) {
    return state.asGrpcError(hookErr);
  }
  return state.asGrpcError(err);
}

function invalidMetadata(err: DependencyValidationError): string {
  return `Invalid metadata: ${err.errors.map((e) => `${e.loc.slice(1).join(".")}: ${e.msg}`).join("; ")}`;
}
