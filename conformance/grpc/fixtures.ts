import fs from "node:fs";
import path from "node:path";

/** A gRPC fixture of Spikard's suite (protobuf/ and protobuf/streaming/*; format: streaming/schema.json). */
export interface GrpcFixture {
  /** `protobuf/streaming/server/20_empty_stream.json` */
  id: string;
  category: string;
  file: string;
  data: GrpcFixtureData;
}

export interface ProtoField { name: string; type: string; number: number; label?: "required" | "optional" | "repeated" }
export interface ProtoSchema {
  package: string;
  messages?: Array<{ name: string; fields: ProtoField[] }>;
  enums?: Array<{ name: string; values: Array<{ name: string; number: number }> }>;
  services: Array<{ name: string; methods: Array<{ name: string; input_type: string; output_type: string; client_streaming: boolean; server_streaming: boolean }> }>;
}

export interface GrpcFixtureData {
  name?: string;
  protobuf: ProtoSchema;
  handler: { service: string; method: string; timeout_ms?: number; middleware?: Record<string, any>; protobuf?: { metadata?: { compression?: string; required_headers?: string[] } } };
  request: { metadata?: Record<string, string>; message?: Record<string, unknown>; stream?: Array<Record<string, unknown>>; stream_generator?: string; stream_size?: number };
  expected_response: {
    status_code: string;
    message?: Record<string, unknown> | string;
    stream?: Array<Record<string, unknown>>;
    stream_count?: number;
    stream_sample?: Array<Record<string, unknown>>;
    metadata?: Record<string, string>;
    error?: { code?: string | number; message?: string };
    error_message?: string;
    protobuf?: { metadata?: Record<string, string>; trailers?: Record<string, string>; error_message?: string };
  };
  [key: string]: unknown;
}

/** Every gRPC fixture under `dir/protobuf`, sorted by id. */
export function loadGrpcFixtures(dir: string): GrpcFixture[] {
  const base = path.join(dir, "protobuf");
  if (!fs.existsSync(base)) return [];
  const out: GrpcFixture[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(base, rel)).sort()) {
      const relPath = rel === "" ? name : `${rel}/${name}`;
      const full = path.join(base, relPath);
      if (fs.statSync(full).isDirectory()) {
        walk(relPath);
        continue;
      }
      if (!name.endsWith(".json") || name === "schema.json") continue;
      let data: unknown;
      try {
        data = JSON.parse(fs.readFileSync(full, "utf8"));
      } catch {
        continue;
      }
      if (!isGrpcFixture(data)) continue;
      out.push({ id: `protobuf/${relPath}`, category: rel === "" ? "protobuf" : `protobuf/${rel}`, file: name, data });
    }
  };
  walk("");
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function isGrpcFixture(d: unknown): d is GrpcFixtureData {
  const f = d as GrpcFixtureData;
  return typeof f === "object" && f !== null && typeof f.protobuf === "object" && typeof f.handler?.service === "string" && typeof f.expected_response?.status_code === "string";
}
