import { describe, expect, it } from "vitest";
import { FormParseError, parseUrlEncoded } from "./urlencoded";

function parseError(body: string): FormParseError {
  try {
    parseUrlEncoded(body);
  } catch (e) {
    expect(e).toBeInstanceOf(FormParseError);
    return e as FormParseError;
  }
  throw new Error(`expected ${body} to be rejected`);
}

describe("parseUrlEncoded", () => {
  it("returns an empty null-prototype object for an empty body", () => {
    const form = parseUrlEncoded("");
    expect(form).toEqual({});
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(parseUrlEncoded("&&")).toEqual({});
  });

  it("reads flat pairs, decoding `+` and escapes, and keys without `=` as empty", () => {
    expect(parseUrlEncoded("full+name=Ada+L%C3%B6&flag&e=a%3Db")).toEqual({ "full name": "Ada Lö", flag: "", e: "a=b" });
  });

  it("turns repeated keys into arrays", () => {
    expect(parseUrlEncoded("a=1&a=2&a=3")).toEqual({ a: ["1", "2", "3"] });
  });

  it("appends with a[]=", () => {
    expect(parseUrlEncoded("a[]=1&a[]=2&b[]=x")).toEqual({ a: ["1", "2"], b: ["x"] });
  });

  it("reads percent-encoded brackets as brackets", () => {
    expect(parseUrlEncoded("a%5B%5D=1&a%5B%5D=2")).toEqual({ a: ["1", "2"] });
  });

  it("indexes with a[0]=, a[1]=", () => {
    expect(parseUrlEncoded("a[0]=x&a[1]=y")).toEqual({ a: ["x", "y"] });
    expect(parseUrlEncoded("a[0]=x&a[0]=y")).toEqual({ a: ["y"] });
  });

  it("rejects a hole in the indices", () => {
    expect(parseError("a[0]=x&a[2]=y").message).toBe("missing index, expected: 1 got 2");
    expect(parseError("a[1]=x").message).toBe("missing index, expected: 0 got 1");
  });

  it("nests objects with a[b][c]=", () => {
    expect(parseUrlEncoded("a[b][c]=1&a[b][d]=2&a[e]=3")).toEqual({ a: { b: { c: "1", d: "2" }, e: "3" } });
  });

  it("builds arrays of objects by index or by a[][b]=", () => {
    expect(parseUrlEncoded("p[0][name]=x&p[0][age]=2&p[1][name]=y")).toEqual({ p: [{ name: "x", age: "2" }, { name: "y" }] });
    expect(parseUrlEncoded("p[][n]=1&p[][n]=2")).toEqual({ p: [{ n: "1" }, { n: "2" }] });
  });

  it("treats keys that are not bracket paths as plain keys", () => {
    expect(parseUrlEncoded("a[b=1&[x]=2&c]=3")).toEqual({ "a[b": "1", "[x]": "2", "c]": "3" });
  });

  it("allows ten levels of nesting and rejects eleven", () => {
    const ten = `a${"[k]".repeat(10)}=v`;
    let leaf: unknown = parseUrlEncoded(ten)["a"];
    for (let i = 0; i < 10; i++) leaf = (leaf as Record<string, unknown>)["k"];
    expect(leaf).toBe("v");
    const eleven = `a${"[k]".repeat(11)}`;
    expect(parseError(`${eleven}=v`).message).toBe(`key ${JSON.stringify(eleven)} nests deeper than 10 levels`);
  });

  it("ignores keys that reach __proto__, constructor or prototype", () => {
    const form = parseUrlEncoded("__proto__[polluted]=1&a[__proto__][polluted]=1&constructor[prototype][polluted]=1&b[constructor]=1&prototype=1&ok=1");
    expect(form).toEqual({ ok: "1" });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });
});
