/**
 * Parameter markers. Each is the identity type over `T`, so inside a handler a
 * `Query<number>` is just a `number`; the compile-time transformer recognises
 * the alias on the parameter's declaration (through the type checker, by the
 * alias symbol declared here) and records where the value comes from.
 *
 * The optional `Name` argument overrides the wire name, e.g.
 * `Header<string, "X-Request-ID">`.
 *
 * Markers carry no runtime value: registering a route that was not compiled
 * with `spikard/transformer` throws at registration.
 */

/**
 * A query-string parameter (`?name=value`; arrays from repeated keys).
 * @spikardMarker query
 */
export type Query<T, Name extends string = never> = T & Wire<Name>;
/**
 * A path segment (`/users/{id}`).
 * @spikardMarker path
 */
export type Path<T, Name extends string = never> = T & Wire<Name>;
/**
 * A request header; snake_case names map to hyphenated header names.
 * @spikardMarker header
 */
export type Header<T, Name extends string = never> = T & Wire<Name>;
/**
 * A cookie value.
 * @spikardMarker cookie
 */
export type Cookie<T, Name extends string = never> = T & Wire<Name>;
/**
 * The request body, decoded by Content-Type and validated against `T`.
 * @spikardMarker body
 */
export type Body<T> = T;

/**
 * Resolves to `unknown`, which vanishes from the intersection; it exists so the
 * `Name` argument is used and keeps its literal type for the transformer.
 */
type Wire<Name extends string> = [Name] extends [never] ? unknown : unknown;

/**
 * An integer (`int` in the seed): decoded from strings and validated as a safe integer.
 * Shorthand for typia's `number & tags.Type<"int64">`.
 */
export type Int = number & import("typia").tags.Type<"int64">;
/** A floating-point number (`float` in the seed). */
export type Float = number;

/**
 * Splits one query value into an array on `S`, for APIs that send
 * `?tags=a|b|c` instead of repeating the key: `Query<string[] & Separator<"|">>`.
 */
export type Separator<S extends string> = import("typia").tags.TagBase<{
  target: "array";
  kind: "separator";
  value: S;
}>;

/**
 * A body whose objects admit no properties beyond the declared ones (JSON
 * Schema's `additionalProperties: false`): `Body<Strict<User>>`. Extra keys
 * answer 422 "Additional properties are not allowed".
 * @spikardMarker strict
 */
export type Strict<T> = T;

/**
 * A body that must match exactly one member of a union (JSON Schema's
 * `oneOf`): `Body<OneOf<Card | PayPal>>`. A plain union matches any member.
 * @spikardMarker oneOf
 */
export type OneOf<T> = T;

/**
 * A custom check with its own 422 message: `Check` is a JavaScript expression
 * over `$input`, `Message` may use `{input}` for the JSON of the rejected value.
 * `string & Rule<"/[A-Z]/.test($input)", "needs a capital">`. On an object type
 * in a body it relates properties (reported at the object's location):
 * `Billing & Rule<"$input.card === undefined || $input.address !== undefined", "\"address\" is a required property">`.
 */
export type Rule<Check extends string, Message extends string> = import("typia").tags.TagBase<{
  target: "string" | "number" | "bigint" | "boolean" | "array" | "object";
  kind: "rule";
  value: Message;
  validate: Check;
}>;

/**
 * An object with at least `N` properties, declared or not (JSON Schema's `minProperties`), in a body:
 * `Body<Preferences & MinProperties<1>>`. Fewer answer 422 `validation_error`
 * "{...} has less than 1 property" at the object's location.
 */
export type MinProperties<N extends number> = PropertyCount<"minProperties", N>;

/**
 * An object with at most `N` properties (JSON Schema's `maxProperties`), in a body:
 * `Record<string, string> & MaxProperties<20>`. More answer 422 "{...} has more than 20 properties".
 */
export type MaxProperties<N extends number> = PropertyCount<"maxProperties", N>;

/** typia accepts tags on objects without checking them; the transformer reads these and the runtime applies them. */
type PropertyCount<Kind extends "minProperties" | "maxProperties", N extends number> = import("typia").tags.TagBase<{
  target: "object";
  kind: Kind;
  value: N;
  schema: { [K in Kind]: N };
}>;

/**
 * A dependency registered by name: `settings: Inject<Settings, "settings">`
 * receives what `app.provide("settings", ...)` builds. Class-typed parameters
 * need no marker: they are injected by their class.
 * @spikardMarker inject
 */
export type Inject<T, Name extends string> = T & Wire<Name>;
