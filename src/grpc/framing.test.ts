import { describe, expect, it } from "vitest";
import { GrpcError } from "./error";
import { encodeMessage, MessageDecoder } from "./framing";

describe("MessageDecoder", () => {
  const msgs = [Buffer.from("hello"), Buffer.alloc(0), Buffer.alloc(70_000, 7)];
  const wire = Buffer.concat(msgs.map((m) => encodeMessage(m)));

  it("decodes back-to-back messages from one chunk", () => {
    expect(new MessageDecoder(1 << 20).push(wire).map((m) => m.data)).toEqual(msgs);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 4096])("decodes the same stream split into %i-byte chunks", (size) => {
    const d = new MessageDecoder(1 << 20);
    const out: Buffer[] = [];
    for (let i = 0; i < wire.length; i += size) out.push(...d.push(wire.subarray(i, i + size)).map((m) => Buffer.from(m.data)));
    expect(out).toEqual(msgs);
    expect(d.partial).toBe(false);
  });

  it("keeps the compressed flag", () => {
    expect(new MessageDecoder(100).push(encodeMessage(Buffer.from("x"), true))[0]!.compressed).toBe(true);
  });

  it("refuses an oversize message from its prefix alone (RESOURCE_EXHAUSTED), before any body byte", () => {
    const d = new MessageDecoder(10);
    expect(() => d.push(Buffer.from([0, 0, 0, 0, 11]))).toThrow(GrpcError);
    try {
      new MessageDecoder(10).push(Buffer.from([0, 0xff, 0xff, 0xff, 0xff]));
    } catch (e) {
      expect((e as GrpcError).code).toBe(8);
    }
  });

  it("accepts a message exactly at the limit", () => {
    expect(new MessageDecoder(3).push(encodeMessage(Buffer.from("abc")))).toHaveLength(1);
  });

  it("refuses a flag other than 0 or 1 (INTERNAL)", () => {
    expect(() => new MessageDecoder(10).push(Buffer.from([2, 0, 0, 0, 0]))).toThrow(expect.objectContaining({ code: 13 }));
  });

  it("reports a stream that stops mid-prefix or mid-body", () => {
    const a = new MessageDecoder(10);
    a.push(Buffer.from([0, 0]));
    expect(a.partial).toBe(true);
    const b = new MessageDecoder(10);
    b.push(Buffer.from([0, 0, 0, 0, 5, 1]));
    expect(b.partial).toBe(true);
  });
});
