import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileWithTransformer } from "./support/transform-in-memory";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "test-error");

const compile = (file: string): string[] => compileWithTransformer(file).diagnostics;

const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".ts"));

describe("compile-time diagnostics (test-error/)", () => {
  it("has fixtures", () => expect(files.length).toBeGreaterThanOrEqual(8));

  it.each(files)("%s fails to compile with its expected diagnostic", (name) => {
    const file = path.join(DIR, name);
    const expectation = /^\/\/ expect: (SPK\d{3}) (.+)$/m.exec(fs.readFileSync(file, "utf8"));
    expect(expectation, "fixture declares `// expect: SPKnnn text`").not.toBeNull();
    const [, code, text] = expectation!;
    const messages = compile(file);
    expect(messages.some((m) => m.includes(`[spikard ${code}]`) && m.includes(text!)), messages.join("\n")).toBe(true);
  });
});
