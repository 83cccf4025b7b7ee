import type { HookEntry, Middleware } from "../hooks";
import type { LifecycleContext } from "../pipeline/lifecycle-context";
import type { ArgMeta } from "../runtime/meta";
import type { ErrorFormat } from "../validation/error-mapper";
import { GRPC_HOOK_PHASES, type GrpcHookTable } from "./hooks";

/**
 * What a method's calls run around the handler, compiled once when the app starts serving: its
 * hooks (the app's, then its service's) and its injected parameters. Methods with neither have no
 * plan, and their calls take dispatch's plain path: hooks cost nothing where there are none.
 */
export interface CallPlan {
  /** ServerConfig's rate limit and authentication middleware (call-guard.ts), run first. */
  readonly guards: readonly Middleware[];
  readonly hooks: GrpcHookTable;
  /** The method's parameters after `(request, ctx)`: dependencies and BackgroundTasks. */
  readonly args: readonly ArgMeta[] | undefined;
  /** A parameter takes BackgroundTasks: they run after the call. */
  readonly background: boolean;
  /** Shared with the HTTP routes: one container (singletons), one drain. */
  readonly ctx: LifecycleContext;
  /** How a dependency's invalid `Header<>` parameter reads in the INVALID_ARGUMENT message. */
  readonly format: ErrorFormat;
}

export interface CallSettings {
  ctx: LifecycleContext;
  format: ErrorFormat;
  /** The guards every call of the app's services runs (the built-in health and reflection services run none). */
  guards: readonly Middleware[];
}

/** A method's plan, or undefined when no guard or hook applies and it takes nothing injected. */
export function compileCallPlan(outer: GrpcHookTable, own: GrpcHookTable | undefined, args: readonly ArgMeta[] | undefined, settings: CallSettings): CallPlan | undefined {
  const hooks = {} as GrpcHookTable;
  let count = 0;
  for (const phase of GRPC_HOOK_PHASES) {
    hooks[phase] = [...outer[phase], ...(own?.[phase] ?? [])];
    count += hooks[phase].length;
  }
  if (count === 0 && settings.guards.length === 0 && (args === undefined || args.length === 0)) return undefined;
  return { guards: settings.guards, hooks, args: args?.length ? args : undefined, background: args?.some((a) => a.in === "background") ?? false, ctx: settings.ctx, format: settings.format };
}

/** The tokens a plan needs (its parameters', its hooks'), with who needs them, for the start-up check. */
export function planNeeds(plan: CallPlan, owner: string): Array<{ owner: string; token: string }> {
  const needs: Array<{ owner: string; token: string }> = [];
  for (const a of plan.args ?? []) if (a.in === "inject") needs.push({ owner, token: a.key });
  for (const phase of GRPC_HOOK_PHASES) {
    for (const h of plan.hooks[phase] as HookEntry[]) for (const a of h.meta?.args ?? []) if (a.in === "inject") needs.push({ owner: `${phase} hook of ${owner}`, token: a.key });
  }
  return needs;
}
