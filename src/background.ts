/**
 * Work to run after the response is sent, as in the seed's BackgroundTasks.
 * Declare a handler parameter of this type; `tasks.add(fn, ...args)` queues
 * `fn(...args)`. Tasks run one after another once the response is out; a
 * failing task is logged and never changes the response. `server.close()`
 * waits for running tasks (up to the graceful-shutdown timeout).
 * @spikardBackground
 */
export class BackgroundTasks {
  #queue: Array<() => unknown> = [];

  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.#queue.push(() => fn(...args));
  }

  /** Queued task count. */
  get size(): number {
    return this.#queue.length;
  }

  /** @internal Runs the queue; called by the pipeline after the response. */
  async run(log: (msg: string, err: unknown) => void): Promise<void> {
    const queue = this.#queue;
    this.#queue = [];
    for (const task of queue) {
      try {
        await task();
      } catch (err) {
        log("spikard: background task failed", err);
      }
    }
  }
}
