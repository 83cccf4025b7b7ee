import { describe, expect, it } from "vitest";
import { challenge } from "./challenge";

describe("challenge", () => {
  it("writes the scheme alone, or with quoted parameters", () => {
    expect(challenge("Bearer", {})).toBe("Bearer");
    expect(challenge("Bearer", { realm: "api", error: undefined })).toBe('Bearer realm="api"');
    expect(challenge("Bearer", { realm: "api", error: "invalid_token" })).toBe('Bearer realm="api", error="invalid_token"');
  });

  it("drops what cannot stand in a quoted string instead of letting it end the header", () => {
    expect(challenge("Bearer", { realm: 'a"b\\c\r\nSet-Cookie: x=1\u0000é' })).toBe('Bearer realm="abcSet-Cookie: x=1"');
  });
});
