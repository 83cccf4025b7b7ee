import { SpikardError } from "../errors";

export interface SseEventInit<T> {
  /** The event's data: strings as they are (split into `data:` lines), other values as JSON through the route's serializer. */
  data?: T;
  /** The event type (`event:`); an EventSource dispatches it to `addEventListener(type)`. No CR or LF. */
  event?: string;
  /** The event id (`id:`), which a reconnecting client sends back as `Last-Event-ID`. No CR, LF or NUL. */
  id?: string;
  /** Milliseconds a client waits before reconnecting (`retry:`), written as given. */
  retry?: number;
}

/**
 * One Server-Sent Event with more than data: `yield new SseEvent({ data, event: "alert", id: "42", retry: 5000 })`.
 * A field that would break the stream's framing (CR or LF in `event` or `id`) is refused here, where the bug is.
 * @spikardSseEvent
 */
export class SseEvent<T = unknown> {
  readonly data: T | undefined;
  readonly event: string | undefined;
  readonly id: string | undefined;
  readonly retry: number | undefined;

  constructor(init: SseEventInit<T>) {
    if (init.event !== undefined && (typeof init.event !== "string" || /[\r\n]/.test(init.event))) throw new SpikardError("SSE_EVENT", "event must be a string without CR or LF");
    if (init.id !== undefined && (typeof init.id !== "string" || /[\r\n\0]/.test(init.id))) throw new SpikardError("SSE_EVENT", "id must be a string without CR, LF or NUL");
    if (init.retry !== undefined && !(Number.isSafeInteger(init.retry) && init.retry >= 0)) throw new SpikardError("SSE_EVENT", `retry must be a whole number of milliseconds >= 0, got ${String(init.retry)}`);
    this.data = init.data;
    this.event = init.event;
    this.id = init.id;
    this.retry = init.retry;
  }
}
