import { PayloadTooLargeError, type BodyConsumer, type BodySource } from "./sink";
import type { RawRequest } from "../request";

/** Held in memory at most before the socket is paused (bodies of declared length) until the route reads. */
const PAUSE_AT = 64 * 1024;

/**
 * A request body kept while an asynchronous middleware decides (a rate limit
 * kept in Redis). uWS hands a body only to a reader attached during its own
 * call, and the route's reader comes later: so reading starts now, chunks are
 * queued, and the route's `read`/`stream` gets them replayed, then the rest
 * as it arrives.
 *
 * Bounded: a body of declared length is paused once PAUSE_AT bytes wait (never
 * on its last chunk: a paused socket would not resume), a chunked one is
 * queued up to `maxHeld` bytes and refused past it. `discard()` (the answer
 * came from the middleware, or the route never read) drops what is queued and
 * lets the rest of the body through unread.
 */
export class HeldBody implements BodySource {
  readonly contentLength: number | undefined;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private received = 0;
  private ended = false;
  private failure: unknown = undefined;
  private discarded = false;
  /** The route's reader, once it streams live chunks. */
  private live: ((chunk: Buffer) => void | Promise<void>) | undefined;
  /** Ends a live stream once the source ended. */
  private onEnd: (() => void) | undefined;
  /** Resumes the source paused at PAUSE_AT. */
  private resume: (() => void) | undefined;
  private started = false;

  /** `hasBody`: the request declared a length or a transfer coding (otherwise it has none to read). */
  constructor(source: BodySource, hasBody: boolean, private readonly maxHeld: number) {
    this.contentLength = source.contentLength;
    if (!hasBody || this.contentLength === 0) {
      this.ended = true;
      return;
    }
    source.stream((chunk) => this.push(chunk), Infinity).then(
      () => this.finish(undefined),
      (err: unknown) => this.finish(err ?? new Error("body failed")),
    );
  }

  private push(chunk: Buffer): void | Promise<void> {
    this.received += chunk.length;
    if (this.discarded) return;
    if (this.live !== undefined) return this.live(chunk);
    if (this.failure !== undefined) return;
    this.queued += chunk.length;
    if (this.queued > this.maxHeld) {
      this.failure = new PayloadTooLargeError(this.maxHeld);
      this.queue.length = 0;
      return;
    }
    this.queue.push(chunk);
    const declared = this.contentLength;
    if (!this.started && declared !== undefined && this.received < declared && this.queued >= PAUSE_AT) {
      return new Promise<void>((resolve) => (this.resume = resolve));
    }
  }

  private finish(err: unknown): void {
    if (err !== undefined && this.failure === undefined) this.failure = err;
    this.ended = true;
    this.onEnd?.();
  }

  private release(): void {
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }

  /** Nobody will read: drop what is queued and let the rest of the body pass. */
  discard(): void {
    this.discarded = true;
    this.queue.length = 0;
    this.live = undefined;
    this.release();
  }

  read(limit: number, to: BodyConsumer): void {
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) return to.error(new PayloadTooLargeError(limit));
    const parts: Buffer[] = [];
    this.stream((chunk) => void parts.push(chunk), limit).then(
      () => to.body(parts.length === 1 ? parts[0]! : Buffer.concat(parts)),
      (err: unknown) => to.error(err),
    );
  }

  async stream(onChunk: (chunk: Buffer) => void | Promise<void>, limit: number): Promise<void> {
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) throw new PayloadTooLargeError(limit);
    if (this.started) throw new Error("the request body was already read");
    this.started = true;
    let total = 0;
    const take = (chunk: Buffer): void | Promise<void> => {
      total += chunk.length;
      if (total > limit) throw new PayloadTooLargeError(limit);
      return onChunk(chunk);
    };
    this.release();
    // Replay what is queued; chunks arriving meanwhile queue behind it.
    while (this.queue.length > 0) {
      if (this.failure !== undefined) throw this.failure;
      await take(this.queue.shift()!);
    }
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return;
    // Caught up: the rest goes straight to the reader, with the source's own backpressure (a throw
    // or rejection there fails the source's stream, which ends this one through finish()).
    return new Promise<void>((resolve, reject) => {
      this.live = take;
      this.onEnd = () => (this.failure !== undefined ? reject(this.failure) : resolve());
    });
  }
}

/**
 * For the pipeline, when a middleware returned a promise before continuing:
 * keeps what uWS takes back when its call returns (the headers, via `detach`,
 * and the body) for the rest of the chain.
 */
export function holdRequest(raw: RawRequest, body: BodySource, maxHeld: number): HeldBody {
  raw.detach();
  const hasBody = raw.header("content-length") !== undefined || raw.header("transfer-encoding") !== undefined;
  return new HeldBody(body, hasBody, maxHeld);
}
