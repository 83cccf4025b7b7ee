import type { ITypiaContext } from "@typia/core";
import type { TransformerError } from "./TransformerError";

/**
 * What a missing provider or a dependency cycle found while compiling does
 * (the plugin option `dependencyErrors`):
 * - "fail" (default): an error diagnostic (SPK011, SPK012), and the same check
 *   again at start-up for what the transformer cannot see;
 * - "respond": Spikard's own behaviour, for apps that must answer as its other
 *   bindings do: a warning, and the affected routes answer 500 with the
 *   `dependency-error` problem details instead of the server refusing to start.
 */
export type DependencyErrors = "fail" | "respond";

interface Policy {
  mode: DependencyErrors;
  /** Problems found while transforming the current call, reported as warnings once it is done. */
  deferred: TransformerError[];
}

const policies = new WeakMap<ITypiaContext, Policy>();

export function setDependencyPolicy(context: ITypiaContext, mode: DependencyErrors): void {
  policies.set(context, { mode, deferred: [] });
}

export function respondsToDependencyErrors(context: ITypiaContext): boolean {
  return policies.get(context)?.mode === "respond";
}

/** Throws the error (fail) or keeps it to be reported as a warning (respond); the call is transformed either way in respond mode. */
export function dependencyProblem(context: ITypiaContext, error: TransformerError): void {
  const policy = policies.get(context);
  if (policy?.mode !== "respond") throw error;
  policy.deferred.push(error);
}

export function takeDeferredDependencyProblems(context: ITypiaContext): TransformerError[] {
  const policy = policies.get(context);
  if (policy === undefined || policy.deferred.length === 0) return [];
  return policy.deferred.splice(0);
}

export function parseDependencyErrors(value: unknown): DependencyErrors | undefined {
  if (value === undefined) return "fail";
  return value === "fail" || value === "respond" ? value : undefined;
}
