import { SpikardError } from "../errors";
import type { ArgMeta } from "../runtime/meta";
import type { Provider } from "./provide";
import { DependencyGraphError } from "./errors";
import { classTokens, displayToken, type Token } from "./token";

/** Builds a dependency's own arguments (injected values, headers, ...) for one request. */
export type ArgResolver = (args: ArgMeta[], scope: RequestScope) => unknown[] | Promise<unknown[]>;

interface SingletonSlot {
  value?: unknown;
  pending?: Promise<unknown>;
  done: boolean;
}

/** Per-request state: cached values and the cleanups to run after the response. */
export class RequestScope {
  readonly cache = new Map<Token, unknown>();
  readonly cleanups: Array<() => unknown> = [];
  constructor(
    readonly data: unknown,
    /** Providers registered on the routers this route came through (they win over the app's). */
    readonly routeProviders?: ReadonlyMap<Token, Provider>,
  ) {}

  /** Runs cleanups in reverse order of creation; a failing cleanup is logged and the rest still run. */
  async close(log: (msg: string, err: unknown) => void): Promise<void> {
    for (let i = this.cleanups.length - 1; i >= 0; i--) {
      try {
        await this.cleanups[i]!();
      } catch (err) {
        log("spikard: dependency cleanup failed", err);
      }
    }
    this.cleanups.length = 0;
  }
}

/**
 * Resolves dependencies by token: singletons once per process (concurrent
 * first requests share one creation), cacheable ones once per request, the
 * rest per consumer. Generator factories yield their value; their `finally`
 * runs after the response (singletons: on close).
 */
export class Container {
  readonly providers = new Map<Token, Provider>();
  readonly overrides = new Map<Token | object, Provider>();
  /** Keyed by provider: a router-scoped singleton is distinct from the app's for the same token. */
  private readonly singletons = new Map<Provider, SingletonSlot>();
  private readonly singletonCleanups: Array<() => unknown> = [];

  provide(token: Token, provider: Provider): void {
    this.providers.set(token, provider);
  }

  /** Overrides first, then the route's routers (innermost first), then the app. */
  providerOf(token: Token, routeProviders?: ReadonlyMap<Token, Provider>): Provider | undefined {
    for (const [key, p] of this.overrides) if ((typeof key === "string" ? key : classTokens.get(key)) === token) return p;
    return routeProviders?.get(token) ?? this.providers.get(token);
  }

  /**
   * Checks, before serving, that every token the routes need has a provider
   * and that no provider depends on itself; the error names the chain. A need
   * whose error `tolerate` accepts is skipped (its route answers the error).
   */
  verify<N extends { owner: string; token: Token; providers?: ReadonlyMap<Token, Provider> }>(needs: N[], tolerate?: (need: N, error: DependencyGraphError) => boolean): void {
    let routeProviders: ReadonlyMap<Token, Provider> | undefined;
    let state = new Map<Token, "visiting" | "done">();
    const visit = (token: Token, chain: string[]): void => {
      const provider = this.providerOf(token, routeProviders);
      if (provider === undefined) throw DependencyGraphError.missing(displayToken(token), [...chain, displayToken(token)]);
      if (state.get(token) === "done") return;
      if (state.get(token) === "visiting") {
        const start = chain.indexOf(displayToken(token));
        throw DependencyGraphError.cycle([...chain.slice(start), displayToken(token)]);
      }
      state.set(token, "visiting");
      for (const arg of provider.meta.args) if (arg.in === "inject") visit(arg.key, [...chain, displayToken(token)]);
      state.set(token, "done");
    };
    for (const need of needs) {
      if (need.providers !== routeProviders) state = new Map();
      routeProviders = need.providers;
      try {
        visit(need.token, [need.owner]);
      } catch (err) {
        if (!(err instanceof DependencyGraphError) || tolerate === undefined || !tolerate(need, err)) throw err;
        // A failed walk leaves tokens marked as being visited.
        state = new Map();
      }
    }
  }

  resolve(token: Token, scope: RequestScope, resolveArgs: ArgResolver): unknown {
    const provider = this.providerOf(token, scope.routeProviders);
    if (provider === undefined) throw new SpikardError("DEPENDENCY", `No provider for ${displayToken(token)}`);
    if (provider.kind === "value") return provider.value;
    if (provider.singleton) return this.singleton(provider, scope, resolveArgs);
    if (provider.cacheable) {
      if (scope.cache.has(token)) return scope.cache.get(token);
      const made = this.create(provider, scope, resolveArgs, scope.cleanups);
      scope.cache.set(token, made);
      return made;
    }
    return this.create(provider, scope, resolveArgs, scope.cleanups);
  }

  private singleton(provider: Provider, scope: RequestScope, resolveArgs: ArgResolver): unknown {
    let slot = this.singletons.get(provider);
    if (slot?.done) return slot.value;
    if (slot?.pending) return slot.pending;
    slot = { done: false };
    this.singletons.set(provider, slot);
    const s = slot;
    const made = this.create(provider, scope, resolveArgs, this.singletonCleanups);
    if (isPromise(made)) {
      s.pending = made.then(
        (v) => {
          s.value = v;
          s.done = true;
          s.pending = undefined;
          return v;
        },
        (err: unknown) => {
          // A failed creation is retried by the next request.
          this.singletons.delete(provider);
          throw err;
        },
      );
      return s.pending;
    }
    s.value = made;
    s.done = true;
    return made;
  }

  /** Calls the factory with its resolved arguments; unwraps generators into value + cleanup. */
  private create(provider: Provider, scope: RequestScope, resolveArgs: ArgResolver, cleanups: Array<() => unknown>): unknown {
    const args = resolveArgs(provider.meta.args, scope);
    const call = (a: unknown[]): unknown => unwrap(provider.factory!(...a), cleanups);
    return isPromise(args) ? args.then(call) : call(args);
  }

  /** Runs singleton cleanups (reverse creation order). */
  async close(log: (msg: string, err: unknown) => void): Promise<void> {
    for (let i = this.singletonCleanups.length - 1; i >= 0; i--) {
      try {
        await this.singletonCleanups[i]!();
      } catch (err) {
        log("spikard: singleton cleanup failed", err);
      }
    }
    this.singletonCleanups.length = 0;
    this.singletons.clear();
  }
}

function unwrap(result: unknown, cleanups: Array<() => unknown>): unknown {
  if (isPromise(result)) return result.then((r) => unwrap(r, cleanups));
  if (isGenerator(result)) {
    const first = result.next();
    cleanups.push(() => result.return(undefined));
    if (isPromise(first)) return first.then((step) => step.value);
    return (first as IteratorResult<unknown>).value;
  }
  return result;
}

function isGenerator(v: unknown): v is Generator | AsyncGenerator {
  if (v === null || typeof v !== "object") return false;
  const g = v as Generator & AsyncGenerator;
  const iterable = typeof g[Symbol.iterator] === "function" || typeof g[Symbol.asyncIterator] === "function";
  return iterable && typeof g.next === "function" && typeof g.return === "function";
}

export function isPromise(v: unknown): v is Promise<unknown> {
  return v !== null && typeof v === "object" && typeof (v as Promise<unknown>).then === "function";
}
