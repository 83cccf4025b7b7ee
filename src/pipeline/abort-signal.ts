import type { ResponseSink } from "../adapter/types";

/**
 * An `AbortSignal` parameter's value: aborted when the client goes away
 * before the exchange is over, so a handler (an SSE generator waiting on a
 * timer or a query) can stop at once instead of at its next step.
 */
export function abortSignal(sink: ResponseSink): AbortSignal {
  const controller = new AbortController();
  sink.onAbort(() => controller.abort(new Error("the client went away")));
  return controller.signal;
}
