import { describe, expect, it } from "vitest";
import { encodeMessage, MessageDecoder } from "./framing";
import { Base64BodyDecoder, encodeTextChunk, encodeTrailerFrame, parseTrailerBlock, parseWebContentType, TRAILER_FLAG, webResponseHeaders } from "./web";

describe("gRPC-Web codec", () => {
  it("recognises the four content types and nothing else", () => {
    expect(parseWebContentType("application/grpc-web")).toEqual({ text: false, responseType: "application/grpc-web" });
    expect(parseWebContentType("application/grpc-web+proto; charset=x")).toEqual({ text: false, responseType: "application/grpc-web+proto" });
    expect(parseWebContentType("application/grpc-web-text")).toEqual({ text: true, responseType: "application/grpc-web-text" });
    expect(parseWebContentType("Application/GRPC-Web-Text+Proto")!.text).toBe(true);
    for (const ct of [undefined, "application/grpc", "application/grpc-web+json", "text/plain"]) expect(parseWebContentType(ct)).toBeUndefined();
  });

  it("writes trailers as a 0x80 frame that the message decoder's prefix format carries", () => {
    const frame = encodeTrailerFrame({ "grpc-status": "0", "grpc-message": "ok", "x-multi": ["a", "b"] });
    expect(frame[0]).toBe(TRAILER_FLAG);
    expect(frame.readUInt32BE(1)).toBe(frame.length - 5);
    expect(parseTrailerBlock(frame.subarray(5))).toEqual({ "grpc-status": "0", "grpc-message": "ok", "x-multi": "a,b" });
  });

  it("refuses CR/LF in a trailer (no header injection) and a malformed trailer line", () => {
    expect(() => encodeTrailerFrame({ "x-a": "1\r\ngrpc-status: 0" })).toThrow(TypeError);
    expect(() => parseTrailerBlock(Buffer.from("no colon here\r\n"))).toThrow(SyntaxError);
  });

  it("decodes a -text body split anywhere, including concatenated padded segments", () => {
    const a = encodeMessage(Buffer.from("first"));
    const b = encodeMessage(Buffer.from("second message"));
    const text = a.toString("base64") + b.toString("base64");
    for (const size of [1, 3, 4, 7, text.length]) {
      const dec = new Base64BodyDecoder();
      const bytes: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) bytes.push(dec.push(text.slice(i, i + size)));
      expect(dec.partial).toBe(false);
      expect(new MessageDecoder(100).push(Buffer.concat(bytes)).map((m) => m.data.toString())).toEqual(["first", "second message"]);
    }
  });

  it("rejects a -text body that is not base64, and reports a dangling partial group", () => {
    expect(() => new Base64BodyDecoder().push("@@@@")).toThrow(SyntaxError);
    const d = new Base64BodyDecoder();
    d.push("QUJD" + "QQ");
    expect(d.partial).toBe(true);
  });

  it("encodes -text response chunks as independent base64 segments", () => {
    const out = Buffer.concat([encodeTextChunk(encodeMessage(Buffer.from("x"))), encodeTextChunk(encodeTrailerFrame({ "grpc-status": "0" }))]);
    const bytes = new Base64BodyDecoder().push(out);
    expect(bytes[0]).toBe(0);
    expect(bytes[6]).toBe(TRAILER_FLAG);
  });

  it("response headers keep the request's content type family and expose the status headers", () => {
    const h = webResponseHeaders(parseWebContentType("application/grpc-web-text")!, { "x-a": "1" });
    expect(h["content-type"]).toBe("application/grpc-web-text");
    expect(h["access-control-expose-headers"]).toContain("grpc-status");
  });
});
