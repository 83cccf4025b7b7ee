import type { ResponseSink } from "../../pipeline/sink";
import type { Middleware } from "../types";

export interface TimeoutOptions {
  /** Seconds a request may take before it is answered 408. */
  seconds: number;
}

/**
 * The 408's headers. The request it answers may still be sending its body, and
 * whatever it sends next cannot be framed as a new request: the connection
 * closes after the answer, as node:http does for its own request timeout.
 */
const TIMEOUT_HEADERS: readonly string[] = Object.freeze(["connection", "close"]);

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
      // What the pipeline registered to run when the client goes away (removing spooled uploads, stopping a
      // body read): after a 408 the request is abandoned just as if it had, so they run then too, once.
      let onGone: Array<() => void> | undefined;
      const gone = (): void => {
        const callbacks = onGone;
        onGone = undefined;
        if (callbacks !== undefined) for (const cb of callbacks) cb();
      };
      const timer = setTimeout(() => {
        if (!started && !sink.aborted) {
          started = true;
          timedOut = true;
          // Not headOnly for HEAD: the body is empty, so the bytes are the same, and only a whole answer can close.
          sink.send(408, TIMEOUT_HEADERS, undefined, false);
          gone();
        }
      }, ms);
      const guarded: ResponseSink = {
        // After a 408 the pipeline sees a gone client and stops producing.
        get aborted() {
          return sink.aborted || timedOut;
        },
        onAbort(cb) {
          if (sink.aborted || timedOut) return cb();
          (onGone ??= []).push(cb);
        },
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
      sink.onAbort(() => {
        clearTimeout(timer);
        gone();
      });
      next(guarded);
    },
  };
}
