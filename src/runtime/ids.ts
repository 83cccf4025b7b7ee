/**
 * The keys that link a registration to its metadata in a module `spikard gen`
 * wrote. Each is computed from the registration call's own arguments, so the
 * runtime derives from the values it is handed the key the generator derived
 * from the source, whichever compiler built the app (no file names or call
 * positions, which bundlers and other compilers do not keep).
 */

/**
 * A route: its operationId when it has one (unique in an OpenAPI document),
 * else its method and its path under the prefix of the router it is
 * registered on (the router's own, given where it is created; not the
 * prefix an includeRouter() adds later).
 */
export function routeId(method: string, fullPath: string, operationId?: string): string {
  return operationId === undefined ? `${method.toUpperCase()} ${fullPath}` : `#${operationId}`;
}

/** A dependency factory (`Provide(factory)`): its parameter names, `_` for a destructured one. */
export function factoryId(params: readonly string[]): string {
  return `Provide(${params.join(",")})`;
}

/** A lifecycle hook: its phase and parameter names. */
export function hookId(phase: string, params: readonly string[]): string {
  return `${phase}(${params.join(",")})`;
}

/** What a parameter that is not a plain name (a destructuring pattern) is written as in a key. */
export const PATTERN_PARAM = "_";
