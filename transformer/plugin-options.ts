import type { SpikardTransformOptions } from "./transform";

/**
 * The options on a tsconfig's spikard/transformer plugin entry
 * (`"plugins": [{ "transform": "spikard/transformer", "dependencyErrors": "respond" }]`),
 * so every driver builds as tspc does from the same tsconfig.
 */
export function pluginOptions(plugins: unknown): SpikardTransformOptions {
  if (!Array.isArray(plugins)) return {};
  const entry = (plugins as Array<Record<string, unknown>>).find((p) => typeof p.transform === "string" && /(^|[\\/])spikard[\\/]transformer$|(^|[\\/])transformer[\\/]index(\.[cm]?[jt]s)?$/.test(p.transform));
  if (entry === undefined) return {};
  const { transform: _transform, ...options } = entry;
  return options as SpikardTransformOptions;
}
