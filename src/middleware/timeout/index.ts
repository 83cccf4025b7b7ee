import { readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";
import type { AnyResponse } from "../../response";

export interface TimeoutOptions {
  /** Seconds a request may take before it is answered 408. */
  seconds: number;
}

/**
 * Answers 408 (empty body, as Spikard) when the rest of the chain has not
 * answered within the limit. The handler keeps running; what it answers later
 * is dropped, and what the request holds (spooled uploads, dependencies) is
 * released once the handler is done too. A 408 sent while the body is still
 * arriving closes the connection (the adapters do so for any early answer).
 */
export function timeout(options: TimeoutOptions): Middleware {
  if (!(options.seconds > 0)) throw new Error("timeout needs seconds > 0");
  const ms = options.seconds * 1000;
  return readOnlyBeforeNext(function timeout(_req, next) {
    const r = next();
    if (!(r instanceof Promise)) return r;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<AnyResponse>((resolve) => {
      timer = setTimeout(() => resolve(rejection("REQUEST_TIMEOUT", [])), ms);
    });
    return Promise.race([r, expired]).finally(() => clearTimeout(timer));
  });
}
