import RandExp from "randexp";
import type { JsonSchema } from "./to-typescript";

/**
 * A value that satisfies a schema, for the requests generated tests send
 * when the spec has no example: deterministic (the same schema gives the
 * same value, so regenerated tests are byte-identical), and minimal (only
 * required properties, the fewest items allowed).
 */
export function sampleValue(schema: unknown, resolve: (ref: string) => unknown, seed = 1): unknown {
  return new Sampler(resolve, seed).value(schema, 0);
}

/** A file part in a sample multipart body (`format: binary`). */
export const SAMPLE_FILE = Object.freeze({ __file: "sample.txt" });

const FORMAT_SAMPLES: Record<string, string> = {
  uuid: "550e8400-e29b-41d4-a716-446655440000",
  email: "user@example.com",
  "idn-email": "user@example.com",
  "date-time": "2024-01-15T10:30:00Z",
  date: "2024-01-15",
  time: "10:30:00Z",
  duration: "P1D",
  uri: "https://example.com/resource",
  url: "https://example.com/resource",
  iri: "https://example.com/resource",
  "uri-reference": "/resource",
  "iri-reference": "/resource",
  "uri-template": "/resource/{id}",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  byte: "c3Bpa2FyZA==",
  password: "correct-horse-battery",
  regex: "^[a-z]+$",
  "json-pointer": "/a/b",
  "relative-json-pointer": "0/a",
};

const MAX_DEPTH = 12;

class Sampler {
  private state: number;

  constructor(
    private readonly resolve: (ref: string) => unknown,
    seed: number,
  ) {
    this.state = seed;
  }

  /** A small deterministic PRNG (mulberry32) for pattern samples. */
  private next(): number {
    let t = (this.state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  value(schema: unknown, depth: number, variant = 0): unknown {
    if (schema === undefined || schema === true || schema === null || typeof schema !== "object") return "value";
    const s = schema as JsonSchema;
    if (depth > MAX_DEPTH) return null;
    if (typeof s.$ref === "string") {
      const { $ref, ...siblings } = s;
      const target = this.resolve($ref);
      return Object.keys(siblings).length === 0 ? this.value(target, depth + 1, variant) : this.value({ allOf: [target, siblings] }, depth + 1, variant);
    }
    if ("const" in s) return s.const;
    if (Array.isArray(s.enum)) {
      const values = (s.enum as unknown[]).filter((v) => v !== null);
      return values.length === 0 ? null : values[variant % values.length];
    }
    if (Array.isArray(s.allOf)) {
      const { allOf, ...base } = s;
      const members = Object.keys(base).some((k) => k === "type" || k === "properties" || k === "required") ? [base, ...(allOf as unknown[])] : (allOf as unknown[]);
      const parts = members.map((x) => this.value(x, depth + 1, variant));
      if (parts.every((p) => p !== null && typeof p === "object" && !Array.isArray(p))) return Object.assign({}, ...(parts as object[]));
      return parts[parts.length - 1];
    }
    const branches = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
    if (Array.isArray(branches) && branches.length > 0) {
      const { oneOf: _o, anyOf: _a, discriminator, ...base } = s;
      const pick = branches.find((b) => !(typeof b === "object" && b !== null && (b as JsonSchema).type === "null")) ?? branches[0];
      const merged = Object.keys(base).some((k) => k === "properties" || k === "required" || k === "type") ? { allOf: [base, pick] } : pick;
      const out = this.value(merged, depth + 1, variant);
      const d = discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
      const ref = typeof (pick as JsonSchema)?.$ref === "string" ? ((pick as JsonSchema).$ref as string) : undefined;
      if (d?.propertyName && ref && out !== null && typeof out === "object") {
        const key = Object.entries(d.mapping ?? {}).find(([, t]) => t === ref || t === ref.split("/").pop())?.[0] ?? ref.split("/").pop();
        (out as Record<string, unknown>)[d.propertyName] = key;
      }
      return out;
    }
    const type = Array.isArray(s.type) ? ((s.type as string[]).find((t) => t !== "null") ?? "null") : s.type;
    switch (type) {
      case "string":
        return this.string(s, variant);
      case "integer":
        return this.number(s, true, variant);
      case "number":
        return this.number(s, false, variant);
      case "boolean":
        return variant % 2 === 0;
      case "null":
        return null;
      case "array":
        return this.array(s, depth, variant);
      case "object":
        return this.object(s, depth, variant);
      default:
        if (s.properties !== undefined || s.required !== undefined) return this.object(s, depth, variant);
        if (s.items !== undefined) return this.array(s, depth, variant);
        if ("default" in s) return s.default;
        return "value";
    }
  }

  private string(s: JsonSchema, variant: number): unknown {
    if (s.format === "binary") return SAMPLE_FILE;
    const min = typeof s.minLength === "number" ? s.minLength : 0;
    const max = typeof s.maxLength === "number" ? s.maxLength : Infinity;
    if (typeof s.pattern === "string") {
      let re: RegExp;
      try {
        re = new RegExp(s.pattern, "u");
      } catch {
        return "value";
      }
      for (let attempt = 0; attempt < 50; attempt++) {
        const r = new RandExp(re);
        r.max = Math.max(3, Math.min(min + 2, 64));
        r.randInt = (a: number, b: number) => a + Math.floor(this.next() * (b - a + 1));
        const v = r.gen();
        if (v.length >= min && v.length <= max && re.test(v)) return v;
      }
      return "value";
    }
    const base = typeof s.format === "string" && FORMAT_SAMPLES[s.format] !== undefined ? FORMAT_SAMPLES[s.format]! : variant === 0 ? "value" : `value${variant}`;
    if (typeof s.format === "string" && FORMAT_SAMPLES[s.format] !== undefined) return base;
    let v = base;
    if (v.length < min) v = v + "a".repeat(min - v.length);
    if (v.length > max) v = v.slice(0, max);
    return v;
  }

  private number(s: JsonSchema, integer: boolean, variant: number): number {
    const multiple = typeof s.multipleOf === "number" && s.multipleOf > 0 ? s.multipleOf : undefined;
    const step = multiple ?? 1;
    let lo = -Infinity;
    let hi = Infinity;
    if (typeof s.minimum === "number") lo = s.exclusiveMinimum === true ? s.minimum + (integer ? 1 : step / 2) : s.minimum;
    if (typeof s.maximum === "number") hi = s.exclusiveMaximum === true ? s.maximum - (integer ? 1 : step / 2) : s.maximum;
    if (typeof s.exclusiveMinimum === "number") lo = Math.max(lo, s.exclusiveMinimum + (integer ? 1 : step / 2));
    if (typeof s.exclusiveMaximum === "number") hi = Math.min(hi, s.exclusiveMaximum - (integer ? 1 : step / 2));
    let v = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? Math.min(hi, 1) : 1;
    v += variant;
    if (v > hi) v = hi;
    if (multiple !== undefined || integer) {
      v = Math.ceil(v / step - 1e-9) * step;
      if (v > hi) v = Math.floor(hi / step + 1e-9) * step;
    }
    if (integer) v = Math.round(v);
    return Number(v.toPrecision(12));
  }

  private array(s: JsonSchema, depth: number, variant: number): unknown[] {
    const min = typeof s.minItems === "number" ? s.minItems : 1;
    const max = typeof s.maxItems === "number" ? s.maxItems : Infinity;
    const count = Math.min(Math.max(min, 1), max);
    if (Array.isArray(s.prefixItems)) return (s.prefixItems as unknown[]).map((x) => this.value(x, depth + 1, variant));
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(this.value(s.items, depth + 1, variant + i));
    return out;
  }

  private object(s: JsonSchema, depth: number, variant: number): Record<string, unknown> {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    const out: Record<string, unknown> = {};
    for (const k of required) out[k] = this.value(props[k], depth + 1, variant);
    const minProps = typeof s.minProperties === "number" ? s.minProperties : 0;
    for (const k of Object.keys(props)) {
      if (Object.keys(out).length >= minProps) break;
      if (!(k in out)) out[k] = this.value(props[k], depth + 1, variant);
    }
    return out;
  }
}
