import type { OutgoingMeta } from "../runtime/meta";
import { formatEvent, KEEP_ALIVE } from "./format";

type Source = AsyncIterator<unknown> | Iterator<unknown>;

interface Waiter {
  resolve(r: IteratorResult<string>): void;
  reject(err: unknown): void;
}

/**
 * A handler's generator as the text of an event stream, pulled by the
 * response writer only as fast as the client takes it (pipeStream's
 * backpressure: a slow client stalls the generator, memory stays bounded).
 *
 * While the generator has nothing to say, a keep-alive comment goes out at
 * least every `keepAliveMs`: one timer per stream ticks at half that, and a
 * tick after which no event went out sends one (a flag per event, not a
 * timer refresh per event: that cost a clock read and a timer-list move). `return()` — the client left — ends the stream at once and asks the
 * generator to finish: a generator parked at its `yield` runs its `finally`
 * immediately; one inside an `await` does when that await settles (an
 * `AbortSignal` parameter makes that prompt too). What the generator throws
 * after the client left is nobody's failure and is dropped.
 */
export class EventStream implements AsyncIterableIterator<string> {
  private waiter: Waiter | undefined;
  /** A value the generator produced after a keep-alive answered the waiter. */
  private early: IteratorResult<unknown> | undefined;
  private earlyError: { err: unknown } | undefined;
  private pulling = false;
  private finished = false;
  /** An event went out since the last keep-alive tick. */
  private active = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: Source,
    private readonly meta: OutgoingMeta,
    keepAliveMs: number,
    private readonly invalid: (why: string) => void,
  ) {
    if (keepAliveMs > 0) {
      this.timer = setInterval(() => this.keepAlive(), keepAliveMs / 2);
      this.timer.unref();
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<string>> {
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      if (this.earlyError !== undefined) {
        const { err } = this.earlyError;
        this.earlyError = undefined;
        return this.failed(err);
      }
      const early = this.early;
      this.early = undefined;
      if (early !== undefined) return this.produced(early);
      this.pull();
    });
  }

  async return(): Promise<IteratorResult<string>> {
    this.finish({ done: true, value: undefined });
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  private pull(): void {
    if (this.pulling) return;
    this.pulling = true;
    let step: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      step = this.source.next();
    } catch (err) {
      this.pulling = false;
      return this.failed(err);
    }
    if (!(step instanceof Promise)) {
      this.pulling = false;
      return this.produced(step);
    }
    step.then(
      (r) => {
        this.pulling = false;
        this.produced(r);
      },
      (err: unknown) => {
        this.pulling = false;
        this.failed(err);
      },
    );
  }

  private produced(r: IteratorResult<unknown>): void {
    if (this.finished) return;
    if (this.waiter === undefined) {
      this.early = r;
      return;
    }
    if (r.done) return this.finish({ done: true, value: undefined });
    const text = formatEvent(r.value, this.meta);
    if (typeof text !== "string") {
      this.invalid(text.invalid);
      return this.pull();
    }
    this.active = true;
    const w = this.waiter;
    this.waiter = undefined;
    w.resolve({ done: false, value: text });
  }

  private failed(err: unknown): void {
    if (this.finished) return;
    const w = this.waiter;
    if (w === undefined) {
      this.earlyError = { err };
      return;
    }
    this.finished = true;
    this.waiter = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
    w.reject(err);
  }

  private keepAlive(): void {
    if (this.finished) return;
    if (this.active) {
      this.active = false;
      return;
    }
    const w = this.waiter;
    if (w === undefined) return;
    // The generator's step stays in flight: its value goes to the next pull.
    this.waiter = undefined;
    w.resolve({ done: false, value: KEEP_ALIVE });
  }

  private finish(r: IteratorResult<string>): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve(r);
  }
}
