import { httpError } from "../http-errors";
import type { Exchange, ExchangeHandler } from "./types";

/**
 * Requests an adapter is answering, and whether it is closing (its answers
 * then close their connections). Every adapter drains through one of these.
 */
export class InFlight {
  count = 0;
  draining = false;
  private readonly waiters: Array<() => void> = [];

  started(): void {
    this.count++;
  }

  finished(): void {
    // Guarded: splice(0) allocates an array, and most requests end with nobody waiting.
    if (--this.count === 0 && this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once no request is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise<void>((done) => {
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        done();
      });
    });
  }
}

/**
 * Calls the app's handler for one exchange. Whatever escapes it is answered
 * 500 and logged: a throw out of a server library's callback ends the process.
 */
export function dispatch(handler: ExchangeHandler, exchange: Exchange): void {
  try {
    handler(exchange);
  } catch (err) {
    console.error("spikard: unhandled error in the request path", err);
    const p = httpError("INTERNAL", []);
    exchange.send(p.status, p.headers, p.body, false);
  }
}

/** Runs an exchange's completion callbacks; one that throws is logged and the rest still run (adapters' callbacks must not throw). */
export function runCallbacks(callbacks: Array<() => void> | undefined): void {
  if (callbacks === undefined) return;
  for (const cb of callbacks.splice(0)) {
    try {
      cb();
    } catch (err) {
      console.error("spikard: a completion callback failed", err);
    }
  }
}
