import { describe, expect, it } from "vitest";
import { TRANSFORMER_ERRORS, TransformerError, type TransformerErrorCode } from "./TransformerError";

const codes = Object.keys(TRANSFORMER_ERRORS) as TransformerErrorCode[];
/** A message says how to fix the problem: it contains an imperative. */
const HOW_TO_FIX = /\b(Use|Add|Annotate|Register|Give|Mark|Pass|Return|Move|Break|Rename|combine)\b/;

describe("TRANSFORMER_ERRORS", () => {
  it("numbers its codes SPK001.. without gaps (update the count deliberately)", () => {
    expect(codes).toHaveLength(23);
    expect(codes).toEqual(codes.map((_, i) => `SPK${String(i + 1).padStart(3, "0")}`));
  });

  it.each(codes)("%s: the error's code is its key and every placeholder is filled", (code) => {
    const template: string = TRANSFORMER_ERRORS[code];
    const args = Array.from({ length: template.split("%s").length - 1 }, (_, i) => `ARG${i}`);
    const e = new TransformerError(code, ...args);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("TransformerError");
    expect(e.code).toBe(code);
    expect(e.message).not.toContain("%s");
    for (const a of args) expect(e.message).toContain(a);
  });

  it.each(codes)("%s says how to fix the problem", (code) => {
    const template: string = TRANSFORMER_ERRORS[code];
    expect(template === "%s" || HOW_TO_FIX.test(template)).toBe(true);
  });
});
