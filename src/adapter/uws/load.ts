import { createRequire } from "node:module";
import path from "node:path";
import { SpikardError } from "../../errors";

export type Uws = typeof import("uWebSockets.js");

let cached: Uws | undefined;

export interface LoadOptions {
  /** Accept the package's pure-JS fallback when the native binary does not load. */
  allowSlowFallback?: boolean;
  /** The native binary to load (default: the one for this platform, arch and Node ABI). */
  binary?: string;
}

/**
 * Loads uWebSockets.js's native binary directly. The npm package's own entry
 * silently falls back to a slow pure-JS server when the binary does not load
 * (wrong Node ABI or glibc); we refuse that unless explicitly allowed.
 */
export function loadUws(options: LoadOptions = {}): Uws {
  const custom = options.binary !== undefined;
  if (cached && !custom) return cached;
  const allow = options.allowSlowFallback ?? process.env.SPIKARD_ALLOW_UWS_FALLBACK === "1";
  const req = createRequire(__filename);
  const pkgDir = path.dirname(req.resolve("uWebSockets.js/package.json"));
  const binary = options.binary ?? path.join(pkgDir, "binaries", `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  let loaded: Uws;
  try {
    loaded = req(binary) as Uws;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    if (!allow) throw new SpikardError("UWS_FALLBACK", reason);
    console.warn(`spikard: uWebSockets.js native binary unavailable (${reason}); using the slow JS fallback as allowed.`);
    loaded = req(path.join(pkgDir, "dist", "index")) as Uws;
  }
  if (!custom) cached = loaded;
  return loaded;
}
