import { pointerJoin, resolvePointer } from "../json-pointer";
import { toTypeName, unique } from "../naming";
import { isAnySchema, jsDoc, writeType, type TypeWriterOptions } from "../json-schema/to-typescript";
import type { SpecProblem } from "../errors";
import type { Json } from "./load";

const COMPONENT = /^#\/components\/schemas\/([^/]+)$/;

/**
 * The named types of a spec: one per `components.schemas` entry (in spec
 * order, all of them), plus the inline request and response schemas the
 * routes name. Other `$ref`s are written inline. The same registry serves
 * the server (typia tags, UploadFile) and the client (plain types, Blob).
 */
export class TypeRegistry {
  private readonly names = new Map<string, string>();
  private readonly declarations = new Map<string, string>();
  private readonly order: string[] = [];
  private readonly used: Set<string>;
  private readonly inlining: string[] = [];

  constructor(
    private readonly doc: Json,
    private readonly options: Pick<TypeWriterOptions, "tags" | "document" | "comments"> & { binary: string },
    private readonly notes: SpecProblem[],
    reserved: Iterable<string>,
    private readonly problems: SpecProblem[] = [],
  ) {
    this.used = new Set(reserved);
    const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
    for (const name of Object.keys(schemas)) this.names.set(`#/components/schemas/${escape(name)}`, unique(toTypeName(name), this.used));
    for (const name of Object.keys(schemas)) this.declareRef(`#/components/schemas/${escape(name)}`);
  }

  /** The type text of a schema at `pointer`; `binary` overrides what `format: binary` reads as there. */
  typeOf(schema: unknown, pointer: string, binary: (pointer: string) => string = () => this.options.binary, indent = ""): string {
    return writeType(schema, pointer, this.writerOptions(binary), indent);
  }

  /** Names an inline schema (a body or response) as `hint`, or returns the name its `$ref` already has. */
  nameInline(hint: string, schema: unknown, pointer: string, binary?: (pointer: string) => string): string {
    const ref = refOf(schema);
    if (ref !== undefined && this.names.has(ref) && binary === undefined) return this.names.get(ref)!;
    const text = this.typeOf(schema, pointer, binary);
    // Scalars and named references read better inline.
    if (!text.includes("{") && !text.includes("&") && text.length < 60) return text;
    const name = unique(toTypeName(hint), this.used);
    this.declare(name, schema, text);
    return name;
  }

  /** Declares `export type <hint> = <text>` (a union of named types, say) under a free name; returns it. */
  alias(hint: string, text: string): string {
    const name = unique(toTypeName(hint), this.used);
    this.declare(name, undefined, text);
    return name;
  }

  /** Every declaration, in the order the types were first needed. */
  render(): string {
    return this.order.map((n) => this.declarations.get(n)!).join("\n");
  }

  /** types.ts: `header`, the imports its declarations need (typia's tags, these of spikard's types), the declarations. */
  module(header: string, spikardTypes: readonly string[]): string {
    const text = this.render();
    const fromSpikard = spikardTypes.filter((n) => new RegExp(`\\b${n}\\b`).test(text));
    const imports = [...(text.includes("tags.") ? ['import type { tags } from "typia";'] : []), ...(fromSpikard.length > 0 ? [`import type { ${fromSpikard.join(", ")} } from "spikard";`] : [])];
    return `${header}${imports.join("\n")}${imports.length ? "\n\n" : ""}${text}`;
  }

  /** Named types (to import). */
  declared(): string[] {
    return [...this.order];
  }

  private writerOptions(binary: (pointer: string) => string): TypeWriterOptions {
    return {
      ...this.options,
      ref: (ref, ptr) => this.refType(ref, ptr),
      binary,
      report: (ptr, message) => this.notes.push({ pointer: ptr, message }),
      unsupported: (ptr, message) => this.problems.push({ pointer: ptr, message }),
    };
  }

  private refType(ref: string, ptr: string): string {
    const named = this.names.get(ref);
    if (named !== undefined) return named;
    const target = resolvePointer(this.doc, ref);
    if (target === undefined) {
      this.notes.push({ pointer: ptr, message: `reference ${JSON.stringify(ref)} points at nothing` });
      return "unknown";
    }
    // A reference into something other than a component: inline it, naming it only to break a cycle.
    if (this.inlining.includes(ref) || !COMPONENT.test(ref)) {
      if (this.inlining.includes(ref)) {
        const name = unique(toTypeName(ref.split("/").pop() ?? "Schema"), this.used);
        this.names.set(ref, name);
        this.declareRef(ref);
        return name;
      }
      this.inlining.push(ref);
      try {
        return this.typeOf(target, ref);
      } finally {
        this.inlining.pop();
      }
    }
    return "unknown";
  }

  private declareRef(ref: string): void {
    const name = this.names.get(ref)!;
    if (this.declarations.has(name)) return;
    this.declarations.set(name, "");
    const schema = resolvePointer(this.doc, ref);
    this.declare(name, schema, this.typeOf(schema, ref), true);
  }

  private declare(name: string, schema: unknown, text: string, replace = false): void {
    const doc = this.options.comments ? jsDoc(schema, "") : "";
    const isPlainObject = text.startsWith("{\n") && closes(text) === text.length - 1 && !isAnySchema(schema);
    const decl = isPlainObject ? `${doc}export interface ${name} ${text}\n` : `${doc}export type ${name} = ${text};\n`;
    if (!this.declarations.get(name) || replace) this.declarations.set(name, decl);
    if (!this.order.includes(name)) this.order.push(name);
  }
}

function refOf(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== "object") return undefined;
  const s = schema as Json;
  return typeof s.$ref === "string" && Object.keys(s).length === 1 ? s.$ref : undefined;
}

function escape(name: string): string {
  return pointerJoin("", name).slice(1);
}

/** Where the brace opening `text` closes. */
function closes(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}
