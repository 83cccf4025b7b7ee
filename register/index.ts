import Module, { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { compileForNode } from "./compile";
import { compiles, moduleFormat, typescriptCandidates } from "./format";

/**
 * `node --import spikard/register app.ts`: runs TypeScript directly, each
 * module compiled on first load with the Spikard transformer (the same core as
 * tspc) and cached on disk (register/compile.ts). CommonJS modules are
 * compiled here, through Node's require hooks; ES modules in the loader
 * thread (register/hooks.ts), registered with node:module's `register`.
 * `node --watch --import spikard/register app.ts` restarts on a change to any
 * module a handler's types come from, type-only imports included.
 */
function install(): void {
  process.setSourceMapsEnabled(true);
  const { port1, port2 } = new MessageChannel();
  port1.on("message", (message: { deps?: string[] }) => reportToWatchMode(message.deps ?? []));
  port1.unref();
  register("./hooks.js", pathToFileURL(__filename).href, { data: { port: port2 }, transferList: [port2] });

  type Loader = (module: Module & { _compile(code: string, file: string): void }, filename: string) => void;
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const javascript = extensions[".js"]!;
  const loader: Loader = (module, filename) => {
    if (!compiles(filename)) return javascript(module, filename);
    const compiled = compileForNode(filename, "commonjs");
    reportToWatchMode(compiled.deps);
    module._compile(compiled.code, filename);
  };
  for (const ext of [".ts", ".tsx", ".cts"]) extensions[ext] = loader;

  // `require("./users.js")` written for the compiled output finds ./users.ts, as TypeScript resolves it.
  type Resolve = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;
  const internals = Module as unknown as { _resolveFilename: Resolve };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (err) {
      const from = parent?.filename;
      if ((err as { code?: string }).code !== "MODULE_NOT_FOUND" || !request.startsWith(".") || typeof from !== "string" || !compiles(from)) throw err;
      for (const candidate of typescriptCandidates(request)) {
        try {
          return resolve.call(this, candidate, parent, ...rest);
        } catch {
          // the next candidate
        }
      }
      throw err;
    }
  };
}

/**
 * `node --watch` restarts on changes to the modules the process loads, which
 * it learns from the child's reports (`watch:require`, Node's own protocol);
 * a module whose types a handler reads but whose code is never loaded (a
 * type-only import) is reported here so that a change to it restarts too.
 */
function reportToWatchMode(files: string[]): void {
  if (files.length === 0 || process.env.WATCH_REPORT_DEPENDENCIES === undefined || process.send === undefined) return;
  process.send({ "watch:require": files.map((f) => path.resolve(f)) });
}

install();


