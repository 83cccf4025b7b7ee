/**
 * Every compile-time problem the transformer reports, with a message that
 * says how to fix it. `FileTransformer` turns a thrown `TransformerError`
 * into a diagnostic on the offending node.
 */
export const TRANSFORMER_ERRORS = {
  SPK001: "Cannot resolve the handler of %s to a function signature. Pass a function (arrow, function expression, or a named function) directly.",
  SPK002: "Handler parameter \"%s\" has no type annotation (or is `any`): the transformer cannot tell where it comes from. Annotate it, e.g. `%s: Query<string>`.",
  SPK003: "Handler parameter uses a destructuring pattern. Give it a name, e.g. `body: Body<MyType>`.",
  SPK004: "Parameter \"%s\" has type %s, which cannot be decoded from a %s string. Use a string, number, boolean, bigint, Date, a literal union or an array of those, or move it to Body<...>.",
  SPK005: "Parameter \"%s\": %s is not a type the transformer can validate (%s). Use a concrete interface or type alias; `any` and `unknown` are not allowed for %s.",
  SPK006: "Parameter \"%s\" is declared as Path<...> but the route %s has no {%s} segment. Add the segment or use Query<...>.",
  SPK007: "More than one Body<...> parameter (\"%s\" and \"%s\"). A request has one body: combine them into one type.",
  SPK008: "Parameter \"%s\" of type %s is not a path, query, header or cookie value, and %s routes take no body. Mark it Query<...>, Header<...>, Cookie<...> or Path<...>, or Inject<T, \"name\"> for a dependency registered by name.",
  SPK009: "Return type %s cannot be serialized to JSON: %s at %s. Return %s",
  SPK010: "%s",
  SPK011: "No provider for %s, injected into parameter \"%s\". Register one: app.provide(%s, Provide(factory)).",
  SPK012: "Dependency cycle: %s. A factory cannot (indirectly) depend on what it builds. Break the cycle: move what both need into a third provider, or inject one side lazily (a provider returning a function).",
  SPK013: "Rule check %s is not a JavaScript expression. Use one expression over $input, e.g. \"$input.card === undefined || $input.address !== undefined\".",
  SPK014: "Body parameter \"%s\" of type %s cannot arrive in a request: %s at %s. Use %s",
  SPK015: "The handler of %s returns %s, which JSON writes as nothing: it would answer an empty body. Return %s",
  SPK016: "Route %s is registered more than once with different handlers (%s): `spikard gen` keys a route's metadata by its method and path (or its operationId), so the runtime could not tell them apart. Give each an operationId, e.g. { operationId: \"listUsers\" }.",
  SPK017: "%s and %s have the same parameter names but different parameter types (%s): `spikard gen` keys the metadata of a dependency factory or hook by its parameter names. Rename a parameter of one of them.",
  SPK018: "Two provided classes are named %s (%s): `spikard gen` keys a provided class by its name, which is what the runtime sees. Rename one of them.",
  SPK019: "%s: `spikard gen` keys a route's metadata by its method and path under its router's prefix, or by its operationId, and %s. Give the route an operationId as a string literal, e.g. { operationId: \"getUser\" } (or write the path as a literal, on a router created with a literal prefix: `const users = new Router({ prefix: \"/users\" })`).",
  SPK020: "%s imports %s, which does not resolve from this project: its types read as `any`, so `spikard gen` would generate no validation for handler types that use them. Add it to the project's dependencies, or take it through spikard: import `tags` from \"spikard\" rather than \"typia\" (beside TypeScript 7, npm installs typia under spikard).",
  SPK021: "gRPC method %s: parameter \"%s\" is %s. A gRPC method takes (request, ctx) and then only injected values. Use a class registered with app.provide, Inject<T, \"name\">, or BackgroundTasks, and read metadata from ctx.metadata (or give a dependency a Header<...> parameter).",
  SPK022: "The handler of app.sse(\"%s\") returns %s, which is not an (async) generator or iterable of events. Return one: `async function* () { yield { ... } }` (or an async function returning a generator).",
  SPK023: "WebSocket route %s has no message handler. Add one: `{ message(ws, msg: ChatMessage) { ... } }`, or pass the message function itself.",
  SPK024: "%s and %s publish messages of different types to topics that can be the same string (%s): `spikard gen` finds a publish's metadata by its topic, which is all the runtime sees of the call. Give their topics distinct literal parts, e.g. `chat:${room}` and `alerts:${id}`, or publish one type (a union) from one call.",
} as const;

export type TransformerErrorCode = keyof typeof TRANSFORMER_ERRORS;

export class TransformerError extends Error {
  constructor(
    readonly code: TransformerErrorCode,
    ...args: string[]
  ) {
    let i = 0;
    super(TRANSFORMER_ERRORS[code].replace(/%s/g, () => args[i++] ?? ""));
    this.name = "TransformerError";
  }
}
