import { SpikardError } from "../errors";
import type { RouteDefinition } from "../route-definition";
import { BUILTIN_ORDER, readsOnlyBeforeNext, type Middleware } from "./middleware";

export interface ChainSource {
  /** ServerConfig's middleware, then `app.use()`'s, outermost first. */
  app: readonly Middleware[];
  /** Builds the timeout middleware for a route's own `timeout` option. */
  timeout?: (seconds: number) => Middleware;
}

/**
 * A route's middleware, outermost first: the app's, its routers' `use()`, its
 * own `middleware` option; a route-level `timeout` replaces the app's (or
 * takes the built-in's place); `skip` leaves out middleware by name.
 */
export function routeChain(source: ChainSource, def: RouteDefinition): Middleware[] {
  const chain = [...source.app, ...(def.middleware ?? []), ...(def.options.middleware ?? [])];
  const seconds = def.options.timeout;
  if (seconds !== undefined) {
    if (source.timeout === undefined) throw new SpikardError("INVALID_CONFIG", `${def.method} ${def.path}: the timeout option needs the timeout middleware`);
    const own = source.timeout(seconds);
    const at = chain.findIndex((m) => m.name === "timeout");
    if (at !== -1) chain[at] = own;
    else chain.splice(builtinSlot(chain, "timeout"), 0, own);
  }
  const skip = def.options.skip;
  if (skip === undefined || skip.length === 0) return chain;
  const known = new Set<string>([...BUILTIN_ORDER, ...chain.map((m) => m.name)]);
  for (const name of skip) {
    if (!known.has(name)) throw new SpikardError("INVALID_CONFIG", `${def.method} ${def.path}: skip names "${name}", which is no middleware of this route (known: ${[...known].join(", ")})`);
  }
  return chain.filter((m) => !skip.includes(m.name));
}

/** Where a built-in goes among the others: before the first one ordered after it (use() middleware come after them all). */
function builtinSlot(chain: readonly Middleware[], name: (typeof BUILTIN_ORDER)[number]): number {
  const rank = BUILTIN_ORDER.indexOf(name);
  let at = 0;
  for (let i = 0; i < chain.length; i++) {
    const r = BUILTIN_ORDER.indexOf(chain[i]!.name as (typeof BUILTIN_ORDER)[number]);
    if (r === -1) break;
    if (r < rank) at = i + 1;
    else break;
  }
  return at;
}

/** Whether any middleware of the chain may read the request after it awaited (then the request is snapshotted). */
export function readsLate(chain: readonly Middleware[]): boolean {
  return chain.some((m) => !readsOnlyBeforeNext(m));
}
