import { SpikardError } from "../errors";
import type { ArgMeta } from "../runtime/meta";
import { generatedArgsMeta } from "../runtime/generated";

export interface ProvideOptions {
  /** Create once (on first use) and share across requests; cleanup runs on server close. */
  singleton?: boolean;
  /** Per request, create once and share between consumers (default true); false creates one per consumer. */
  cacheable?: boolean;
}

/** What the transformer attaches to `Provide(factory)`: how to fill the factory's own parameters. */
export interface FactoryMeta {
  v: 1;
  args: ArgMeta[];
}

/** A registered way to build a dependency. */
export interface Provider<T = unknown> {
  readonly kind: "factory" | "value";
  readonly factory?: (...args: any[]) => unknown;
  readonly value?: T;
  readonly singleton: boolean;
  readonly cacheable: boolean;
  readonly meta: FactoryMeta;
}

/**
 * `Provide(factory, { singleton?, cacheable? })`, as in the seed. The factory
 * may be async, or a (async) generator that yields the value and cleans up in
 * `finally` after the response. Its parameters are injected like a handler's
 * (other dependencies, `Header<...>`, `Query<...>`, `Request`).
 * @spikardProvide
 */
export function Provide<T>(
  factory: (...args: any[]) => T | Promise<T> | Generator<T, unknown, unknown> | AsyncGenerator<T, unknown, unknown>,
  options: ProvideOptions = {},
  meta?: FactoryMeta,
): Provider<T> {
  if (typeof factory !== "function") throw new SpikardError("INVALID_CONFIG", "Provide() takes a factory function; use Provide.value(v) for a value");
  const compiled = meta ?? generatedArgsMeta("factory", factory, 0, `Provide(${factory.name || "factory"})`);
  return { kind: "factory", factory, singleton: options.singleton ?? false, cacheable: options.cacheable ?? true, meta: compiled ?? { v: 1, args: [] } };
}

/** A ready value (a singleton that needs no factory). */
Provide.value = <T>(value: T): Provider<T> => ({ kind: "value", value, singleton: true, cacheable: true, meta: { v: 1, args: [] } });
