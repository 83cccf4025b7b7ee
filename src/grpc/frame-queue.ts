/** Bytes a gRPC-Web stream queues for a slow client before its producer waits. */
const HIGH_WATER = 64 * 1024;

/**
 * The body of a streamed gRPC-Web answer: frames pushed by the call, pulled by the HTTP writer
 * (pipeStream) as the socket drains. Pushing past HIGH_WATER unread bytes returns a promise that
 * resolves once the reader caught up, so a handler streaming to a slow client waits instead of
 * filling memory (as HTTP/2 flow control makes it wait on the other transport).
 */
export class FrameQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private queued = 0;
  private closed = false;
  private reader: ((r: IteratorResult<Uint8Array>) => void) | undefined;
  private drained: (() => void) | undefined;
  private waitForDrain: Promise<void> | undefined;

  push(chunk: Uint8Array): Promise<void> | undefined {
    if (this.closed) return undefined;
    const r = this.reader;
    if (r !== undefined) {
      this.reader = undefined;
      r({ value: chunk, done: false });
      return undefined;
    }
    this.items.push(chunk);
    this.queued += chunk.byteLength;
    if (this.queued < HIGH_WATER) return undefined;
    return (this.waitForDrain ??= new Promise<void>((resolve) => (this.drained = resolve)));
  }

  /** No more frames: the reader ends after the queued ones. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const r = this.reader;
    this.reader = undefined;
    if (r !== undefined && this.items.length === 0) r({ value: undefined, done: true });
  }

  /** The reader is gone (client disconnected): queued frames are dropped and a waiting producer goes on (to find the call over). */
  abort(): void {
    this.items.length = 0;
    this.queued = 0;
    this.close();
    this.release();
  }

  private release(): void {
    const d = this.drained;
    this.drained = undefined;
    this.waitForDrain = undefined;
    d?.();
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.items.shift();
    if (chunk !== undefined) {
      this.queued -= chunk.byteLength;
      if (this.queued < HIGH_WATER / 2) this.release();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.reader = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => this.next(),
      return: () => {
        this.abort();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
