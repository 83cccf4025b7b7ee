import { describe, expect, it } from "vitest";
import { parseExpected } from "./expected";

const plain = { allowsUndefined: false, nullable: false };

describe("parseExpected", () => {
  it("reads an unparenthesised failed tag", () => {
    expect(parseExpected("string & MinLength<3>")).toEqual({ base: "string", tag: { name: "MinLength", args: [3] }, ...plain });
    expect(parseExpected("Array<string> & MinItems<2>")).toEqual({ base: "array", tag: { name: "MinItems", args: [2] }, ...plain });
  });

  it("reads a parenthesised type as a wrong type, with no tag", () => {
    expect(parseExpected("(string & MinLength<3> & MaxLength<5>)")).toEqual({ base: "string", ...plain });
  });

  it("reads an int Type tag as base integer", () => {
    expect(parseExpected('(number & Type<"int32">)')).toEqual({ base: "integer", ...plain });
    expect(parseExpected('number & Type<"uint64">')).toEqual({ base: "integer", tag: { name: "Type", args: ["uint64"] }, ...plain });
    expect(parseExpected('(number & Type<"float">)')).toEqual({ base: "number", ...plain });
  });

  it("reads a union of literals as an enum", () => {
    expect(parseExpected('("a" | "b")')).toEqual({ base: "string", literals: ["a", "b"], ...plain });
    expect(parseExpected("(1 | 2.5 | -3)")).toEqual({ base: "number", literals: [1, 2.5, -3], ...plain });
    expect(parseExpected('("x" | undefined)')).toEqual({ base: "string", literals: ["x"], allowsUndefined: true, nullable: false });
  });

  it("reads a single literal", () => {
    expect(parseExpected('"only"')).toEqual({ base: "string", literals: ["only"], ...plain });
  });

  it("reads null and undefined members as flags", () => {
    expect(parseExpected("(null | number | undefined)")).toEqual({ base: "number", allowsUndefined: true, nullable: true });
    expect(parseExpected("((string & Format<\"email\">) | null)")).toEqual({ base: "string", allowsUndefined: false, nullable: true });
    expect(parseExpected("undefined")).toEqual({ base: "undefined", allowsUndefined: true, nullable: false });
    expect(parseExpected("null")).toEqual({ base: "null", allowsUndefined: false, nullable: true });
  });

  it("reads a pattern with escaped backslashes and quotes", () => {
    expect(parseExpected(String.raw`string & Pattern<"^[a-z]+\\.x$">`).tag).toEqual({ name: "Pattern", args: [String.raw`^[a-z]+\.x$`] });
    expect(parseExpected(String.raw`string & Pattern<"say \"hi\"">`).tag).toEqual({ name: "Pattern", args: ['say "hi"'] });
  });

  it("does not split on separators, brackets or parentheses inside a quoted pattern", () => {
    expect(parseExpected('string & Pattern<"^(a | b) & <c>$">')).toEqual({ base: "string", tag: { name: "Pattern", args: ["^(a | b) & <c>$"] }, ...plain });
    expect(parseExpected('(string & Pattern<"^(x))$">)')).toEqual({ base: "string", ...plain });
  });

  it("counts the alternatives of a union of object types", () => {
    expect(parseExpected("(Cat | Dog)")).toEqual({ base: "union", alternatives: 2, ...plain });
    expect(parseExpected("(Cat | Dog | Bird | null)")).toEqual({ base: "union", alternatives: 3, allowsUndefined: false, nullable: true });
  });

  it.each([
    ["Cat", "object"],
    ["{ a: string }", "object"],
    ["Date", "date"],
    ["boolean", "boolean"],
    ["bigint", "bigint"],
    ["string[]", "array"],
    ["Array<Cat>", "array"],
    ["[string, number]", "array"],
    ["`user-${string}`", "string"],
  ])("normalises %j to base %s", (text, base) => {
    expect(parseExpected(text).base).toBe(base);
  });

  it("reads multi-argument tags with literal and non-literal arguments", () => {
    expect(parseExpected('string & Rule<"check", "{input} is bad">').tag).toEqual({ name: "Rule", args: ["check", "{input} is bad"] });
    expect(parseExpected("number & Custom<true, Foo>").tag).toEqual({ name: "Custom", args: [true, "Foo"] });
  });
});
