import ts from "typescript";
import { describe, expect, it } from "vitest";
import { unsupportedCompiler } from "./compiler-version";
import transform from "../dist/transformer/index.js";

// What `require("typescript")` gives when TypeScript 7 is installed: its package's lib/version.cjs.
const TYPESCRIPT_7 = { version: "7.0.2", versionMajorMinor: "7.0" };

describe("the TypeScript the transformer runs on", () => {
  it("runs on the TypeScript it is built with", () => {
    expect(unsupportedCompiler(ts)).toBeUndefined();
  });

  it.each([
    ["TypeScript 7 (the native compiler)", TYPESCRIPT_7, /TypeScript 7\.0\.2 is the native compiler/],
    ["TypeScript 4", { ...ts, version: "4.9.5" }, /not TypeScript 4\.9\.5/],
    ["no compiler API at all", {}, /of unknown version/],
  ])("refuses %s in one line that says which TypeScript to install", (_what, running, reason) => {
    const message = unsupportedCompiler(running)!;
    expect(message).toMatch(reason);
    expect(message).toContain("npm install -D typescript@5.9 ts-patch@3");
    expect(message).not.toContain("\n");
  });

  it("the ts-patch entry throws it before touching the compiler (no \"reading 'LineFeed'\")", () => {
    const program = ts.createProgram([], {});
    let thrown: unknown;
    try {
      transform(program, {}, { addDiagnostic: () => 0, ts: TYPESCRIPT_7 as unknown as typeof ts });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(String((thrown as Error).stack)).toBe((thrown as Error).message);
    expect((thrown as Error).message).toMatch(/^\[spikard\] TypeScript 7\.0\.2 is the native compiler.*npx tspc\.$/);
  });
});
