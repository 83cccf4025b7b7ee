import { describe, expect, it } from "vitest";
import { PayloadTooLargeError, type BodySource } from "../adapter/types";
import { HeldBody } from "./held-body";

/** A body arriving as the test pushes it, paused while a chunk's returned promise is pending (as an adapter's). */
class ArrivingBody implements BodySource {
  paused = false;
  private onChunk: ((chunk: Buffer) => void | Promise<void>) | undefined;
  private limit = Infinity;
  private total = 0;
  private done: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  constructor(readonly contentLength: number | undefined) {}
  read(): void {
    throw new Error("a held body only streams its source");
  }
  stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    this.onChunk = onChunk;
    this.limit = limit;
    return new Promise((resolve, reject) => (this.done = { resolve, reject }));
  }
  async push(text: string, last = false): Promise<void> {
    if (this.paused) throw new Error("pushed while paused");
    this.total += text.length;
    if (this.total > this.limit) return this.done!.reject(new PayloadTooLargeError(this.limit));
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
  it("holds what arrives before the route reads (the source paused meanwhile), then streams the rest", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, 1 << 20);
    const first = source.push("ab");
    expect(source.paused).toBe(true);
    const read = readAll(held);
    await first;
    await source.push("cd");
    await source.push("ef", true);
    expect(await read).toBe("abcdef");
    expect(held.complete).toBe(true);
  });

  it("passes the route's backpressure on to the source", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, 1 << 20);
    const seen: string[] = [];
    let release!: () => void;
    const streamed = held.stream((c) => {
      seen.push(c.toString());
      if (c.toString() === "2") return new Promise<void>((r) => (release = r));
    }, Infinity);
    await source.push("1");
    const second = source.push("2");
    expect(source.paused).toBe(true);
    release();
    await second;
    await source.push("3", true);
    await streamed;
    expect(seen).toEqual(["1", "2", "3"]);
  });

  it("applies the route's limit to the held read", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, 8);
    const read = readAll(held);
    await source.push("12345");
    await source.push("67890");
    await expect(read).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("passes on the source's failure (a client that went away), also before anyone reads", async () => {
    const source = new ArrivingBody(undefined);
    const held = new HeldBody(source, 1 << 20);
    source.fail(new Error("client aborted"));
    await new Promise((r) => setImmediate(r));
    await expect(readAll(held)).rejects.toThrow("client aborted");
  });
});
