import fs from "node:fs";
import path from "node:path";

/** One fixture file, as Spikard's shared suite writes it (format: 00-FIXTURE-SCHEMA.json). */
export interface Fixture {
  /** `category/file.json` */
  id: string;
  category: string;
  file: string;
  data: FixtureData;
}

export interface FixtureData {
  name?: string;
  handler?: Record<string, any>;
  request: Record<string, any>;
  expected_response: Record<string, any>;
  [key: string]: unknown;
}

/** Every fixture file under `dir` (category folders), sorted; schema files and non-fixtures are left out. */
export function loadFixtures(dir: string): Fixture[] {
  const out: Fixture[] = [];
  for (const category of fs.readdirSync(dir).sort()) {
    const catDir = path.join(dir, category);
    if (!fs.statSync(catDir).isDirectory()) continue;
    for (const file of fs.readdirSync(catDir).sort()) {
      if (!file.endsWith(".json") || file === "schema.json") continue;
      let data: unknown;
      try {
        data = JSON.parse(fs.readFileSync(path.join(catDir, file), "utf8"));
      } catch {
        continue;
      }
      if (!isHttpFixture(data)) continue;
      out.push({ id: `${category}/${file}`, category, file, data });
    }
  }
  return out;
}

/** An HTTP fixture: a request with a method and path, and an integer expected status (gRPC ones use strings). */
export function isHttpFixture(d: unknown): d is FixtureData {
  if (d === null || typeof d !== "object") return false;
  const f = d as FixtureData;
  if (typeof f.request !== "object" || f.request === null || typeof f.expected_response !== "object" || f.expected_response === null) return false;
  if (typeof f.expected_response.status_code !== "number") return false;
  if (f.handler !== undefined && (f.handler.service !== undefined || f.handler.protobuf !== undefined)) return false;
  return typeof f.request.method === "string" && typeof f.request.path === "string";
}

export interface SkipEntry {
  id: string;
  reason: string;
}

/** The project's list of fixtures that exercise another binding's idioms. */
export function loadSkipList(file: string): Map<string, string> {
  const entries = JSON.parse(fs.readFileSync(file, "utf8")) as SkipEntry[];
  return new Map(entries.map((e) => [e.id, e.reason]));
}
