import { describe, expect, it } from "vitest";
import { checkHeader, frameStream, frameWhole } from "./framing";

describe("frameWhole", () => {
  it("computes Content-Length and drops a handler's own, its Transfer-Encoding and Date", () => {
    const f = frameWhole(200, ["content-type", "text/plain", "Content-Length", "99", "transfer-encoding", "chunked", "Date", "x"], 5, false);
    expect(f).toEqual({ headers: ["content-type", "text/plain"], contentLength: 5, body: true });
  });
  it("on HEAD keeps a declared length (the GET's) and sends no body", () => {
    expect(frameWhole(200, ["content-length", "1234"], 0, true)).toEqual({ headers: [], contentLength: 1234, body: false });
    expect(frameWhole(200, [], 7, true)).toEqual({ headers: [], contentLength: 7, body: false });
  });
  it("on HEAD for a stream keeps Transfer-Encoding and declares no length", () => {
    expect(frameWhole(200, ["transfer-encoding", "chunked"], 0, true)).toEqual({ headers: ["transfer-encoding", "chunked"], contentLength: undefined, body: false });
  });
  it("204 and 304 carry neither body nor length", () => {
    for (const status of [204, 304]) expect(frameWhole(status, [], 3, false)).toEqual({ headers: [], contentLength: undefined, body: false });
  });
  it("refuses CR, LF and NUL in values and non-token names, unless the list is a frozen constant", () => {
    expect(() => frameWhole(302, ["location", "/a\r\nSet-Cookie: x=1"], 0, false)).toThrow(/INVALID_HEADER|CR, LF or NUL/);
    expect(() => frameWhole(200, ["x-a", "b\nc"], 0, false)).toThrow();
    expect(() => frameWhole(200, ["x-a", "b\u0000c"], 0, false)).toThrow();
    expect(() => frameWhole(200, ["bad name", "v"], 0, false)).toThrow(/name/);
    expect(() => frameWhole(200, ["", "v"], 0, false)).toThrow(/name/);
    expect(frameWhole(200, Object.freeze(["content-type", "text/plain"]), 1, false).headers).toEqual(["content-type", "text/plain"]);
  });
});

describe("frameStream", () => {
  it("frames by a valid declared length, else chunked", () => {
    expect(frameStream(["content-length", "10", "x-a", "b"])).toEqual({ headers: ["x-a", "b"], length: 10 });
    expect(frameStream(["content-length", "-1"]).length).toBeUndefined();
    expect(frameStream(["content-length", "1e3"]).length).toBeUndefined();
    expect(frameStream(["transfer-encoding", "gzip", "date", "x"])).toEqual({ headers: [], length: undefined });
  });
  it("checks header values as whole responses do", () => {
    expect(() => frameStream(["x-a", "b\r\n"])).toThrow();
  });
});

describe("checkHeader", () => {
  it("accepts ordinary names and values, tabs and obs-text included", () => {
    expect(() => checkHeader("X-Frame-Options", "DENY")).not.toThrow();
    expect(() => checkHeader("x", "a\tb é")).not.toThrow();
  });
});
