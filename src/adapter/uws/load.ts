import { createRequire } from "node:module";
import path from "node:path";
import { SpikardError } from "../../errors";

export type Uws = typeof import("uWebSockets.js");

let cached: Uws | undefined;

/**
 * Loads uWebSockets.js's native binary directly. The npm package's own entry
 * silently falls back to a slow pure-JS server when the binary does not load
 * (wrong Node ABI or glibc); we refuse that unless explicitly allowed.
 */
export function loadUws(allowSlowFallback = process.env.SPIKARD_ALLOW_UWS_FALLBACK === "1"): Uws {
  if (cached) return cached;
  const req = createRequire(__filename);
  const pkgDir = path.dirname(req.resolve("uWebSockets.js/package.json"));
  const binary = path.join(pkgDir, "binaries", `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
  try {
    cached = req(binary) as Uws;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    if (!allowSlowFallback) throw new SpikardError("UWS_FALLBACK", reason);
    console.warn(`spikard: uWebSockets.js native binary unavailable (${reason}); using the slow JS fallback as allowed.`);
    cached = req(path.join(pkgDir, "dist", "index")) as Uws;
  }
  return cached;
}
