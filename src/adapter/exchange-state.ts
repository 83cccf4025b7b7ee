import { SpikardError } from "../errors";
import { runCallbacks, type InFlight } from "./in-flight";
import type { SinkCapabilities, SocketSession } from "./types";

// ExchangeState.flags; each adapter numbers its own bits from OWN_FLAGS up.
const ABORTED = 1;
const DONE = 2;
const CLOSE_AFTER = 4;
export const OWN_FLAGS = 8;

/** The callbacks a response may collect; most requests never create them. */
interface Callbacks {
  abort: Array<() => void> | undefined;
  drain: Array<() => void> | undefined;
  complete: Array<() => void> | undefined;
}

const CAPABILITIES: SinkCapabilities = Object.freeze({ streaming: true, trailers: false, upgrade: false });

/**
 * The part of a socket adapter's exchange that is the same in every
 * adapter: its state bits in one number (the adapter adds its own), the
 * callbacks for abort, drain and completion, and the rules around them:
 * `onComplete` fires exactly once (answered, dropped or the client gone), an
 * abort also releases whoever waits for a drain, and the in-flight count
 * drops at completion. A base class rather than a member object: the exchange
 * stays one allocation per request.
 */
export abstract class ExchangeState {
  protected flags: number;
  private callbacks: Callbacks | undefined = undefined;

  constructor(
    protected readonly tracker: InFlight,
    flags: number,
  ) {
    this.flags = flags;
    tracker.started();
  }

  get capabilities(): SinkCapabilities {
    return CAPABILITIES;
  }

  get aborted(): boolean {
    return (this.flags & ABORTED) !== 0;
  }

  /** Answered, dropped or abandoned: nothing more goes out. */
  protected get ended(): boolean {
    return (this.flags & (ABORTED | DONE)) !== 0;
  }

  protected get done(): boolean {
    return (this.flags & DONE) !== 0;
  }

  /** Asked to close after this answer, or the server is closing (also for requests begun before it was). */
  protected get closeRequested(): boolean {
    return (this.flags & CLOSE_AFTER) !== 0 || this.tracker.draining;
  }

  private cb(): Callbacks {
    return (this.callbacks ??= { abort: undefined, drain: undefined, complete: undefined });
  }

  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else (this.cb().abort ??= []).push(cb);
  }

  onComplete(cb: () => void): void {
    if (this.done) cb();
    else (this.cb().complete ??= []).push(cb);
  }

  onDrain(cb: () => void): void {
    if (this.aborted) cb();
    else (this.cb().drain ??= []).push(cb);
  }

  closeAfter(): void {
    this.flags |= CLOSE_AFTER;
  }

  /** Only an adapter whose `capabilities.upgrade` is true switches protocols; it overrides this. */
  upgrade(_session: SocketSession, _protocol: string | undefined, _headers: readonly string[]): void {
    throw new SpikardError("WEBSOCKET", "this exchange cannot switch protocols (its adapter serves no WebSockets)");
  }

  /** The socket can take more. */
  protected drained(): void {
    runCallbacks(this.callbacks?.drain);
  }

  /** The client went away before the exchange completed. */
  protected markAborted(): void {
    if (this.done) return;
    this.flags |= ABORTED;
    const c = this.callbacks;
    if (c !== undefined) {
      runCallbacks(c.abort);
      runCallbacks(c.drain);
    }
    this.complete();
  }

  protected complete(): void {
    if (this.done) return;
    this.flags |= DONE;
    this.tracker.finished();
    runCallbacks(this.callbacks?.complete);
  }

  /**
   * The connection was handed to another protocol (a WebSocket upgrade): nothing more goes out as HTTP and
   * the request is no longer in flight, but completion waits for the new protocol to finish
   * (`runCompleteCallbacks`), as the handshake's dependencies live as long as the connection.
   */
  protected handOver(): void {
    if (this.done) return;
    this.flags |= DONE;
    this.tracker.finished();
  }

  protected runCompleteCallbacks(): void {
    runCallbacks(this.callbacks?.complete);
  }
}
