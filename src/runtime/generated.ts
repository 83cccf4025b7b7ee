import { SpikardError } from "../errors";
import { factoryId, grpcServiceId, hookId, publishParts, routeId, topicMatches } from "./ids";
import { META_VERSION, type ArgsMeta, type GrpcServiceMeta, type PublishMeta, type RouteMeta, type SseMeta, type WebSocketMeta } from "./meta";
import { parameterNames } from "./param-names";

/**
 * What one module written by `spikard gen` registers: the metadata of the
 * registrations in one source file, keyed as src/runtime/ids.ts computes keys,
 * for apps whose compiler runs no transformer (TypeScript 7's tsc, esbuild,
 * Bun...). The app imports the generated folder once, before any module that
 * registers routes; registrations without inline metadata are looked up here.
 */
export interface GeneratedMetadata {
  v: typeof META_VERSION;
  /** The source file, relative to the project (for messages). */
  source: string;
  routes?: Record<string, RouteMeta>;
  factories?: Record<string, ArgsMeta>;
  hooks?: Record<string, ArgsMeta>;
  /** A provided class's token by the class's name. */
  classes?: Record<string, string>;
  /** gRPC implementations whose methods take injected parameters. */
  grpc?: Record<string, GrpcServiceMeta>;
  /** WebSocket routes, keyed as routes are (method GET). */
  websockets?: Record<string, WebSocketMeta>;
  /** SSE routes, keyed as routes are (method GET). */
  sse?: Record<string, SseMeta>;
  /** `app.publish` calls, by their topic's pattern (src/runtime/ids.ts publishId). */
  publish?: Record<string, PublishMeta>;
}

interface Registry {
  sources: string[];
  routes: Map<string, RouteMeta>;
  factories: Map<string, ArgsMeta>;
  hooks: Map<string, ArgsMeta>;
  classes: Map<string, string>;
  grpc: Map<string, GrpcServiceMeta>;
  websockets: Map<string, WebSocketMeta>;
  sse: Map<string, SseMeta>;
  publish: Map<string, PublishMeta>;
}

// On globalThis: one registry even when the runtime is loaded twice (a bundle beside node_modules, ESM beside CJS).
const KEY = Symbol.for("spikard.generated-metadata");
const holder = globalThis as { [KEY]?: Registry };
const registry: Registry = (holder[KEY] ??= { sources: [], routes: new Map(), factories: new Map(), hooks: new Map(), classes: new Map(), grpc: new Map(), websockets: new Map(), sse: new Map(), publish: new Map() });
// A registry made by an older copy of the runtime loaded beside this one.
registry.grpc ??= new Map();
registry.websockets ??= new Map();
registry.sse ??= new Map();
registry.publish ??= new Map();

/** Called by generated modules. */
export function registerGenerated(m: GeneratedMetadata): void {
  if (m.v !== META_VERSION) {
    throw new SpikardError("NOT_GENERATED", `The metadata generated from ${m.source}`, `it was written for metadata contract version ${String(m.v)}, and this spikard reads version ${META_VERSION}`);
  }
  registry.sources.push(m.source);
  for (const [id, meta] of Object.entries(m.routes ?? {})) registry.routes.set(id, meta);
  for (const [id, meta] of Object.entries(m.factories ?? {})) registry.factories.set(id, meta);
  for (const [id, meta] of Object.entries(m.hooks ?? {})) registry.hooks.set(id, meta);
  for (const [name, token] of Object.entries(m.classes ?? {})) registry.classes.set(name, token);
  for (const [id, meta] of Object.entries(m.grpc ?? {})) registry.grpc.set(id, meta);
  for (const [id, meta] of Object.entries(m.websockets ?? {})) registry.websockets.set(id, meta);
  for (const [id, meta] of Object.entries(m.sse ?? {})) registry.sse.set(id, meta);
  for (const [id, meta] of Object.entries(m.publish ?? {})) registry.publish.set(id, meta);
}

/** The generated modules loaded so far (empty: the app uses no generated metadata). */
export function generatedSources(): readonly string[] {
  return registry.sources;
}

/**
 * The error for a registration that has no metadata: the transformer did not
 * run and nothing was generated (NOT_TRANSFORMED), or the generated modules
 * that are loaded have nothing under its key (NOT_GENERATED: they are stale).
 */
export function missingMetadata(what: string, unkeyed?: string): SpikardError {
  if (registry.sources.length === 0) return new SpikardError("NOT_TRANSFORMED", what);
  const loaded = registry.sources.length > 3 ? `${registry.sources.slice(0, 3).join(", ")}, ...` : registry.sources.join(", ");
  return new SpikardError("NOT_GENERATED", what, unkeyed ?? `the generated modules (from ${loaded}) have nothing for it: they are older than the source, or its method, path, operationId or parameter names changed since`);
}

/** A route's metadata from the generated modules (`path` under its router's own prefix). */
export function generatedRouteMeta(method: string, path: string, operationId: string | undefined): RouteMeta {
  const meta = registry.routes.get(routeId(method, path, operationId));
  if (meta === undefined) throw missingMetadata(`${method} ${path}${operationId === undefined ? "" : ` (operationId ${operationId})`}`);
  return meta;
}

/** A WebSocket or SSE route's metadata from the generated modules (`path` under its router's own prefix). */
export function generatedChannelMeta(kind: "websocket", path: string, operationId: string | undefined): WebSocketMeta;
export function generatedChannelMeta(kind: "sse", path: string, operationId: string | undefined): SseMeta;
export function generatedChannelMeta(kind: "websocket" | "sse", path: string, operationId: string | undefined): WebSocketMeta | SseMeta {
  const table: Map<string, WebSocketMeta | SseMeta> = kind === "websocket" ? registry.websockets : registry.sse;
  const meta = table.get(routeId("GET", path, operationId));
  if (meta === undefined) throw missingMetadata(`${kind} ${path}${operationId === undefined ? "" : ` (operationId ${operationId})`}`);
  return meta;
}

/**
 * The metadata of the `app.publish` whose topic pattern `topic` matches.
 * spikard gen refuses overlapping patterns of different types (SPK024), so
 * more than one match means modules generated at different times.
 */
export function generatedPublishMeta(topic: string): PublishMeta {
  const what = `publish to ${JSON.stringify(topic)}`;
  const found = new Set<PublishMeta>();
  for (const [id, meta] of registry.publish) {
    const parts = publishParts(id);
    if (parts !== undefined && topicMatches(parts, topic)) found.add(meta);
  }
  if (found.size === 1) return [...found][0]!;
  if (found.size === 0) throw missingMetadata(what, "the generated modules have no app.publish whose topic matches it: they are older than the source, or the topic was written differently since");
  throw missingMetadata(what, "the generated modules have more than one app.publish whose topic matches it, of different types: they were generated at different times (run `npx spikard gen`)");
}

/**
 * The metadata of a factory's or hook's parameters after the `fixed` ones,
 * for one registered without it; undefined when it takes no others (nothing
 * to inject, so nothing was generated).
 */
export function generatedArgsMeta(kind: "factory" | "hook", fn: (...args: never[]) => unknown, fixed: number, what: string, phase = ""): ArgsMeta | undefined {
  if (registry.sources.length === 0) {
    if (fn.length > fixed) throw missingMetadata(what);
    return undefined;
  }
  const names = parameterNames(fn);
  if (names === undefined) {
    if (fn.length > fixed) throw missingMetadata(what, "its parameter names, which key generated metadata, cannot be read from it (a bound or native function): register the function itself");
    return undefined;
  }
  if (names.length <= fixed) return undefined;
  const meta = kind === "factory" ? registry.factories.get(factoryId(names)) : registry.hooks.get(hookId(phase, names));
  if (meta === undefined) throw missingMetadata(what);
  return meta;
}

/** A class's dependency token, for `provide(Class, ...)` without one. */
export function generatedClassTokenOf(cls: { name: string }): string {
  const token = registry.classes.get(cls.name);
  if (token === undefined) throw missingMetadata(`app.provide(${cls.name || "(anonymous class)"}, ...)`);
  return token;
}

/**
 * The metadata of a gRPC implementation registered without it: undefined when none of its
 * methods takes parameters after `(request, ctx)` (nothing to inject, nothing was generated).
 */
export function generatedGrpcMeta(implementation: object, what: string): GrpcServiceMeta | undefined {
  const methods: Array<[string, string[]]> = [];
  for (const [name, fn] of methodsOf(implementation)) {
    if (fn.length <= 2) continue;
    const names = parameterNames(fn as (...args: never[]) => unknown);
    if (names === undefined) throw missingMetadata(what, `the parameter names of its method ${name}, which key generated metadata, cannot be read from it (a bound or native function)`);
    methods.push([name, names]);
  }
  if (methods.length === 0) return undefined;
  if (registry.sources.length === 0) throw missingMetadata(what);
  const meta = registry.grpc.get(grpcServiceId(methods));
  if (meta === undefined) throw missingMetadata(what);
  return meta;
}

/** An object's methods, its class's included (the checker sees both as properties of its type). */
function methodsOf(o: object): Map<string, Function> {
  const out = new Map<string, Function>();
  for (let p: object | null = o; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === "constructor" || out.has(name)) continue;
      const value = Object.getOwnPropertyDescriptor(p, name)?.value;
      if (typeof value === "function") out.set(name, value);
    }
  }
  return out;
}
