import fs from "node:fs";
import path from "node:path";
import { CodegenError } from "../errors";

export type Json = Record<string, unknown>;

/** A parsed OpenAPI 3.x document, with where it came from and its dialect. */
export interface LoadedSpec {
  file: string;
  doc: Json;
  /** "3.0" (nullable, boolean exclusive bounds) or "3.1" (JSON Schema 2020-12). */
  version: "3.0" | "3.1";
}

/** Reads an OpenAPI 3.0/3.1 document from JSON or YAML. */
export function loadSpec(file: string): LoadedSpec {
  return parseSpec(readSpecText(file), file);
}

export function readSpecText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new CodegenError("SPEC_UNREADABLE", [file, (err as Error).message]);
  }
}

export function parseSpec(text: string, file: string): LoadedSpec {
  const doc = parseDocument(text, file, "SPEC_VERSION");
  const version = (doc as Json).openapi;
  if (typeof version !== "string" || !/^3\.[01]\.\d+/.test(version)) {
    const said = typeof (doc as Json).swagger === "string" ? `swagger: ${(doc as Json).swagger}` : typeof version === "string" ? `openapi: ${version}` : "no `openapi` field";
    throw new CodegenError("SPEC_VERSION", [path.basename(file), said]);
  }
  return { file, doc: doc as Json, version: version.startsWith("3.0") ? "3.0" : "3.1" };
}

/** The text of a spec as an object: JSON when the file says .json, else YAML (of which JSON is a subset). */
export function parseDocument(text: string, file: string, notAnObject: "SPEC_VERSION" | "ASYNCAPI_VERSION"): Json {
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(text) : (require("yaml") as typeof import("yaml")).parse(text, { maxAliasCount: 1000 });
  } catch (err) {
    throw new CodegenError("SPEC_UNREADABLE", [file, (err as Error).message.split("\n")[0]!]);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new CodegenError(notAnObject, [path.basename(file), "the file is not an object"]);
  return doc as Json;
}
