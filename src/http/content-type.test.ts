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
    expect(parseContentType('multipart/form-data; boundary="abc def"; junk;;charset=utf-8')).toEqual({
      mediaType: "multipart/form-data",
      params: { boundary: "abc def", charset: "utf-8" },
    });
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
