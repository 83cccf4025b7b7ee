import { describe, expect, it } from "vitest";
import { HeldBody } from "./held-body";
import { PayloadTooLargeError, type BodySource } from "./sink";

/** A body arriving as the test pushes it, paused while a chunk's returned promise is pending (as uWS's). */
class ArrivingBody implements BodySource {
  paused = false;
  streams = 0;
  private onChunk: ((chunk: Buffer) => void | Promise<void>) | undefined;
  private done: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  constructor(readonly contentLength: number | undefined) {}
  read(): void {
    throw new Error("a held body only streams its source");
  }
  stream(onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
    this.streams++;
    this.onChunk = onChunk;
    return new Promise((resolve, reject) => (this.done = { resolve, reject }));
  }
  async push(text: string, last = false): Promise<void> {
    if (this.paused) throw new Error("pushed while paused");
    const pending = this.onChunk!(Buffer.from(text));
    if (pending !== undefined) {
      this.paused = true;
      await pending;
      this.paused = false;
    }
    if (last) this.done!.resolve();
  }
  fail(err: unknown): void {
    this.done!.reject(err);
  }
}

const readAll = (body: BodySource, limit = Infinity): Promise<string> =>
  new Promise((resolve, reject) => body.read(limit, { body: (b) => resolve(b.toString()), error: reject }));

describe("HeldBody", () => {
  it("replays what arrived before the route reads, then what arrives after", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, true, 1 << 20);
    await source.push("ab");
    await source.push("cd");
    const read = readAll(held);
    await source.push("ef", true);
    expect(await read).toBe("abcdef");
  });

  it("streams chunk by chunk, passing the reader's backpressure to the source once caught up", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, true, 1 << 20);
    await source.push("1");
    const seen: string[] = [];
    let release!: () => void;
    const streamed = held.stream((c) => {
      seen.push(c.toString());
      if (c.toString() === "2") return new Promise<void>((r) => (release = r));
    }, Infinity);
    await new Promise((r) => setImmediate(r));
    const second = source.push("2");
    expect(source.paused).toBe(true);
    release();
    await second;
    await source.push("3", true);
    await streamed;
    expect(seen).toEqual(["1", "2", "3"]);
  });

  it("pauses a body of declared length once 64 KiB wait, but never on its last chunk", async () => {
    const big = "x".repeat(70 * 1024);
    const source = new ArrivingBody(big.length + 10);
    const held = new HeldBody(source, true, 1 << 20);
    const first = source.push(big);
    expect(source.paused).toBe(true);
    const read = readAll(held);
    await first;
    await source.push("y".repeat(10), true);
    expect(await read).toBe(big + "y".repeat(10));

    const exact = new ArrivingBody(big.length);
    const held2 = new HeldBody(exact, true, 1 << 20);
    await exact.push(big, true); // the whole body: nothing left to pause for
    expect(exact.paused).toBe(false);
    expect(await readAll(held2)).toBe(big);
  });

  it("refuses a chunked body past maxHeld while nobody reads, and one past the reader's limit", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, true, 8);
    await source.push("12345");
    await source.push("67890");
    await expect(readAll(held)).rejects.toBeInstanceOf(PayloadTooLargeError);

    const small = new ArrivingBody(undefined);
    const held2 = new HeldBody(small, true, 1 << 20);
    await small.push("12345");
    const read = readAll(held2, 7);
    await small.push("67890", true).catch(() => undefined);
    await expect(read).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("refuses a declared length over the reader's limit without waiting", async () => {
    const held = new HeldBody(new ArrivingBody(100), true, 1 << 20);
    await expect(readAll(held, 10)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("passes on the source's failure (a client that went away)", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, true, 1 << 20);
    await source.push("ab");
    source.fail(new Error("client aborted"));
    await expect(readAll(held)).rejects.toThrow("client aborted");
  });

  it("reads nothing from a request without a body", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, false, 1 << 20);
    expect(source.streams).toBe(0);
    expect(await readAll(held)).toBe("");
    const zero = new ArrivingBody(0);
    expect(await readAll(new HeldBody(zero, true, 1 << 20))).toBe("");
    expect(zero.streams).toBe(0);
  });

  it("discard() drops what is queued and lets a paused source go on", async () => {
    const big = "x".repeat(70 * 1024);
    const source = new ArrivingBody(big.length + 5);
    const held = new HeldBody(source, true, 1 << 20);
    const first = source.push(big);
    expect(source.paused).toBe(true);
    held.discard();
    await first;
    await source.push("12345", true);
    expect(source.paused).toBe(false);
  });
});
