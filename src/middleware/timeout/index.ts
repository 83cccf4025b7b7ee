import type { ResponseSink } from "../../pipeline/sink";
import type { Middleware } from "../types";

export interface TimeoutOptions {
  /** Seconds a request may take before it is answered 408. */
  seconds: number;
}

/**
 * Answers 408 (empty body, as Spikard) when the response has not started
 * within the limit. The handler keeps running; what it answers later is dropped.
 */
export function timeout(options: TimeoutOptions): Middleware {
  const ms = options.seconds * 1000;
  return {
    name: "timeout",
    handle(raw, sink, next) {
      let started = false;
      let timedOut = false;
      const timer = setTimeout(() => {
        if (!started && !sink.aborted) {
          started = true;
          timedOut = true;
          sink.send(408, [], undefined, raw.method === "HEAD");
        }
      }, ms);
      const guarded: ResponseSink = {
        // After a 408 the pipeline sees a gone client and stops producing.
        get aborted() {
          return sink.aborted || timedOut;
        },
        onAbort: (cb) => sink.onAbort(cb),
        send(status, headers, body, headOnly) {
          if (started) return;
          started = true;
          clearTimeout(timer);
          sink.send(status, headers, body, headOnly);
        },
        startStream(status, headers) {
          if (started) return;
          started = true;
          clearTimeout(timer);
          sink.startStream(status, headers);
        },
        write: (chunk) => sink.write(chunk),
        onDrain: (cb) => sink.onDrain(cb),
        endStream: () => sink.endStream(),
        close: () => sink.close(),
      };
      sink.onAbort(() => clearTimeout(timer));
      next(guarded);
    },
  };
}
