import type { RequestScope } from "../di/container";
import type { HookEntry } from "../hooks";
import type { ErrorFormat } from "../validation/error-mapper";
import type { LifecycleContext } from "./lifecycle-context";
import { resolveArgs } from "./resolve-args";

/** Calls one hook with its fixed arguments (the request, the response or error) and its injected ones. */
export async function callHook(ctx: LifecycleContext, format: ErrorFormat, hook: HookEntry, fixed: unknown[], scope: RequestScope): Promise<unknown> {
  if (hook.meta === undefined || hook.meta.args.length === 0) return hook.fn(...fixed);
  const deps = await resolveArgs(ctx, format, hook.meta.args, scope);
  return hook.fn(...fixed, ...deps);
}

/**
 * Runs hooks in order until one answers (`answers` says which return values do: a Response for
 * HTTP, a GrpcError for a gRPC call); returns that answer, or undefined when none did.
 */
export async function runHooks<A>(
  ctx: LifecycleContext,
  format: ErrorFormat,
  hooks: readonly HookEntry[],
  fixed: unknown[],
  scope: RequestScope,
  answers: (r: unknown) => r is A,
): Promise<A | undefined> {
  for (const hook of hooks) {
    const r = await callHook(ctx, format, hook, fixed, scope);
    if (answers(r)) return r;
  }
  return undefined;
}
