import type http2 from "node:http2";
import type { RequestBody } from "../../grpc/call";

/** Bytes buffered from the client before the stream is paused (HTTP/2 flow control then holds the client back). */
const HIGH_WATER = 64 * 1024;
const NO_CHUNKS: Buffer[] = [];

/**
 * A request body with backpressure: chunks queue while the consumer is busy and the stream is
 * paused once HIGH_WATER bytes wait, so a fast client cannot fill memory. Pull mode (async
 * iteration) for request streams, push mode (`consume`) for single-message calls.
 */
export class StreamBody implements RequestBody {
  // Made on first need: a single-message call hands its chunks straight to `consume`.
  private queue: Buffer[] = NO_CHUNKS;
  private queued = 0;
  private ended = false;
  private waiting: ((r: IteratorResult<Buffer>) => void) | undefined;
  private paused = false;
  private onChunk: ((chunk: Buffer) => void) | undefined;
  private onEnd: (() => void) | undefined;

  constructor(private readonly stream: http2.ServerHttp2Stream) {}

  /** A chunk from the stream (the owner's 'data' listener calls this). */
  data(chunk: Buffer): void {
    if (this.ended) return;
    if (this.onChunk !== undefined) {
      this.onChunk(chunk);
      return;
    }
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w({ value: chunk, done: false });
      return;
    }
    if (this.queue === NO_CHUNKS) this.queue = [];
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= HIGH_WATER && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
  }

  /** End of the request stream, or the stream closed: no more data will come. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    const end = this.onEnd;
    if (end !== undefined) {
      this.onEnd = undefined;
      end();
      return;
    }
    const w = this.waiting;
    if (w !== undefined && this.queue.length === 0) {
      this.waiting = undefined;
      w({ value: undefined, done: true });
    }
  }

  consume(onChunk: (chunk: Buffer) => void, onEnd: () => void): void {
    const queued = this.queue;
    this.queue = NO_CHUNKS;
    this.queued = 0;
    for (const c of queued) onChunk(c);
    if (this.paused) {
      this.paused = false;
      this.stream.resume();
    }
    if (this.ended) {
      onEnd();
      return;
    }
    this.onChunk = onChunk;
    this.onEnd = onEnd;
  }

  /** Stops reading: later chunks are dropped (the call has already ended). */
  discard(): void {
    this.queue = NO_CHUNKS;
    this.queued = 0;
    this.onChunk = undefined;
    this.onEnd = undefined;
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
    return {
      next: () => this.next(),
      return: () => {
        this.discard();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
