import type http2 from "node:http2";

/** Bytes buffered from the client before the stream is paused (HTTP/2 flow control then holds the client back). */
const HIGH_WATER = 64 * 1024;

/**
 * A request body as an async iterable with backpressure: chunks queue while the consumer is
 * busy, and the stream is paused once HIGH_WATER bytes wait, so a fast client cannot fill memory.
 */
export class StreamBody implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private waiting: ((r: IteratorResult<Buffer>) => void) | undefined;
  private paused = false;

  constructor(private readonly stream: http2.ServerHttp2Stream) {
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.once("end", () => this.finish());
  }

  /** The stream closed (the owner's 'close' listener calls this): no more data will come. */
  closed(): void {
    this.finish();
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= HIGH_WATER && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    const w = this.waiting;
    if (w !== undefined && this.queue.length === 0) {
      this.waiting = undefined;
      w({ value: undefined, done: true });
    }
  }

  /** Stops reading: later chunks are dropped (the call has already ended). */
  discard(): void {
    this.queue.length = 0;
    this.queued = 0;
    this.ended = true;
    if (this.paused) this.stream.resume();
    this.paused = false;
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.queued -= chunk.length;
      if (this.paused && this.queued < HIGH_WATER / 2) {
        this.paused = false;
        this.stream.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return { next: () => this.next(), return: () => { this.discard(); return Promise.resolve({ value: undefined, done: true }); } };
  }
}
