import type { Container } from "../di/container";
import type { DependencyGraphError } from "../di/errors";
import { HOOK_PHASES } from "../hooks";
import type { RoutePlan } from "./plan";

interface DependencyNeed {
  route: RoutePlan;
  /** Who needs it, for the message. */
  owner: string;
  token: string;
  providers: RoutePlan["providers"];
}

/**
 * Checks every dependency a route or its hooks need before serving: an
 * unresolvable one stops start-up, naming the chain, unless the route was
 * built with `dependencyErrors: "respond"`; then the route keeps the error
 * and answers it on every request (logged once here).
 */
export function withDependencyErrors(routes: RoutePlan[], container: Container, logger: Pick<Console, "error" | "warn">): RoutePlan[] {
  const needs: DependencyNeed[] = [];
  for (const route of routes) {
    const owner = `${route.method} ${route.path}`;
    const providers = route.providers;
    for (const i of route.injects) needs.push({ route, owner, token: i.key, providers });
    for (const phase of HOOK_PHASES) {
      for (const h of route.hooks?.[phase] ?? []) for (const a of h.meta?.args ?? []) if (a.in === "inject") needs.push({ route, owner: `${phase} hook of ${owner}`, token: a.key, providers });
    }
  }
  const failed = new Map<RoutePlan, DependencyGraphError>();
  container.verify(needs, (need, error) => {
    if (need.route.definition.meta.dependencyErrors !== "respond") return false;
    if (!failed.has(need.route)) {
      failed.set(need.route, error);
      logger.warn(`spikard: ${need.owner} answers 500 dependency-error: ${error.message}`);
    }
    return true;
  });
  if (failed.size === 0) return routes;
  return routes.map((r) => (failed.has(r) ? { ...r, dependencyError: failed.get(r) } : r));
}
