import { describe, expect, it } from "vitest";
import { decodeComponent, parseCookies, parseQuery, scanQuery } from "./request";

describe("parseQuery", () => {
  it("returns an empty null-prototype record for an empty string", () => {
    const q = parseQuery("");
    expect(q).toEqual({});
    expect(Object.getPrototypeOf(q)).toBeNull();
  });

  it("reads single keys as strings and repeated keys as arrays in order", () => {
    expect(parseQuery("a=1&b=2&a=3&a=4")).toEqual({ a: ["1", "3", "4"], b: "2" });
  });

  it("reads empty values and keys without `=` as empty strings", () => {
    expect(parseQuery("a=&b&c=3")).toEqual({ a: "", b: "", c: "3" });
    expect(parseQuery("flag&flag=x")).toEqual({ flag: ["", "x"] });
  });

  it("splits only on the first `=`", () => {
    expect(parseQuery("expr=a=b")).toEqual({ expr: "a=b" });
  });

  it("skips empty pairs", () => {
    expect(parseQuery("&&a=1&&")).toEqual({ a: "1" });
  });

  it("decodes `+` and percent-escapes in keys and values", () => {
    expect(parseQuery("full+name=Ada+Lovelace&x%5B%5D=a%26b%3Dc%2B")).toEqual({ "full name": "Ada Lovelace", "x[]": "a&b=c+" });
    expect(parseQuery("city=caf%C3%A9")).toEqual({ city: "café" });
  });

  it("keeps malformed escapes as written", () => {
    expect(parseQuery("a=%zz&b=100%&c=%4")).toEqual({ a: "%zz", b: "100%", c: "%4" });
    expect(parseQuery("a=%41%zz")).toEqual({ a: "A%zz" });
  });

  it("decodes valid UTF-8 escapes next to a malformed one", () => {
    expect(parseQuery("a=%C3%A9%zz")).toEqual({ a: "é%zz" });
  });

  it("stores `__proto__` as a plain key", () => {
    const q = parseQuery("__proto__=x");
    expect(Object.keys(q)).toEqual(["__proto__"]);
    expect(q["__proto__"]).toBe("x");
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });
});

describe("decodeComponent", () => {
  it("returns strings without `+` or `%` unchanged", () => {
    expect(decodeComponent("plain-text_1.2~")).toBe("plain-text_1.2~");
  });

  it("turns `+` into a space before percent-decoding", () => {
    expect(decodeComponent("a+b%2Bc")).toBe("a b+c");
  });

  it("keeps malformed escapes and decodes the well-formed ASCII ones", () => {
    expect(decodeComponent("%")).toBe("%");
    expect(decodeComponent("%20%G0")).toBe(" %G0");
  });
});

describe("parseCookies", () => {
  it("returns an empty record for a missing or empty header", () => {
    expect(parseCookies(undefined)).toEqual({});
    expect(parseCookies("")).toEqual({});
  });

  it("reads pairs, trimming whitespace around names and values", () => {
    expect(parseCookies("a=1;b=2 ;  c = 3")).toEqual({ a: "1", b: "2", c: "3" });
  });

  it("keeps the first occurrence of a name", () => {
    expect(parseCookies("session=first; session=second")).toEqual({ session: "first" });
  });

  it("strips one pair of surrounding double quotes", () => {
    expect(parseCookies('a="hello world"; b=""; c="; d=x"y')).toEqual({ a: "hello world", b: "", c: '"', d: 'x"y' });
  });

  it("skips pairs without `=` or without a name", () => {
    expect(parseCookies("junk; =orphan; ok=1")).toEqual({ ok: "1" });
  });

  it("keeps `=` inside values", () => {
    expect(parseCookies("token=abc==")).toEqual({ token: "abc==" });
  });

  it("percent-decodes values and keeps malformed escapes as written", () => {
    expect(parseCookies('a=x%20y; b=%zz; c="%41"')).toEqual({ a: "x y", b: "%zz", c: "A" });
  });

  it("does not turn `+` into a space in cookie values", () => {
    expect(parseCookies("a=1+2")).toEqual({ a: "1+2" });
  });
});

describe("scanQuery (one key of an unescaped query, without the record)", () => {
  it("agrees with parseQuery on every key of generated queries", () => {
    // Seeded generator: keys and values from a small alphabet, so keys repeat, prefix each other and go valueless.
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const pick = (s: string): string => Array.from({ length: rand(4) }, () => s[rand(s.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const pairs = Array.from({ length: rand(6) }, () => {
        const key = pick("abk_");
        return rand(5) === 0 ? key : `${key}=${pick("ab=1_")}`;
      });
      const raw = pairs.join(rand(6) === 0 ? "&&" : "&");
      const parsed = parseQuery(raw);
      for (const key of ["a", "b", "ab", "k", "a_", "missing", ...Object.keys(parsed).filter((k) => k !== "")]) {
        expect(scanQuery(raw, key), `${raw} [${key}]`).toEqual(parsed[key]);
      }
    }
  });

  it("matches whole keys only, and reads a bare key as an empty string", () => {
    expect(scanQuery("limit=5&lim=3", "lim")).toBe("3");
    expect(scanQuery("flag&flag=x", "flag")).toEqual(["", "x"]);
    expect(scanQuery("expr=a=b", "expr")).toBe("a=b");
    expect(scanQuery("", "a")).toBeUndefined();
  });
});
