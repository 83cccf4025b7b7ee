import { describe, expect, it } from "vitest";
import { isPlausibleId } from "./index";

describe("isPlausibleId", () => {
  it.each(["abc-1", "0f8fad5b-d9cb-469f-a165-70867728950e", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "a", "~!#$%&'*+.^_`|", "x".repeat(128)])("keeps %j", (id) => {
    expect(isPlausibleId(id, 128)).toBe(true);
  });

  it.each(["", "x".repeat(129), "a b", "a\tb", "a\r\nSet-Cookie: x=1", "a\u0000", "\u007f", "caf\u00e9", "id\u2028", "\ud83d\ude00"])("replaces %j", (id) => {
    expect(isPlausibleId(id, 128)).toBe(false);
  });
});
