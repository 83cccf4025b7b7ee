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
  ])("refuses %s in one line that says what to do instead: spikard gen, or TypeScript 5.9 with tspc", (_what, running, reason) => {
    const message = unsupportedCompiler(running)!;
    expect(message).toMatch(reason);
    expect(message).toContain("npx spikard gen");
    expect(message).toContain("npm install -D typescript@5.9 ts-patch@3");
    expect(message).not.toContain("\n");
  });

  it("runs on TypeScript 6's compiler API (ts-patch 4 hands it over)", () => {
    expect(unsupportedCompiler({ ...ts, version: "6.0.3" })).toBeUndefined();
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
    expect((thrown as Error).message).toMatch(/^\[spikard\] TypeScript 7\.0\.2 is the native compiler.*npx spikard gen.*ts-patch@3\)\.$/);
  });
});
