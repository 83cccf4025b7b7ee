/**
 * JSON Schema (draft 2020-12 as OpenAPI 3.1 writes it, and OpenAPI 3.0's
 * dialect with `nullable` and boolean `exclusiveMinimum`) → TypeScript type
 * text. With `tags`, every constraint becomes a typia tag, so the generated
 * app validates exactly what the schema says; without, plain types (the
 * client). Shared by `spikard generate openapi`, `spikard generate fixtures`
 * (the conformance runner) and `spikard client`, and meant for AsyncAPI
 * message payloads too: the caller decides what a `$ref` is called.
 */

export type JsonSchema = Record<string, unknown>;

export interface TypeWriterOptions {
  /** typia tags for every constraint (server types); off writes plain TypeScript. */
  tags: boolean;
  /**
   * Keywords typia checks without documenting them, or cannot check (numeric
   * formats, formats typia lacks, minProperties, defaults on literal unions),
   * are added to the emitted JSON Schema with `tags.JsonSchemaPlugin`, so the
   * app's OpenAPI document keeps them.
   */
  document: boolean;
  /** JSDoc comments from `description`/`deprecated` on properties. */
  comments: boolean;
  /** The type a `$ref` names (the caller emits the named declaration). */
  ref(ref: string, pointer: string): string;
  /** The type of a `format: binary` string (UploadFile in a multipart body, Blob in a client, ...). */
  binary(pointer: string): string;
  /** What the type cannot say exactly, with where. */
  report(pointer: string, message: string): void;
  /** What the generated code cannot hold at all (the spec must change), with where. */
  unsupported?(pointer: string, message: string): void;
  /** Spikard's fixture suite: `ts_type` names a TypeScript type directly. */
  fixtureExtensions?: boolean;
}

/** Formats typia's `tags.Format` checks. */
export const TYPIA_FORMATS: ReadonlySet<string> = new Set([
  "byte", "password", "regex", "uuid", "email", "hostname", "idn-email", "idn-hostname", "iri", "iri-reference",
  "ipv4", "ipv6", "uri", "uri-reference", "uri-template", "url", "date-time", "date", "time", "duration",
  "json-pointer", "relative-json-pointer",
]);

const INTEGER_FORMATS: Record<string, string> = { int32: "int32", uint32: "uint32", int64: "int64", uint64: "uint64" };
const NUMBER_FORMATS: Record<string, string> = { float: "float", double: "double" };

const PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Any JSON value, present: typia reads `unknown` as optional and skips tags on `unknown[]`. */
export const JSON_VALUE = "(string | number | boolean | null | object)";

/** Keywords that only annotate; a schema of nothing else accepts anything. */
const ANNOTATIONS = new Set(["description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "default", "$comment", "xml", "externalDocs", "discriminator"]);

export function writeType(schema: unknown, pointer: string, o: TypeWriterOptions, indent = ""): string {
  return new Writer(o).type(schema, pointer, indent);
}

/** `true`/`{}`/annotations only: a schema that constrains nothing. */
export function isAnySchema(s: unknown): boolean {
  if (s === undefined || s === true) return true;
  if (s === null || typeof s !== "object" || Array.isArray(s)) return false;
  return Object.keys(s).every((k) => ANNOTATIONS.has(k) || k.startsWith("x-"));
}

/** Deeper than this, a schema is written as `unknown` (and reported): no spec needs it, and the stack is finite. */
const MAX_DEPTH = 64;

class Writer {
  private depth = 0;

  constructor(private readonly o: TypeWriterOptions) {}

  type(schema: unknown, ptr: string, indent: string): string {
    if (this.depth >= MAX_DEPTH) {
      this.o.report(ptr, `nested deeper than ${MAX_DEPTH} levels; written as unknown`);
      return "unknown";
    }
    this.depth++;
    try {
      return this.write(schema, ptr, indent);
    } finally {
      this.depth--;
    }
  }

  private write(schema: unknown, ptr: string, indent: string): string {
    if (schema === true || schema === undefined || schema === null) return "unknown";
    if (schema === false) return "never";
    if (typeof schema !== "object" || Array.isArray(schema)) {
      this.o.report(ptr, "a schema must be an object or a boolean");
      return "unknown";
    }
    const s = schema as JsonSchema;
    if (this.o.fixtureExtensions && typeof s.ts_type === "string") return s.ts_type;
    if (typeof s.$ref === "string") {
      const named = this.o.ref(s.$ref, ptr);
      // OpenAPI 3.0 ignores a $ref's siblings, but `nullable: true` beside one is everywhere meant as "or null".
      const { $ref: _r, nullable, ...siblings } = s;
      const type = isAnySchema(siblings) ? named : `${named} & ${this.paren(this.type(siblings, ptr, indent))}`;
      return nullable === true ? `${this.paren(type)} | null` : type;
    }
    const nullable = s.nullable === true;
    const withNull = (t: string): string => (nullable && t !== "null" && t !== "unknown" ? `${this.paren(t)} | null` : t);
    if ("const" in s) return withNull(literalType(s.const));
    if (Array.isArray(s.enum)) return withNull(this.enumType(s, ptr));
    if (Array.isArray(s.allOf)) {
      const members = (s.allOf as unknown[]).map((x, i) => this.paren(this.type(x, `${ptr}/allOf/${i}`, indent)));
      const { allOf: _a, ...base } = s;
      if (hasTypeKeywords(base)) members.unshift(this.paren(this.type(base, ptr, indent)));
      return withNull(members.join(" & "));
    }
    if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return withNull(this.unionType(s, ptr, indent));
    if (s.not !== undefined && !this.o.tags) {
      const { not: _n, ...rest } = s;
      return this.type(rest, ptr, indent);
    }
    this.reportUnsupportedKeywords(s, ptr);
    const type = s.type;
    if (Array.isArray(type)) {
      const members = (type as unknown[]).map((t) => this.type({ ...s, type: t, nullable: false }, ptr, indent));
      return withNull(members.join(" | "));
    }
    switch (type) {
      case "string":
        return withNull(this.stringType(s, ptr));
      case "integer":
      case "number":
        return withNull(this.numberType(s, ptr, type));
      case "boolean":
        return withNull(this.tagged("boolean", this.docTags(s, "boolean", ptr)));
      case "null":
        return "null";
      case "array":
        return withNull(this.arrayType(s, ptr, indent));
      case "object":
        return withNull(this.objectType(s, ptr, indent));
      case undefined:
        if (s.properties !== undefined || s.additionalProperties !== undefined || s.required !== undefined || s.minProperties !== undefined || s.maxProperties !== undefined) return withNull(this.objectType(s, ptr, indent));
        if (s.items !== undefined || s.prefixItems !== undefined) return withNull(this.arrayType(s, ptr, indent));
        return "unknown";
      default:
        this.o.report(`${ptr}/type`, `unknown type ${JSON.stringify(type)}`);
        return "unknown";
    }
  }

  private enumType(s: JsonSchema, ptr: string): string {
    const values = [...new Map((s.enum as unknown[]).map((v) => [JSON.stringify(v), v])).values()];
    if (values.length === 0) return "never";
    const union = values.map(literalType).join(" | ");
    // A default on a literal union can only be documented: typia's Default tag takes one atomic type.
    if (this.o.tags && this.o.document && "default" in s && values.length > 1) return `(${union}) & tags.JsonSchemaPlugin<${literalType({ default: s.default })}>`;
    return union;
  }

  private unionType(s: JsonSchema, ptr: string, indent: string): string {
    const key = Array.isArray(s.oneOf) ? "oneOf" : "anyOf";
    const branches = s[key] as unknown[];
    const discriminator = s.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
    const members = branches.map((b, i) => {
      const bp = `${ptr}/${key}/${i}`;
      let t = this.paren(this.type(mergeBase(s, b), bp, indent));
      const tag = discriminator?.propertyName !== undefined ? discriminatorValue(b, discriminator) : undefined;
      if (tag !== undefined) t = `(${t} & { ${propertyKey(discriminator!.propertyName!)}: ${JSON.stringify(tag)} })`;
      return t;
    });
    if (Array.isArray(s.oneOf) && Array.isArray(s.anyOf)) this.o.report(`${ptr}/anyOf`, "anyOf beside oneOf is read as oneOf alone");
    return members.join(" | ");
  }

  private stringType(s: JsonSchema, ptr: string): string {
    if (s.format === "binary") return this.o.binary(ptr);
    const out: string[] = [];
    const doc: JsonSchema = {};
    if (this.o.tags) {
      out.push(...this.notRule(s, ptr));
      const min = this.count(s, "minLength", ptr);
      const max = this.count(s, "maxLength", ptr);
      if (min !== undefined) out.push(`tags.MinLength<${min}>`);
      if (max !== undefined) out.push(`tags.MaxLength<${max}>`);
      if (typeof s.pattern === "string") {
        if (isRegExp(s.pattern)) out.push(`tags.Pattern<${JSON.stringify(s.pattern)}>`);
        else this.o.report(`${ptr}/pattern`, "the pattern is not a JavaScript regular expression; it is left out");
      }
      if (typeof s.format === "string") {
        // typia's Format and Pattern exclude each other; the pattern is the stronger check.
        if (TYPIA_FORMATS.has(s.format) && typeof s.pattern !== "string") out.push(`tags.Format<${JSON.stringify(s.format)}>`);
        else {
          doc.format = s.format;
          this.o.report(`${ptr}/format`, typeof s.pattern === "string" && TYPIA_FORMATS.has(s.format) ? `format "${s.format}" beside a pattern is documented, and only the pattern is checked` : `format "${s.format}" is documented but not checked`);
        }
      }
      if (typeof s.contentEncoding === "string" || typeof s.contentMediaType === "string") this.o.report(ptr, "contentEncoding/contentMediaType are not checked");
    }
    return this.tagged("string", [...out, ...this.docTags(s, "string", ptr, doc)]);
  }

  private numberType(s: JsonSchema, ptr: string, type: "integer" | "number"): string {
    const out: string[] = [];
    const doc: JsonSchema = {};
    if (this.o.tags) {
      const format = typeof s.format === "string" ? s.format : undefined;
      const typeTag = type === "integer" ? (INTEGER_FORMATS[format ?? ""] ?? "int64") : NUMBER_FORMATS[format ?? ""];
      if (typeTag !== undefined) out.push(`tags.Type<"${typeTag}">`);
      if (format !== undefined) {
        doc.format = format;
        if (typeTag === undefined || (type === "integer" && INTEGER_FORMATS[format] === undefined)) this.o.report(`${ptr}/format`, `format "${format}" is documented but not checked`);
      }
      out.push(...this.notRule(s, ptr));
      // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum.
      const minimum = this.finite(s, "minimum", ptr);
      const maximum = this.finite(s, "maximum", ptr);
      const exclusiveMinimum = this.finite(s, "exclusiveMinimum", ptr);
      const exclusiveMaximum = this.finite(s, "exclusiveMaximum", ptr);
      const multipleOf = this.finite(s, "multipleOf", ptr);
      if (minimum !== undefined) out.push(s.exclusiveMinimum === true ? `tags.ExclusiveMinimum<${minimum}>` : `tags.Minimum<${minimum}>`);
      if (maximum !== undefined) out.push(s.exclusiveMaximum === true ? `tags.ExclusiveMaximum<${maximum}>` : `tags.Maximum<${maximum}>`);
      if (exclusiveMinimum !== undefined) out.push(`tags.ExclusiveMinimum<${exclusiveMinimum}>`);
      if (exclusiveMaximum !== undefined) out.push(`tags.ExclusiveMaximum<${exclusiveMaximum}>`);
      if (multipleOf !== undefined && multipleOf > 0) out.push(`tags.MultipleOf<${multipleOf}>`);
      else if (multipleOf !== undefined) this.o.report(`${ptr}/multipleOf`, "multipleOf must be greater than 0; it is left out");
    }
    return this.tagged("number", [...out, ...this.docTags(s, "number", ptr, doc)]);
  }

  private arrayType(s: JsonSchema, ptr: string, indent: string): string {
    let base: string;
    if (Array.isArray(s.prefixItems)) {
      const fixed = (s.prefixItems as unknown[]).map((x, i) => this.type(x, `${ptr}/prefixItems/${i}`, indent));
      const rest = s.items === false ? [] : [`...${this.paren(this.itemType(s.items, `${ptr}/items`, indent))}[]`];
      base = `[${[...fixed, ...rest].join(", ")}]`;
    } else if (Array.isArray(s.items)) {
      base = `[${(s.items as unknown[]).map((x, i) => this.type(x, `${ptr}/items/${i}`, indent)).join(", ")}]`;
    } else {
      base = `Array<${this.itemType(s.items, `${ptr}/items`, indent)}>`;
    }
    const out: string[] = [];
    if (this.o.tags) {
      const minItems = this.count(s, "minItems", ptr);
      const maxItems = this.count(s, "maxItems", ptr);
      if (minItems !== undefined) out.push(`tags.MinItems<${minItems}>`);
      if (maxItems !== undefined) out.push(`tags.MaxItems<${maxItems}>`);
      if (s.uniqueItems === true) out.push("tags.UniqueItems");
      if (s.contains !== undefined) this.o.report(`${ptr}/contains`, "contains is not checked");
    }
    return this.tagged(base, [...out, ...this.docTags(s, "array", ptr)]);
  }

  private itemType(items: unknown, ptr: string, indent: string): string {
    return isAnySchema(items) && this.o.tags ? JSON_VALUE : this.type(items, ptr, indent);
  }

  private objectType(s: JsonSchema, ptr: string, indent: string): string {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const inner = `${indent}  `;
    const lines: string[] = [];
    const propTypes: string[] = [];
    for (const [k, v] of Object.entries(props)) {
      // typia writes property names into its validators' error paths without escaping quotes and backslashes.
      if (this.o.tags && /["\\\u0000-\u001f]/.test(k)) this.o.unsupported?.(`${ptr}/properties/${escapeKey(k)}`, `property name ${JSON.stringify(k)} holds a quote, backslash or control character, which the validators cannot name`);
      // Absent, it would read the member every decoded object inherits (input.constructor is Object).
      if (this.o.tags && !required.has(k) && PROTOTYPE_MEMBERS.has(k)) this.o.unsupported?.(`${ptr}/properties/${escapeKey(k)}`, `optional property ${JSON.stringify(k)} is named like a member of Object.prototype, which a decoded object without it still has; make it required or rename it`);
      const t = this.type(v, `${ptr}/properties/${escapeKey(k)}`, inner);
      propTypes.push(t);
      const comment = this.o.comments ? jsDoc(v, inner) : "";
      lines.push(`${comment}${inner}${propertyKey(k)}${required.has(k) ? "" : "?"}: ${t};`);
    }
    // Required without a schema: present with any value (`unknown` would also accept absence).
    for (const r of required) if (!(r in props)) lines.push(`${inner}${propertyKey(r)}: ${this.o.tags ? JSON_VALUE : "unknown"};`);
    const extra = extraProperties(s);
    if (extra.length > 0) {
      const types = extra.map(([schema, p]) => (isAnySchema(schema) ? "unknown" : this.type(schema, p, inner)));
      if (s.patternProperties !== undefined) this.o.report(`${ptr}/patternProperties`, "patternProperties are read as additional properties of any name");
      // An index signature must admit the declared properties too.
      const widened = propTypes.length > 0 && !types.includes("unknown") ? [...types, ...propTypes] : types;
      if (widened.length > types.length) this.o.report(`${ptr}/additionalProperties`, "additional properties also accept the declared properties' types (a TypeScript index signature covers every key)");
      lines.push(`${inner}[key: string]: ${[...new Set(widened)].join(" | ")};`);
    }
    const body = lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${indent}}`;
    const base = lines.length === 0 && s.additionalProperties === undefined && s.patternProperties === undefined && Object.keys(props).length === 0 ? "Record<string, unknown>" : body;
    const out: string[] = [];
    const doc: JsonSchema = {};
    if (this.o.tags) {
      out.push(...this.dependencyRules(s));
      // Spikard's markers: the runtime checks them (with Spikard's wording) and they document themselves.
      const minProperties = this.count(s, "minProperties", ptr);
      const maxProperties = this.count(s, "maxProperties", ptr);
      if (minProperties !== undefined) out.push(`MinProperties<${minProperties}>`);
      if (maxProperties !== undefined) out.push(`MaxProperties<${maxProperties}>`);
      if (s.additionalProperties === false) doc.additionalProperties = false;
      if (s.propertyNames !== undefined) this.o.report(`${ptr}/propertyNames`, "propertyNames is not checked");
    }
    return this.tagged(base, [...out, ...this.docTags(s, "object", ptr, doc)]);
  }

  /** `dependentRequired` (and draft-04's `dependencies` of names): with `a` present, `b` is required too. */
  private dependencyRules(s: JsonSchema): string[] {
    const deps = (s.dependentRequired ?? s.dependencies) as Record<string, unknown> | undefined;
    if (deps === undefined || deps === null || typeof deps !== "object") return [];
    const out: string[] = [];
    for (const [present, needs] of Object.entries(deps)) {
      if (!Array.isArray(needs)) continue;
      for (const need of needs) {
        out.push(rule(`$input[${JSON.stringify(present)}] === undefined || $input[${JSON.stringify(need)}] !== undefined`, `${JSON.stringify(need)} is a required property`));
      }
    }
    return out;
  }

  /** `not: {enum: [...]}` / `not: {const}` as a Rule with JSON Schema's wording. */
  private notRule(s: JsonSchema, ptr: string): string[] {
    const not = s.not as JsonSchema | undefined;
    if (not === undefined) return [];
    const values = Array.isArray(not.enum) ? (not.enum as unknown[]) : "const" in not ? [not.const] : undefined;
    if (values === undefined) {
      this.o.report(`${ptr}/not`, "only `not` of an enum or const is checked");
      return [];
    }
    return [rule(`!${JSON.stringify(values)}.includes($input)`, `${JSON.stringify(not)} is not allowed for {input}`)];
  }

  /** Defaults (typia's Default tag where it applies, else documented) and the keywords `extra` documents. */
  private docTags(s: JsonSchema, target: "string" | "number" | "boolean" | "array" | "object", _ptr: string, extra: JsonSchema = {}): string[] {
    if (!this.o.tags) return [];
    const out: string[] = [];
    const doc: JsonSchema = { ...extra };
    if ("default" in s) {
      const d = s.default;
      // typia's JSON Schema writer drops Default on booleans; the plugin documents every default alike.
      const atomic = (target === "string" && typeof d === "string") || (target === "number" && typeof d === "number");
      if (atomic) out.push(`tags.Default<${JSON.stringify(d)}>`);
      else doc.default = d;
    }
    if (this.o.document && Object.keys(doc).length > 0) out.push(`tags.JsonSchemaPlugin<${literalType(doc)}>`);
    return out;
  }

  private reportUnsupportedKeywords(s: JsonSchema, ptr: string): void {
    if (!this.o.tags) return;
    for (const k of ["if", "then", "else", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef"]) {
      if (k in s) this.o.report(`${ptr}/${k}`, `${k} is not checked`);
    }
  }

  /** A length or count keyword: a non-negative integer, else reported and left out. */
  private count(s: JsonSchema, key: string, ptr: string): number | undefined {
    const v = s[key];
    if (v === undefined) return undefined;
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
    this.o.report(`${ptr}/${key}`, `${key} must be a non-negative integer; it is left out`);
    return undefined;
  }

  /** A numeric bound: a finite number (a boolean exclusive bound is OpenAPI 3.0's and read beside minimum/maximum). */
  private finite(s: JsonSchema, key: string, ptr: string): number | undefined {
    const v = s[key];
    if (v === undefined || typeof v === "boolean") return undefined;
    if (typeof v === "number" && Number.isFinite(v)) return v;
    this.o.report(`${ptr}/${key}`, `${key} must be a finite number; it is left out`);
    return undefined;
  }

  private tagged(base: string, tags: string[]): string {
    return tags.length === 0 ? base : `(${[base, ...tags].join(" & ")})`;
  }

  private paren(t: string): string {
    return /^[\w.<>[\]"'-]+$/.test(t) || (t.startsWith("(") && balanced(t)) ? t : `(${t})`;
  }
}

/** For `{ type: object, properties, anyOf: [{required: [...]}] }`: each branch inherits the base object. */
function mergeBase(base: JsonSchema, branch: unknown): unknown {
  if (base.type === undefined && base.properties === undefined) return branch;
  if (branch === null || typeof branch !== "object" || typeof (branch as JsonSchema).$ref === "string") {
    const { oneOf: _o, anyOf: _a, discriminator: _d, ...rest } = base;
    return hasTypeKeywords(rest) ? { allOf: [rest, branch] } : branch;
  }
  const b = branch as JsonSchema;
  const { oneOf: _o, anyOf: _a, discriminator: _d, ...rest } = base;
  return {
    ...rest,
    ...b,
    properties: { ...(rest.properties as object), ...(b.properties as object) },
    required: [...new Set([...((rest.required as string[]) ?? []), ...((b.required as string[]) ?? [])])],
  };
}

/** The discriminator value a oneOf branch stands for: its mapping key, else its component name. */
function discriminatorValue(branch: unknown, d: { propertyName?: string; mapping?: Record<string, string> }): string | undefined {
  if (branch === null || typeof branch !== "object") return undefined;
  const b = branch as JsonSchema;
  const ref = typeof b.$ref === "string" ? b.$ref : undefined;
  if (ref === undefined) return undefined;
  for (const [value, target] of Object.entries(d.mapping ?? {})) if (target === ref || target === ref.split("/").pop()) return value;
  return ref.split("/").pop();
}

function hasTypeKeywords(s: JsonSchema): boolean {
  return Object.keys(s).some((k) => !ANNOTATIONS.has(k) && !k.startsWith("x-") && k !== "nullable");
}

function extraProperties(s: JsonSchema): Array<[unknown, string]> {
  const out: Array<[unknown, string]> = [];
  const ap = s.additionalProperties;
  if (ap !== undefined && ap !== false && ap !== true) out.push([ap, "/additionalProperties"]);
  for (const [k, v] of Object.entries((s.patternProperties ?? {}) as Record<string, unknown>)) out.push([v, `/patternProperties/${escapeKey(k)}`]);
  return out;
}

function rule(check: string, message: string): string {
  return `Rule<${JSON.stringify(check)}, ${JSON.stringify(message)}>`;
}

/** A JSON value as a TypeScript literal type. */
export function literalType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(literalType).join(", ")}]`;
  if (typeof v === "object") return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${propertyKey(k)}: ${literalType(x)}`).join("; ")} }`;
  if (typeof v === "number" && !Number.isFinite(v)) return "number";
  return JSON.stringify(v) ?? "undefined";
}

export function propertyKey(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k);
}

function escapeKey(k: string): string {
  return k.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `/** description *\/` for a property or declaration, or nothing. */
export function jsDoc(schema: unknown, indent: string): string {
  if (schema === null || typeof schema !== "object") return "";
  const s = schema as JsonSchema;
  const lines: string[] = [];
  if (typeof s.description === "string" && s.description.trim() !== "") lines.push(...s.description.trim().split("\n"));
  if (s.deprecated === true) lines.push("@deprecated");
  if (lines.length === 0) return "";
  const safe = lines.map((l) => l.replace(/\*\//g, "*\\/").trimEnd());
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((l) => `${indent} *${l === "" ? "" : ` ${l}`}`).join("\n")}\n${indent} */\n`;
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function balanced(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '"') {
      for (i++; i < t.length && t[i] !== '"'; i++) if (t[i] === "\\") i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0 && i !== t.length - 1) return false;
    }
  }
  return depth === 0;
}
