import { describe, expect, it } from "vitest";
import { coerceForm } from "./shape";

describe("coerceForm", () => {
  it("returns the value unchanged without a shape", () => {
    const v = { a: "1" };
    expect(coerceForm(v, undefined)).toBe(v);
  });

  it("decodes a scalar {k} and each string of an array", () => {
    expect(coerceForm("5", { k: "integer" })).toBe(5);
    expect(coerceForm("x", { k: "integer" })).toBe("x");
    // A form number is a JSON number, where 2.0 and 1e3 are integers (a query integer must be an i64 literal).
    expect(coerceForm("2.0", { k: "integer" })).toBe(2);
    expect(coerceForm("1e3", { k: "integer" })).toBe(1000);
    expect(coerceForm(["1", "0", "x"], { k: "boolean" })).toEqual([true, false, "x"]);
    expect(coerceForm("5", { k: "string" })).toBe("5");
  });

  it("leaves a non-string value under {k} alone", () => {
    const nested = { x: "1" };
    expect(coerceForm(nested, { k: "number" })).toBe(nested);
  });

  it("wraps a single value in an array for {a} and decodes each item", () => {
    expect(coerceForm("1.5", { a: { k: "number" } })).toEqual([1.5]);
    expect(coerceForm(["1", "x"], { a: { k: "integer" } })).toEqual([1, "x"]);
  });

  it("decodes declared fields of {o} and keeps undeclared fields as strings", () => {
    const shape = { o: { age: { k: "integer" as const }, active: { k: "boolean" as const }, tags: { a: { k: "integer" as const } }, addr: { o: { zip: { k: "integer" as const } } } } };
    expect(coerceForm({ age: "3", active: "", tags: "7", addr: { zip: "01234", city: "X" }, extra: "9" }, shape)).toEqual({
      age: 3,
      active: false,
      tags: [7],
      addr: { zip: 1234, city: "X" },
      extra: "9",
    });
  });

  it("leaves a non-object value under {o} alone", () => {
    const list = ["1"];
    expect(coerceForm("3", { o: {} })).toBe("3");
    expect(coerceForm(list, { o: {} })).toBe(list);
    expect(coerceForm(null, { o: {} })).toBeNull();
  });

  it("leaves a file {f} alone", () => {
    const file = { filename: "a.txt" };
    expect(coerceForm(file, { f: {} })).toBe(file);
  });
});
