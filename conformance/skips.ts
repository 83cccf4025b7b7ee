import fs from "node:fs";
import path from "node:path";
import type { Fixture } from "../src/codegen/fixtures/fixtures";

/**
 * Fixtures that exercise another binding's idioms, with the reason, from
 * skips.json: explicit fixture ids, and rules on fixture fields (so the same
 * idiom in fixtures we have not seen is recognised too).
 */
interface SkipFile {
  rules: Array<{ field: string; in: unknown[]; reason: string }>;
  fixtures: Record<string, string>;
}

const file = path.resolve(__dirname, "..", "..", "conformance", "skips.json");
const skips = JSON.parse(fs.readFileSync(file, "utf8")) as SkipFile;

export function skipReason(f: Fixture): string | undefined {
  const explicit = skips.fixtures[f.id];
  if (explicit) return explicit;
  for (const rule of skips.rules) {
    const value = rule.field.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], f.data);
    if (rule.in.includes(value)) return rule.reason;
  }
  return undefined;
}

/** A fixture listed by id (the channel fixtures have no handler fields for rules to read). */
export function skipReasonOf(id: string): string | undefined {
  return skips.fixtures[id];
}
