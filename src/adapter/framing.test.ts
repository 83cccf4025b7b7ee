import { describe, expect, it } from "vitest";
import { frameStream, frameWhole } from "./framing";

describe("frameWhole", () => {
  it("keeps the handler's own list when nothing is left out, and copies it otherwise", () => {
    const mine = ["content-type", "text/plain", "x-a", "b"];
    expect(frameWhole(200, mine, "x", false).headers).toBe(mine);
    expect(frameWhole(200, ["date", "x", "x-a", "b"], "x", false).headers).toEqual(["x-a", "b"]);
  });
  it("computes Content-Length and drops a handler's own, its Transfer-Encoding and Date", () => {
    const f = frameWhole(200, ["content-type", "text/plain", "Content-Length", "99", "transfer-encoding", "chunked", "Date", "x"], "hello", false);
    expect(f).toEqual({ headers: ["content-type", "text/plain"], contentLength: undefined, body: true, close: false });
  });
  it("on HEAD keeps a declared length (the GET's) and sends no body", () => {
    expect({ ...frameWhole(200, ["content-length", "1234"], undefined, true) }).toEqual({ headers: [], contentLength: 1234, body: false, close: false });
    expect({ ...frameWhole(200, [], "é12345", true) }).toEqual({ headers: [], contentLength: 7, body: false, close: false });
  });
  it("on HEAD for a stream keeps Transfer-Encoding and declares no length", () => {
    expect({ ...frameWhole(200, ["transfer-encoding", "chunked"], undefined, true) }).toEqual({ headers: ["transfer-encoding", "chunked"], contentLength: undefined, body: false, close: false });
  });
  it("204 and 304 carry neither body nor length", () => {
    for (const status of [204, 304]) expect({ ...frameWhole(status, [], "abc", false) }).toEqual({ headers: [], contentLength: undefined, body: false, close: false });
  });
  it("takes Connection out of the headers and says whether it asks to close", () => {
    expect({ ...frameWhole(200, ["Connection", "keep-alive, Close", "x", "y"], undefined, false) }).toMatchObject({ headers: ["x", "y"], close: true });
    expect({ ...frameWhole(200, ["connection", "keep-alive"], undefined, false) }).toMatchObject({ headers: [], close: false });
    expect(frameStream(["connection", "close"])).toMatchObject({ headers: [], close: true });
  });
});

describe("frameStream", () => {
  it("frames by a valid declared length, else chunked", () => {
    expect(frameStream(["content-length", "10", "x-a", "b"])).toEqual({ headers: ["x-a", "b"], length: 10, close: false });
    expect(frameStream(["content-length", "-1"]).length).toBeUndefined();
    expect(frameStream(["content-length", "1e3"]).length).toBeUndefined();
    expect(frameStream(["transfer-encoding", "gzip", "date", "x"])).toEqual({ headers: [], length: undefined, close: false });
  });
});
