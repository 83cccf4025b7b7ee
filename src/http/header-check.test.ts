import { describe, expect, it } from "vitest";
import { checkHeader } from "./header-check";

describe("checkHeader", () => {
  it("refuses CR, LF and NUL in values and names that are not tokens", () => {
    expect(() => checkHeader("location", "/a\r\nSet-Cookie: x=1")).toThrow(/INVALID_HEADER|CR, LF or NUL/);
    expect(() => checkHeader("x-a", "b\nc")).toThrow();
    expect(() => checkHeader("x-a", "b\u0000c")).toThrow();
    expect(() => checkHeader("bad name", "v")).toThrow(/name/);
    expect(() => checkHeader("", "v")).toThrow(/name/);
  });
  it("accepts ordinary names and values, tabs and obs-text included", () => {
    expect(() => checkHeader("X-Frame-Options", "DENY")).not.toThrow();
    expect(() => checkHeader("x", "a\tb é")).not.toThrow();
  });
});
