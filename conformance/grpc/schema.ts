import protobuf from "protobufjs";
import type { ProtoSchema } from "./fixtures";

/** The fixture's schema as one protobufjs Root (field names kept as written: the fixtures use snake_case). */
export function rootFromSchema(schema: ProtoSchema): protobuf.Root {
  const root = new protobuf.Root();
  const pkg = root.define(schema.package);
  for (const e of schema.enums ?? []) pkg.add(new protobuf.Enum(e.name, Object.fromEntries(e.values.map((v) => [v.name, v.number]))));
  for (const m of schema.messages ?? []) {
    const type = new protobuf.Type(m.name);
    for (const f of m.fields) {
      // proto3 has no `required`; `optional` is read as a plain singular field (presence does not change the wire).
      type.add(new protobuf.Field(f.name, f.number, f.type, f.label === "repeated" ? "repeated" : undefined));
    }
    pkg.add(type);
  }
  for (const s of schema.services) {
    const service = new protobuf.Service(s.name);
    for (const m of s.methods) service.add(new protobuf.Method(m.name, "rpc", m.input_type, m.output_type, m.client_streaming, m.server_streaming));
    pkg.add(service);
  }
  root.resolveAll();
  return root;
}

const SHAPE: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true };

/**
 * A message as a receiver sees it after the wire: built from the JSON example, encoded, decoded,
 * defaults filled in (so float32 rounding and proto3 defaults compare equal on both sides).
 */
export function wireShape(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  return decodedShape(type, type.encode(type.fromObject(value)).finish());
}

export function decodedShape(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), SHAPE);
}

const NUMERIC = new Set(["double", "float", "int32", "uint32", "sint32", "fixed32", "sfixed32", "int64", "uint64", "sint64", "fixed64", "sfixed64"]);

/** The first way an example message breaks its own schema (unknown field, wrong JSON type), if any. */
export function exampleProblem(type: protobuf.Type, value: unknown, at: string): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${at} is not an object (message ${type.name})`;
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    if (field === undefined) return `${at}.${key} is not a field of ${type.name}`;
    const where = `${at}.${key}`;
    if (field.repeated) {
      if (!Array.isArray(v)) return `${where} should be a list (repeated ${field.type})`;
      for (let i = 0; i < v.length; i++) {
        const p = valueProblem(field, v[i], `${where}[${i}]`);
        if (p) return p;
      }
    } else {
      const p = valueProblem(field, v, where);
      if (p) return p;
    }
  }
  return undefined;
}

function valueProblem(field: protobuf.Field, v: unknown, at: string): string | undefined {
  if (v === null) return undefined;
  if (NUMERIC.has(field.type)) {
    const ok = typeof v === "number" || (/64$/.test(field.type) && typeof v === "string" && /^-?\d+$/.test(v));
    if (!ok) return `${at} should be a number (${field.type}), is ${JSON.stringify(v)?.slice(0, 40)}`;
    if (typeof v === "number" && !["double", "float"].includes(field.type) && !Number.isInteger(v)) return `${at} should be an integer (${field.type}), is ${v}`;
    return undefined;
  }
  if (field.type === "bool") return typeof v === "boolean" ? undefined : `${at} should be a boolean`;
  if (field.type === "string") return typeof v === "string" ? undefined : `${at} should be a string`;
  if (field.type === "bytes") return typeof v === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v) ? undefined : `${at} should be a base64 string (bytes), is ${JSON.stringify(v)?.slice(0, 40)}`;
  const target = field.resolvedType;
  if (target instanceof protobuf.Enum) {
    return (typeof v === "string" && v in target.values) || (typeof v === "number" && Object.values(target.values).includes(v)) ? undefined : `${at} is not a value of enum ${target.name}: ${JSON.stringify(v)}`;
  }
  if (target instanceof protobuf.Type) return exampleProblem(target, v, at);
  return `${at}: unknown type ${field.type}`;
}
