import type { BodyConsumer, BodySource } from "../adapter/types";

/**
 * The body of a request whose middleware awaited before the route read it.
 * Adapters deliver body bytes only to a reader attached while the exchange is
 * live, so this one attaches then and holds at most one chunk: reading from
 * the socket pauses until the route takes it (backpressure, not buffering).
 */
export class HeldBody implements BodySource {
  readonly contentLength: number | undefined;
  private readonly chunks: Buffer[] = [];
  private release: (() => void) | undefined;
  private consumer: ((chunk: Buffer) => void | Promise<void>) | undefined;
  private readonly done: Promise<void>;
  private finished = false;

  constructor(source: BodySource, limit: number) {
    this.contentLength = source.contentLength;
    this.done = source.stream((chunk) => this.arrive(chunk), limit);
    this.done.then(
      () => (this.finished = true),
      () => (this.finished = true),
    );
  }

  private arrive(chunk: Buffer): void | Promise<void> {
    if (this.consumer !== undefined) return this.consumer(chunk);
    this.chunks.push(chunk);
    return new Promise<void>((resolve) => (this.release = resolve));
  }

  /** Whether the whole body arrived (a response before that must close the connection). */
  get complete(): boolean {
    return this.finished;
  }

  read(limit: number, to: BodyConsumer): void {
    const parts: Buffer[] = [];
    let total = 0;
    this.stream((chunk) => {
      total += chunk.length;
      parts.push(chunk);
    }, limit).then(
      () => to.body(Buffer.concat(parts, total)),
      (err: unknown) => to.error(err),
    );
  }

  async stream(onChunk: (chunk: Buffer) => void | Promise<void>, _limit: number): Promise<void> {
    // The limit was applied when the held read started (the route's own).
    for (const chunk of this.chunks.splice(0)) await onChunk(chunk);
    this.consumer = onChunk;
    const release = this.release;
    this.release = undefined;
    release?.();
    await this.done;
  }
}
