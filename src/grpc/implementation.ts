import { SpikardError } from "../errors";
import type { ArgMeta } from "../runtime/meta";
import type { GrpcCallContext } from "./context";

export type MethodFn = (input: unknown, ctx: GrpcCallContext, ...deps: unknown[]) => unknown;

/**
 * One method of an implementation object (typed or low-level), bound to it, with the parameters
 * the transformer found after `(request, ctx)`. A method that declares more parameters but has no
 * metadata was compiled without the transformer: refused, as an untransformed route is.
 */
export function implementationOf(impl: Record<string, unknown>, key: string, label: string, argsOf: (key: string) => ArgMeta[] | undefined): { call: MethodFn; args: ArgMeta[] | undefined } | undefined {
  const fn = impl[key];
  if (typeof fn !== "function") return undefined;
  const args = argsOf(key);
  if (args === undefined && fn.length > 2) throw new SpikardError("NOT_TRANSFORMED", `gRPC method ${label} (it takes ${fn.length} parameters; those after (request, ctx) are injected)`);
  return { call: (fn as MethodFn).bind(impl), args: args?.length ? args : undefined };
}

/** For implementations registered without metadata (the built-in services): nothing injected. */
export const noArgs = (): undefined => undefined;
