/**
 * JSON Schema (as the fixtures write it) → TypeScript type text with typia
 * tags. The generated app's validation comes only from these types.
 */

export type JsonSchema = Record<string, unknown>;

const TYPIA_FORMATS = new Set([
  "byte", "password", "regex", "uuid", "email", "hostname", "idn-email", "idn-hostname", "iri", "iri-reference",
  "ipv4", "ipv6", "uri", "uri-reference", "uri-template", "url", "date-time", "date", "time", "duration",
  "json-pointer", "relative-json-pointer",
]);

export interface TsTypeContext {
  /** Named definitions (`definitions`, `$defs`) already emitted as aliases, by JSON pointer. */
  refs: Map<string, string>;
  /** Alias declarations to emit before the app. */
  aliases: string[];
  /** Prefix keeping alias names unique across fixtures. */
  prefix: string;
  root: JsonSchema;
}

export function newContext(root: JsonSchema, prefix: string): TsTypeContext {
  return { refs: new Map(), aliases: [], prefix, root };
}

export function schemaToTs(schema: unknown, ctx: TsTypeContext): string {
  if (schema === true || schema === undefined || schema === null) return "unknown";
  if (schema === false) return "never";
  const s = schema as JsonSchema;
  // The project's own fixtures may name a TypeScript type directly (bigint, Date, tuples, ...).
  if (typeof s.ts_type === "string") return s.ts_type;
  if (typeof s.$ref === "string") return refType(s.$ref, ctx);
  const nullable = s.nullable === true;
  const withNull = (t: string): string => (nullable ? `(${t}) | null` : t);
  if ("const" in s) return withNull(literal(s.const));
  if (Array.isArray(s.enum)) return withNull(s.enum.map(literal).join(" | ") || "never");
  if (Array.isArray(s.allOf)) return withNull(s.allOf.map((x) => `(${schemaToTs(x, ctx)})`).join(" & "));
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    const members = ((s.oneOf ?? s.anyOf) as unknown[]).map((x) => `(${schemaToTs(mergeBase(s, x), ctx)})`);
    return withNull(members.join(" | "));
  }
  const type = s.type;
  if (Array.isArray(type)) return type.map((t) => schemaToTs({ ...s, type: t }, ctx)).join(" | ");
  switch (type) {
    case "string":
      if (s.format === "binary") return withNull("UploadFile");
      return withNull(tagged("string", stringTags(s)));
    case "integer":
      return withNull(tagged("number", ['tags.Type<"int64">', ...numberTags(s)]));
    case "number":
      return withNull(tagged("number", numberTags(s)));
    case "boolean":
      return withNull("boolean");
    case "null":
      return "null";
    case "array":
      return withNull(tagged(`Array<${anyValue(s.items) ? JSON_VALUE : schemaToTs(s.items, ctx)}>`, arrayTags(s)));
    case "object":
      return withNull(objectType(s, ctx));
    default:
      if (s.properties !== undefined || s.minProperties !== undefined || s.maxProperties !== undefined) return withNull(objectType(s, ctx));
      return "unknown";
  }
}

/** For `{ type: object, properties, anyOf: [{required: [...]}] }`: each branch inherits the base object. */
function mergeBase(base: JsonSchema, branch: unknown): unknown {
  if (base.type === undefined && base.properties === undefined) return branch;
  const b = branch as JsonSchema;
  const { oneOf: _o, anyOf: _a, ...rest } = base;
  return { ...rest, ...b, properties: { ...(rest.properties as object), ...(b.properties as object) }, required: [...((rest.required as string[]) ?? []), ...((b.required as string[]) ?? [])] };
}

function objectType(s: JsonSchema, ctx: TsTypeContext): string {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const members = Object.entries(props).map(([k, v]) => `${JSON.stringify(k)}${required.has(k) ? "" : "?"}: ${schemaToTs(v, ctx)};`);
  // Required without a schema: present with any value (`unknown` would also accept absence).
  for (const r of required) if (!(r in props)) members.push(`${JSON.stringify(r)}: ${JSON_VALUE};`);
  const extra = s.additionalProperties;
  if (extra !== undefined && extra !== false && extra !== true) members.push(`[key: string]: ${schemaToTs(extra, ctx)} | ${Object.values(props).length ? "any" : schemaToTs(extra, ctx)};`);
  return tagged(`{ ${members.join(" ")} }`, [...propertyCountTags(s), ...dependencyRules(s)]);
}

function propertyCountTags(s: JsonSchema): string[] {
  const out: string[] = [];
  if (typeof s.minProperties === "number") out.push(`MinProperties<${s.minProperties}>`);
  if (typeof s.maxProperties === "number") out.push(`MaxProperties<${s.maxProperties}>`);
  return out;
}

/** `dependencies: {a: ["b"]}` (JSON Schema's dependentRequired): with `a` present, `b` is required too. */
function dependencyRules(s: JsonSchema): string[] {
  const deps = (s.dependencies ?? s.dependentRequired) as Record<string, unknown> | undefined;
  if (deps === undefined || deps === null || typeof deps !== "object") return [];
  const out: string[] = [];
  for (const [present, needs] of Object.entries(deps)) {
    if (!Array.isArray(needs)) continue;
    for (const need of needs) {
      const check = `$input[${JSON.stringify(present)}] === undefined || $input[${JSON.stringify(need)}] !== undefined`;
      out.push(`Rule<${JSON.stringify(check)}, ${JSON.stringify(`${JSON.stringify(need)} is a required property`)}>`);
    }
  }
  return out;
}

function refType(ref: string, ctx: TsTypeContext): string {
  const known = ctx.refs.get(ref);
  if (known) return known;
  const name = `${ctx.prefix}_${ref.split("/").pop()!.replace(/\W/g, "_")}`;
  ctx.refs.set(ref, name);
  const target = ref.replace(/^#\//, "").split("/").reduce<unknown>((o, k) => (o as JsonSchema | undefined)?.[k], ctx.root);
  ctx.aliases.push(`type ${name} = ${schemaToTs(target, ctx)};`);
  return name;
}

function stringTags(s: JsonSchema): string[] {
  const out: string[] = notRule(s);
  if (typeof s.minLength === "number") out.push(`tags.MinLength<${s.minLength}>`);
  if (typeof s.maxLength === "number") out.push(`tags.MaxLength<${s.maxLength}>`);
  if (typeof s.pattern === "string") out.push(`tags.Pattern<${JSON.stringify(s.pattern)}>`);
  if (typeof s.format === "string" && TYPIA_FORMATS.has(s.format)) out.push(`tags.Format<${JSON.stringify(s.format)}>`);
  return out;
}

function numberTags(s: JsonSchema): string[] {
  const out: string[] = notRule(s);
  if (typeof s.minimum === "number") out.push(`tags.Minimum<${s.minimum}>`);
  if (typeof s.maximum === "number") out.push(`tags.Maximum<${s.maximum}>`);
  if (typeof s.exclusiveMinimum === "number") out.push(`tags.ExclusiveMinimum<${s.exclusiveMinimum}>`);
  if (typeof s.exclusiveMaximum === "number") out.push(`tags.ExclusiveMaximum<${s.exclusiveMaximum}>`);
  if (typeof s.multipleOf === "number") out.push(`tags.MultipleOf<${s.multipleOf}>`);
  return out;
}

function arrayTags(s: JsonSchema): string[] {
  const out: string[] = [];
  if (typeof s.minItems === "number") out.push(`tags.MinItems<${s.minItems}>`);
  if (typeof s.maxItems === "number") out.push(`tags.MaxItems<${s.maxItems}>`);
  if (s.uniqueItems === true) out.push("tags.UniqueItems");
  return out;
}

/** `not: {enum: [...]}` becomes a Rule carrying JSON Schema's wording. */
function notRule(s: JsonSchema): string[] {
  const not = s.not as JsonSchema | undefined;
  if (!not || !Array.isArray(not.enum)) return [];
  const check = `!${JSON.stringify(not.enum)}.includes($input)`;
  return [`Rule<${JSON.stringify(check)}, ${JSON.stringify(`${JSON.stringify(not)} is not allowed for {input}`)}>`];
}

function tagged(base: string, tags: string[]): string {
  return tags.length === 0 ? base : `(${[base, ...tags].join(" & ")})`;
}

function literal(v: unknown): string {
  return v === null ? "null" : JSON.stringify(v);
}

/** An unconstrained schema (for array items it becomes JSON_VALUE). */
function anyValue(s: unknown): boolean {
  return s === undefined || s === true || (typeof s === "object" && s !== null && Object.keys(s).length === 0);
}

/** Any JSON value, present (typia treats `unknown` as optional and skips tags on `unknown[]`). */
const JSON_VALUE = "(string | number | boolean | null | object)";
