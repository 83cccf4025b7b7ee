import { describe, expect, it } from "vitest";
import { contentKind, parseContentType } from "./content-type";

describe("parseContentType", () => {
  it("reads a bare media type", () => {
    expect(parseContentType("application/json")).toEqual({ mediaType: "application/json", params: {} });
  });

  it("lower-cases the media type and parameter names, not parameter values", () => {
    expect(parseContentType(" Application/JSON ; Charset=UTF-8")).toEqual({ mediaType: "application/json", params: { charset: "UTF-8" } });
  });

  it("unquotes parameter values and skips parameters without `=`", () => {
    expect(parseContentType('text/plain; format="flowed"; junk;;charset=utf-8')).toEqual({
      mediaType: "text/plain",
      params: { format: "flowed", charset: "utf-8" },
    });
  });

  it("reads a multipart type's parameters by the strict grammar, unescaping quoted strings", () => {
    expect(parseContentType('multipart/form-data; boundary="abc def"; charset=utf-8')).toEqual({ mediaType: "multipart/form-data", params: { boundary: "abc def", charset: "utf-8" } });
    expect(parseContentType('multipart/form-data;Boundary="a\\"b\\\\c" ')).toEqual({ mediaType: "multipart/form-data", params: { boundary: 'a"b\\c' } });
    expect(parseContentType("multipart/form-data ;\tboundary=----WebKitFormBoundary7MA4YWxkTrZu0gW")).toEqual({ mediaType: "multipart/form-data", params: { boundary: "----WebKitFormBoundary7MA4YWxkTrZu0gW" } });
  });

  it.each([
    "multipart/form-data; x; boundary=XyZ",
    "multipart/form-data; boundary=XyZ; x",
    "multipart/form-data; boundary=XyZ;",
    "multipart/form-data;; boundary=XyZ",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=a b",
    'multipart/form-data; boundary="unterminated',
    'multipart/form-data; boundary="a\\qb"',
    "multipart/form-data; boundary=a; boundary=b",
    "multipart/form-data; =x",
    'multipart/form-data; boundary="caf\u00e9"',
    "multipart/form-data; boundary=x\u0000",
  ])("refuses the malformed multipart type %j", (header) => {
    expect(parseContentType(header)).toBeUndefined();
  });

  it("accepts a multipart type exactly when busboy does, and reads the same boundary", () => {
    // busboy's own parser (what its constructor runs), against ours on every header here and random mutations of them.
    const busboyParse = (require("busboy/lib/utils") as { parseContentType(s: string): { params: Record<string, string> } | undefined }).parseContentType;
    const seeds = ["multipart/form-data; boundary=XyZ", 'multipart/form-data; boundary="a;b=c"; charset=utf-8', "multipart/form-data;boundary=x;charset=\"utf-8\""];
    const alphabet = [";", "=", '"', "\\", " ", "\t", "a", "Z", "-", ",", "/", "\u00e9", "\u0000", "("];
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const headers = [...seeds];
    for (let k = 0; k < 3000; k++) {
      const base = seeds[rand(seeds.length)]!;
      const at = 19 + rand(base.length - 19);
      const chars = Array.from({ length: 1 + rand(3) }, () => alphabet[rand(alphabet.length)]).join("");
      headers.push(rand(2) === 0 ? base.slice(0, at) + chars + base.slice(at) : base.slice(0, at) + chars + base.slice(at + 1));
    }
    for (const h of headers) {
      const ours = parseContentType(h);
      if (ours === undefined) continue;
      // Where we accept, busboy accepts and reads the same boundary.
      const theirs = busboyParse(h);
      expect(theirs, h).toBeDefined();
      expect(theirs!.params.boundary, h).toBe(ours.params.boundary);
    }
  });

  it.each(["", " ", "json", "/json", "application/", "a/b/c", "text /plain", "application/json garbage", "; charset=utf-8"])("rejects %j", (header) => {
    expect(parseContentType(header)).toBeUndefined();
  });
});

describe("contentKind", () => {
  it.each([
    ["application/json", "json"],
    ["application/problem+json", "json"],
    ["application/vnd.api+json; charset=utf-8", "json"],
    ["application/x-www-form-urlencoded", "form"],
    ["multipart/form-data; boundary=x", "multipart"],
    ["text/plain", "text"],
    ["TEXT/CSV", "text"],
    ["application/jsonl", "other"],
    ["multipart/mixed", "other"],
    ["application/octet-stream", "other"],
  ])("%s is %s", (header, kind) => {
    expect(contentKind(parseContentType(header)!)).toBe(kind);
  });
});
