import type { RequestBody } from "./grpc-call";

/** Bytes buffered from the client before the stream is paused (HTTP/2 flow control then holds the client back). */
const HIGH_WATER = 64 * 1024;
const NO_CHUNKS: Buffer[] = [];

/** Stops and restarts reading from the client: an HTTP/2 stream itself, or a gRPC-Web body's read. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

/**
 * A gRPC request body with backpressure: chunks queue while the consumer is busy and the source is
 * paused once HIGH_WATER bytes wait, so a fast client cannot fill memory. Pull mode (async
 * iteration) for request streams, push mode (`consume`) for single-message calls. Shared by the
 * HTTP/2 listener and gRPC-Web.
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
  private onError: ((err: unknown) => void) | undefined;
  private waitingFail: ((err: unknown) => void) | undefined;
  private error: unknown = undefined;

  constructor(private readonly flow: FlowControl) {}

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
      this.waitingFail = undefined;
      w({ value: chunk, done: false });
      return;
    }
    if (this.queue === NO_CHUNKS) this.queue = [];
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued >= HIGH_WATER && !this.paused) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** End of the request stream, or the stream closed: no more data will come. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    const end = this.onEnd;
    if (end !== undefined) {
      this.onEnd = undefined;
      this.onError = undefined;
      end();
      return;
    }
    const w = this.waiting;
    if (w !== undefined && this.queue.length === 0) {
      this.waiting = undefined;
      this.waitingFail = undefined;
      w({ value: undefined, done: true });
    }
  }

  /** The body cannot be delivered (the transport could not decode it): the consumer is told once, instead of an end. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.queue = NO_CHUNKS;
    this.queued = 0;
    const onError = this.onError ?? this.waitingFail;
    this.onChunk = undefined;
    this.onEnd = undefined;
    this.onError = undefined;
    this.waiting = undefined;
    this.waitingFail = undefined;
    onError?.(err);
  }

  consume(onChunk: (chunk: Buffer) => void, onEnd: () => void, onError: (err: unknown) => void): void {
    const queued = this.queue;
    this.queue = NO_CHUNKS;
    this.queued = 0;
    for (const c of queued) onChunk(c);
    if (this.paused) {
      this.paused = false;
      this.flow.resume();
    }
    if (this.ended) {
      if (this.error !== undefined) onError(this.error);
      else onEnd();
      return;
    }
    this.onChunk = onChunk;
    this.onEnd = onEnd;
    this.onError = onError;
  }

  /**
   * Stops reading: later chunks are dropped (the call has already ended, or the client is gone).
   * A consumer still waiting is told the body ended, so a handler awaiting its next request
   * message finishes (and its dependencies' cleanups run) instead of waiting forever.
   */
  discard(): void {
    const waiting = this.waiting;
    const end = this.onEnd;
    this.queue = NO_CHUNKS;
    this.queued = 0;
    this.onChunk = undefined;
    this.onEnd = undefined;
    this.onError = undefined;
    this.waiting = undefined;
    this.waitingFail = undefined;
    this.ended = true;
    if (this.paused) this.flow.resume();
    this.paused = false;
    waiting?.({ value: undefined, done: true });
    end?.();
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.queued -= chunk.length;
      if (this.paused && this.queued < HIGH_WATER / 2) {
        this.paused = false;
        this.flow.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.waitingFail = reject;
    });
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
