import type { ValidateFunction } from "ajv";
import { rebaseRefs, toJsonSchema2020 } from "./dialect";
import type { Json } from "./load";

const BASE = "urn:spikard:spec";

/**
 * Checks example values against the spec's schemas (ajv, JSON Schema 2020-12
 * with formats), so a handler returns an example and a test sends one only
 * when it is what the schema says. The spec's components are registered once;
 * compiled checks are kept per schema.
 */
export class SchemaCheck {
  private readonly ajv: import("ajv").default;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(doc: Json) {
    // Loaded on first use: only the generators need them.
    const Ajv2020 = (require("ajv/dist/2020") as { default: typeof import("ajv").default }).default;
    const addFormats = (require("ajv-formats") as { default: (a: unknown) => void }).default;
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true, logger: false, unicodeRegExp: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: BASE, components: toJsonSchema2020Map((doc.components as Json | undefined) ?? {}) });
  }

  /** Undefined when `value` satisfies `schema`, else the first reason. */
  problem(value: unknown, schema: unknown): string | undefined {
    const key = JSON.stringify(schema) ?? "true";
    let check = this.compiled.get(key);
    if (check === undefined) {
      try {
        check = this.ajv.compile(rebaseRefs(toJsonSchema2020(schema ?? true), BASE) as Json);
      } catch {
        check = null;
      }
      this.compiled.set(key, check);
    }
    if (check === null) return undefined;
    if (check(value)) return undefined;
    const e = check.errors?.[0];
    return e ? `${e.instancePath || "/"} ${e.message ?? "is invalid"}` : "is invalid";
  }
}

function toJsonSchema2020Map(components: Json): Json {
  const out: Json = {};
  for (const [kind, entries] of Object.entries(components)) {
    if (entries === null || typeof entries !== "object") continue;
    out[kind] = kind === "schemas" ? Object.fromEntries(Object.entries(entries as Json).map(([k, v]) => [k, toJsonSchema2020(v)])) : entries;
  }
  return out;
}
