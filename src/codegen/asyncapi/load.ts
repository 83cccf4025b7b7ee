import path from "node:path";
import { CodegenError } from "../errors";
import { parseDocument, readSpecText, type Json } from "../openapi/load";

/** A parsed AsyncAPI 3.0 document, with where it came from. */
export interface LoadedAsyncApi {
  file: string;
  doc: Json;
}

/** Reads an AsyncAPI 3.0 document from JSON or YAML. */
export function loadAsyncApi(file: string): LoadedAsyncApi {
  return parseAsyncApi(readSpecText(file), file);
}

export function parseAsyncApi(text: string, file: string): LoadedAsyncApi {
  const doc = parseDocument(text, file, "ASYNCAPI_VERSION");
  const version = doc.asyncapi;
  if (typeof version !== "string" || !/^3\.\d+\.\d+/.test(version)) {
    const said = typeof version === "string" ? `asyncapi: ${version}` : typeof doc.openapi === "string" ? `openapi: ${doc.openapi} (use spikard generate openapi)` : "no `asyncapi` field";
    throw new CodegenError("ASYNCAPI_VERSION", [path.basename(file), said]);
  }
  return { file, doc };
}
