import { fileURLToPath } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { compileForNode } from "./compile";
import { compiles, moduleFormat, typescriptCandidates } from "./format";

/** Node's module customization hooks (node:module `register`), in the loader thread. */

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null }>;
type NextLoad = (url: string, context?: object) => Promise<{ format?: string | null; source?: unknown; shortCircuit?: boolean }>;

let port: MessagePort | undefined;

export function initialize(data: { port?: MessagePort } | undefined): void {
  port = data?.port;
}

/** `import "./users.js"` written for the compiled output (or without an extension) finds ./users.ts. */
export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; format?: string | null }> {
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL?.startsWith("file:") ? fileURLToPath(context.parentURL) : undefined;
    if ((err as { code?: string }).code !== "ERR_MODULE_NOT_FOUND" || !specifier.startsWith(".") || parent === undefined || !compiles(parent)) throw err;
    for (const candidate of typescriptCandidates(specifier)) {
      try {
        return await next(candidate, context);
      } catch {
        // the next candidate
      }
    }
    throw err;
  }
}

/**
 * TypeScript ES modules are compiled here. CommonJS ones are handed to Node's
 * CommonJS loader without a source, which compiles them in the main thread
 * (register/index.ts), where `require` and `module` are the usual ones.
 */
export async function load(url: string, context: object, next: NextLoad): Promise<{ format?: string | null; source?: unknown; shortCircuit?: boolean }> {
  if (!url.startsWith("file:")) return next(url, context);
  const file = fileURLToPath(url);
  if (!compiles(file)) return next(url, context);
  if (moduleFormat(file) === "commonjs") return { format: "commonjs", shortCircuit: true };
  const compiled = compileForNode(file, "module");
  port?.postMessage({ deps: compiled.deps });
  return { format: "module", source: compiled.code, shortCircuit: true };
}
