import { describe, expect, it } from "vitest";
import { Rejection } from "../http-errors";
import { parseJsonSafely } from "./json";

const parse = (text: string, maxDepth = 32): unknown => parseJsonSafely(Buffer.from(text, "utf8"), maxDepth);

function bodyError(text: string, maxDepth = 32): { status: number; body: unknown } {
  try {
    parse(text, maxDepth);
  } catch (e) {
    expect(e).toBeInstanceOf(Rejection);
    const { status, body } = (e as Rejection).payload;
    return { status, body: JSON.parse(body!) };
  }
  throw new Error(`expected ${text} to be rejected`);
}

const INVALID = { status: 400, body: { detail: "Invalid request format" } };

describe("parseJsonSafely", () => {
  it("parses ordinary JSON unchanged", () => {
    expect(parse('{"a":1,"b":[true,null,"x"],"c":{"d":"é😀"}}')).toEqual({ a: 1, b: [true, null, "x"], c: { d: "é😀" } });
    expect(parse("42")).toBe(42);
  });

  it.each(['{"a":', "", "{'a':1}", "[1,]", "undefined", '{"a":1}x'])("answers 400 Invalid request format for %j", (text) => {
    expect(bodyError(text)).toMatchObject(INVALID);
  });

  it("answers 400 for invalid UTF-8 instead of replacing the bytes, and keeps a real U+FFFD", () => {
    for (const bytes of [[0x22, 0xff, 0xfe, 0x22], [0x22, 0xc3, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22]]) {
      expect(() => parseJsonSafely(Buffer.from(bytes), 32)).toThrow(Rejection);
    }
    expect(parse('"\uFFFD and �"')).toBe("� and �");
  });

  it("rejects bodies nested deeper than the limit before parsing", () => {
    expect(parse("[[[1]]]", 3)).toEqual([[[1]]]);
    expect(bodyError('[{"a":[1]}]', 2)).toMatchObject({ status: 400, body: { error: "Request body exceeds maximum nesting depth of 2" } });
    // Reported even though the text is not valid JSON: the depth check runs first.
    expect(bodyError("[[[[", 3).body).toEqual({ error: "Request body exceeds maximum nesting depth of 3" });
  });

  it("accepts wide bodies with more brackets than the limit when none nests too deep", () => {
    const wide = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ i, tags: [i] })));
    expect(parse(wide, 3)).toEqual(JSON.parse(wide));
    expect(bodyError(`[${wide}]`, 3).body).toEqual({ error: "Request body exceeds maximum nesting depth of 3" });
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(parse(String.raw`{"a":"[[[[\"{{{{"}`, 2)).toEqual({ a: '[[[["{{{{' });
  });

  it("drops __proto__, constructor and prototype keys at any depth", () => {
    const v = parse('{"__proto__":{"polluted":true},"a":1,"x":{"constructor":{"prototype":{"polluted":true}},"prototype":1,"y":2}}') as Record<string, unknown>;
    expect(v).toEqual({ a: 1, x: { y: 2 } });
    expect(Object.keys(v)).toEqual(["a", "x"]);
    expect(Object.prototype.hasOwnProperty.call(v, "__proto__")).toBe(false);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("keeps those words as values and as parts of other keys", () => {
    expect(parse('{"k":"__proto__","__proto__x":["constructor"],"prototype_id":1}')).toEqual({ k: "__proto__", __proto__x: ["constructor"], prototype_id: 1 });
  });

  it.each([String.raw`"\ud800"`, String.raw`"\uDBFF"`, String.raw`"\udc00"`, String.raw`{"a":"x\ud83dy"}`, String.raw`"\ude00\ud83d"`])("rejects the lone surrogate in %s", (text) => {
    expect(bodyError(text)).toMatchObject(INVALID);
  });

  it("accepts a surrogate pair written as escapes", () => {
    expect(parse(String.raw`"\ud83d\ude00"`)).toBe("😀");
  });

  it("accepts an escaped backslash followed by text that looks like a surrogate escape", () => {
    expect(parse(String.raw`"\\ud800"`)).toBe(String.raw`\ud800`);
  });
});
