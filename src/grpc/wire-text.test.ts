import { describe, expect, it } from "vitest";
import { Metadata } from "./metadata";
import { decodeStatusMessage, encodeStatusMessage } from "./status-message";
import { GrpcStatus, parseStatus, statusName } from "./status";
import { formatGrpcTimeout, parseGrpcTimeout } from "./timeout";

describe("grpc-timeout", () => {
  it.each([
    ["1H", 3_600_000], ["2M", 120_000], ["3S", 3000], ["4m", 4], ["5000u", 5], ["6000000n", 6], ["99999999S", 99_999_999_000], ["0m", 0],
  ])("%s → %d ms", (v, ms) => {
    expect(parseGrpcTimeout(v)).toBeCloseTo(ms);
  });
  it.each(["", "1", "S", "123456789S", "-1S", "1.5S", "1s", "1 S", "1SS", "0x10S", "1\r\nS"])("%j is malformed", (v) => {
    expect(parseGrpcTimeout(v)).toBeUndefined();
  });
  it("formats a timeout that parses back to at least the same duration", () => {
    for (const ms of [0.5, 1, 1500, 100_000_000, 1e12]) expect(parseGrpcTimeout(formatGrpcTimeout(ms))!).toBeGreaterThanOrEqual(ms);
  });
});

describe("grpc-message", () => {
  it("leaves printable ASCII alone and percent-encodes the rest as UTF-8", () => {
    expect(encodeStatusMessage("plain text")).toBe("plain text");
    expect(encodeStatusMessage("100%")).toBe("100%25");
    expect(encodeStatusMessage("a\r\nb")).toBe("a%0D%0Ab");
    expect(encodeStatusMessage("☺")).toBe("%E2%98%BA");
  });
  it("round-trips, and keeps a malformed %-sequence literally", () => {
    const s = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
    expect(decodeStatusMessage(encodeStatusMessage(s))).toBe(s);
    expect(decodeStatusMessage("50%zz%4")).toBe("50%zz%4");
  });
});

describe("status codes", () => {
  it("has the 17 codes of the spec", () => {
    expect(Object.keys(GrpcStatus)).toHaveLength(17);
    expect(statusName(5)).toBe("NOT_FOUND");
    expect(parseStatus("not-found")).toBe(5);
    expect(parseStatus("12")).toBe(12);
    expect(parseStatus(17)).toBeUndefined();
    expect(parseStatus("NOPE")).toBeUndefined();
  });
});

describe("Metadata", () => {
  it("round-trips ASCII and -bin values through HTTP/2 headers, leaving out transport headers", () => {
    const md = new Metadata({ "x-a": "1", "x-b-bin": Buffer.from([0, 255]) }).add("x-a", "2");
    const headers = md.toHeaders();
    expect(headers).toEqual({ "x-a": ["1", "2"], "x-b-bin": "AP8=" });
    const back = Metadata.fromHeaders({ ...headers, ":path": "/x", "content-type": "application/grpc", te: "trailers", "grpc-timeout": "1S", "x-c-bin": "AP8,AQ" });
    expect(back.getAll("x-a")).toEqual(["1", "2"]);
    expect(back.get("x-b-bin")).toEqual(Buffer.from([0, 255]));
    expect(back.getAll("x-c-bin")).toEqual([Buffer.from([0, 255]), Buffer.from([1])]);
    expect(back.has("content-type") || back.has("te") || back.has("grpc-timeout") || back.has(":path")).toBe(false);
  });
  it("refuses reserved keys, bad key characters, CR/LF in values and strings for -bin keys", () => {
    const md = new Metadata();
    expect(() => md.set("grpc-status", "0")).toThrow(TypeError);
    expect(() => md.set("content-type", "x")).toThrow(TypeError);
    expect(() => md.set("Bad Key", "x")).toThrow(TypeError);
    expect(() => md.set("x-a", "a\r\nx-injected: 1")).toThrow(TypeError);
    expect(() => md.set("x-a", "é")).toThrow(TypeError);
    expect(() => md.set("x-a-bin", "text")).toThrow(TypeError);
    expect(md.set("X-Upper", "ok").get("x-upper")).toBe("ok");
  });
});
