import fs from "node:fs";
import path from "node:path";
import { toYaml } from "./yaml";

/** Writes the document as JSON, or YAML when the file name ends in .yaml/.yml. */
export function writeOpenApiFile(file: string, doc: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, /\.ya?ml$/.test(file) ? toYaml(doc) : `${JSON.stringify(doc, null, 2)}\n`);
}
