import { describe, expect, it } from "vitest";
import { decodeBoolean, decodeInteger, decodeNumber, decodeScalar } from "./decode";

describe("decodeNumber", () => {
  it.each([
    ["42", 42],
    ["+5", 5],
    ["-5", -5],
    ["007", 7],
    ["-0", -0],
    ["1.5", 1.5],
    [".5", 0.5],
    ["-.5", -0.5],
    ["1e3", 1000],
    ["2.5E-1", 0.25],
  ])("decodes %j as %d", (s, n) => {
    expect(decodeNumber(s)).toBe(n);
  });

  it.each(["", " ", " 1", "0x10", "0X1f", "0b101", "0o17", "-0x10", "Infinity", "-Infinity", "1e400", "NaN", "abc", "1,5", "1_000", "5e", "--1"])(
    "keeps %j a string",
    (s) => {
      expect(decodeNumber(s)).toBe(s);
    },
  );

  it("keeps a value with trailing whitespace a string", () => {
    expect(decodeNumber("1 ")).toBe("1 ");
  });
});

describe("decodeInteger", () => {
  it.each([
    ["42", 42],
    ["+7", 7],
    ["-7", -7],
    ["007", 7],
    ["9223372036854775807", 9223372036854775807],
    ["-9223372036854775808", -9223372036854775808],
  ])("decodes the i64 literal %j", (s, n) => {
    expect(decodeInteger(s)).toBe(n);
    expect(decodeScalar("integer", s)).toBe(n);
  });

  it.each(["1e3", "2.0", "1E0", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "", " 1", "0x10", "abc"])(
    "keeps %j, which is no i64 literal, a string",
    (s) => {
      expect(decodeInteger(s)).toBe(s);
    },
  );

  it("reads a hostile 10 000-digit value as out of range, and zero padding as the number", () => {
    expect(decodeInteger("9".repeat(10_000))).toBe("9".repeat(10_000));
    expect(decodeInteger(`${"0".repeat(10_000)}42`)).toBe(42);
  });

  it("decodes a fractional value to its number, for the integer check to reject and echo", () => {
    expect(decodeInteger("42.5")).toBe(42.5);
  });
});

describe("decodeBoolean", () => {
  it.each([
    ["true", true],
    ["True", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["False", false],
    ["FALSE", false],
    ["0", false],
    ["", false],
  ])("decodes %j as %s", (s, b) => {
    expect(decodeBoolean(s)).toBe(b);
  });

  it.each(["yes", "no", "on", "off", "2", "-1", "00", " true", "null"])("keeps %j a string", (s) => {
    expect(decodeBoolean(s)).toBe(s);
  });
});

describe("decodeScalar", () => {
  it("passes string and unknown through, even when they look like other types", () => {
    expect(decodeScalar("string", "42")).toBe("42");
    expect(decodeScalar("unknown", "true")).toBe("true");
  });

  it("decodes integer and number kinds as numbers, leaving integrality to validation", () => {
    expect(decodeScalar("integer", "-12")).toBe(-12);
    expect(decodeScalar("integer", "1.5")).toBe(1.5);
    expect(decodeScalar("integer", "0x10")).toBe("0x10");
    expect(decodeScalar("number", "")).toBe("");
  });

  it("decodes booleans", () => {
    expect(decodeScalar("boolean", "TRUE")).toBe(true);
    expect(decodeScalar("boolean", "yes")).toBe("yes");
  });

  it("decodes signed decimal integers as bigint, beyond Number's precision", () => {
    expect(decodeScalar("bigint", "9007199254740993")).toBe(9007199254740993n);
    expect(decodeScalar("bigint", "-5")).toBe(-5n);
    expect(decodeScalar("bigint", "+7")).toBe(7n);
  });

  it.each(["", "1.5", "1e3", "0x10", " 1", "abc"])("keeps %j a string for bigint", (s) => {
    expect(decodeScalar("bigint", s)).toBe(s);
  });

  it("decodes a valid date and keeps an invalid one as sent", () => {
    const d = decodeScalar("date", "2024-01-02T03:04:05Z");
    expect(d).toBeInstanceOf(Date);
    expect((d as Date).toISOString()).toBe("2024-01-02T03:04:05.000Z");
    expect(decodeScalar("date", "not-a-date")).toBe("not-a-date");
    expect(decodeScalar("date", "")).toBe("");
  });
});
