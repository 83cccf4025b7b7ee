import ts from "typescript";
import { displayToken, isClassToken } from "../../src/runtime/token";
import { tagOf } from "./declarations";
import { analyzeHandler, classToken } from "./handler";

/** Every `app.provide(...)` the program makes, so missing providers and cycles can be reported while compiling. */
export interface ProviderIndex {
  /** Tokens some provide() call registers. */
  known: Set<string>;
  /** A provide() call with a key the transformer cannot resolve: missing-provider checks are off. */
  opaque: boolean;
  /** Token → the tokens its factory injects. */
  deps: Map<string, string[]>;
}

const cache = new WeakMap<ts.Program, ProviderIndex>();

export function providerIndex(program: ts.Program): ProviderIndex {
  let index = cache.get(program);
  if (index === undefined) cache.set(program, (index = build(program)));
  return index;
}

function build(program: ts.Program): ProviderIndex {
  const checker = program.getTypeChecker();
  const index: ProviderIndex = { known: new Set(), opaque: false, deps: new Map() };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file)) continue;
    // Cheap text filter before walking: only files that mention provide( can register providers.
    if (!file.text.includes("provide(")) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) record(checker, node, index);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return index;
}

function record(checker: ts.TypeChecker, call: ts.CallExpression, index: ProviderIndex): void {
  const declaration = checker.getResolvedSignature(call)?.declaration;
  if (declaration === undefined || tagOf(declaration, "spikardProvideMethod") === undefined) return;
  const [key, provider] = call.arguments;
  if (key === undefined) return;
  const token = tokenOfKey(checker, key);
  if (token === undefined) {
    index.opaque = true;
    return;
  }
  index.known.add(token);
  const factory = provider !== undefined && ts.isCallExpression(provider) && tagOf(checker.getResolvedSignature(provider)?.declaration, "spikardProvide") !== undefined ? provider.arguments[0] : undefined;
  if (factory === undefined) return;
  try {
    const params = analyzeHandler(checker, factory, "GET", "<dependency>", []).params;
    index.deps.set(token, params.filter((p) => p.source === "inject").map((p) => p.key));
  } catch {
    // The factory's own problems are reported where Provide() is compiled.
  }
}

/** The token a provide() key registers: a string literal's text, or a class's token. */
export function tokenOfKey(checker: ts.TypeChecker, key: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(key)) return key.text;
  const type = checker.getTypeAtLocation(key);
  if (type.isStringLiteral()) return type.value;
  const instance = type.getConstructSignatures()[0]?.getReturnType();
  return instance !== undefined ? classToken(checker, instance) : undefined;
}

/** The first cycle through `start`, as a list of tokens ending where it began. */
export function findCycle(index: ProviderIndex, start: string): string[] | undefined {
  const path: string[] = [];
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (token: string): string[] | undefined => {
    if (onPath.has(token)) return [...path.slice(path.indexOf(token)), token];
    if (done.has(token)) return undefined;
    onPath.add(token);
    path.push(token);
    for (const dep of index.deps.get(token) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    onPath.delete(token);
    done.add(token);
    return undefined;
  };
  return visit(start);
}

/** `class:src/db:DatabasePool` → `DatabasePool`; a named dependency quoted, as its `Inject<T, "name">` reads. */
export function tokenName(token: string): string {
  return isClassToken(token) ? displayToken(token) : JSON.stringify(token);
}
