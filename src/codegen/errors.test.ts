import { describe, expect, it } from "vitest";
import { CODEGEN_ERRORS, CodegenError, formatProblems, type CodegenErrorCode } from "./errors";

const codes = Object.keys(CODEGEN_ERRORS) as CodegenErrorCode[];

describe("CODEGEN_ERRORS", () => {
  it("has the expected number of codes (update this count deliberately)", () => {
    expect(codes).toHaveLength(9);
  });

  it.each(codes)("%s: the error's code is its key and its message is filled in", (code) => {
    const e = new CodegenError(code, ["ARG1", "ARG2"]);
    expect(e.name).toBe("CodegenError");
    expect(e.code).toBe(code);
    expect(e.message).not.toContain("%s");
    if (CODEGEN_ERRORS[code].includes("%s")) expect(e.message).toContain("ARG1");
  });

  it("carries the problems, printed pointer first", () => {
    const problems = [{ pointer: "#/paths/~1a/get", message: "no" }];
    expect(new CodegenError("SPEC_UNSUPPORTED", ["x.yaml", formatProblems(problems)], problems).message).toBe("Cannot generate an app from x.yaml; change the spec where each problem points:\n  #/paths/~1a/get: no");
  });
});
