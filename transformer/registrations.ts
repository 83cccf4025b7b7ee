import type { ITypiaContext } from "@typia/core";
import ts from "typescript";
import { tagOf } from "./analyses/declarations";
import { compileRoute } from "./features/routes";
import { compileFactory, compileHook, compileProvideMethod } from "./features/dependencies";
import { compileGrpc } from "./features/grpc";
import { compilePublishCall } from "./features/publish";
import { compileSseCall } from "./features/sse";
import { compileWebSocketCall } from "./features/websocket";
import { TransformerError } from "./TransformerError";
import { takeDeferredDependencyProblems } from "./dependency-policy";
import type { TransformExtras } from "./file-context";

/**
 * What one Spikard registration call compiles to: the analysis core that every
 * driver shares. The inline drivers (the ts-patch transformer, spikard/vite,
 * spikard/unplugin, spikard/register) write `args` back into the call; `spikard
 * gen` writes `value` into a generated module under `id`.
 */
export interface Registration {
  /** Which table of the generated metadata it belongs in (src/runtime/generated.ts). */
  kind: "route" | "factory" | "hook" | "class" | "grpc" | "websocket" | "sse" | "publish";
  /**
   * Its key there, as the runtime computes it from the call's arguments
   * (src/runtime/ids.ts); an error when it cannot be keyed, which only
   * `spikard gen` reports (inline metadata needs no key).
   */
  id: string | TransformerError;
  /** The metadata literal; for "class", the class's token as a string literal. */
  value: ts.Expression;
  /** The call's arguments with `value` in its slot. */
  args: ts.Expression[];
  /** How messages name it: `GET /users/{id}`, `Provide(createPool)`, `onRequest hook audit`. */
  label: string;
}

type Compiler = (context: ITypiaContext, call: ts.CallExpression, tagValue: string) => Registration | undefined;

/** Registration methods are recognised by the JSDoc tag on their declaration (src/router.ts, src/di/provide.ts). */
const COMPILERS: Record<string, Compiler> = {
  spikardRoute: compileRoute,
  spikardProvide: compileFactory,
  spikardProvideMethod: compileProvideMethod,
  spikardHook: compileHook,
  spikardGrpc: compileGrpc,
  spikardWebSocket: compileWebSocketCall,
  spikardSse: compileSseCall,
  spikardPublish: compilePublishCall,
};

/**
 * Compiles one call if it is a Spikard registration (undefined otherwise).
 * A TransformerError (ours, or typia's for a type it cannot handle) becomes a
 * diagnostic on the call, and the call is left as written.
 */
export function compileCall(context: ITypiaContext, file: ts.SourceFile, call: ts.CallExpression): Registration | undefined {
  try {
    const declaration = context.checker.getResolvedSignature(call)?.declaration;
    if (declaration === undefined) return undefined;
    for (const tag of ts.getJSDocTags(declaration)) {
      const compile = Object.hasOwn(COMPILERS, tag.tagName.text) ? COMPILERS[tag.tagName.text] : undefined;
      if (compile !== undefined) return compile(context, call, tagOf(declaration, tag.tagName.text)!);
    }
    return undefined;
  } catch (err) {
    if (!isTransformerError(err)) throw err;
    reportAt(context, file, call, err);
    return undefined;
  } finally {
    for (const deferred of takeDeferredDependencyProblems(context)) {
      warn(context)(`${where(file, call)}: warning [spikard ${deferred.code}] ${deferred.message} The route answers 500 "dependency-error" problem details instead (dependencyErrors: "respond").`);
    }
  }
}

/** An error diagnostic on `node`, in the form every driver prints: `[spikard SPKnnn] message`. */
export function reportAt(context: ITypiaContext, file: ts.SourceFile, node: ts.Node, err: Error & { code: string }): void {
  const located = node.pos >= 0;
  context.extras.addDiagnostic({
    file,
    start: located ? node.getStart(file) : undefined,
    length: located ? node.getWidth(file) : undefined,
    category: ts.DiagnosticCategory.Error,
    code: 0,
    messageText: `[spikard ${err.code}] ${err.message}`,
  });
}

function where(file: ts.SourceFile, node: ts.Node): string {
  if (node.pos < 0) return file.fileName;
  const at = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `${file.fileName}(${at.line + 1},${at.character + 1})`;
}

function warn(context: ITypiaContext): (message: string) => void {
  return (context.extras as TransformExtras).warn ?? ((m) => console.warn(m));
}

/** Ours, or typia's (thrown by its programmers for unsupported types). */
function isTransformerError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && (err instanceof TransformerError || (err.constructor.name === "TransformerError" && typeof (err as { code?: unknown }).code === "string"));
}
