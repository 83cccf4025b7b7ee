import type { ServerSocket, SocketSendStatus, SocketSession } from "../adapter/types";
import type { Request } from "../context";
import { HttpError, SpikardError } from "../errors";
import { encodeOutgoing } from "../pipeline/outgoing";
import { copyOf, decodeIncoming, type Decoded } from "./incoming";
import { CLOSE_CODES, sendableCloseCode, socketFrame, type CloseCodeName } from "./frames";
import type { IdleWatched, SocketPlan } from "./plan";
import { WebSocket, type SendResult, type SocketControl } from "./socket";
import type { Subscriber } from "./topics";

const OPENING = 0;
const OPEN = 1;
const CLOSED = 2;
const NONE: readonly unknown[] = [];

type HandlerName = "open" | "message" | "close" | "drain";

/**
 * One WebSocket connection: the session the adapter drives, running the
 * route's message plan for each message (parse → validate → inject → handler
 * → typed writer) with the handshake's extracted parameters.
 *
 * Messages are handled one at a time, in order: while a handler's promise
 * (or `open`'s) is pending, later messages wait (up to `maxPendingBytes`),
 * so replies leave in the order their messages came and `open` has set up
 * the state before the first message is seen. `open` and `close` run exactly
 * once each; `close` waits for a pending handler, and what the handshake's
 * dependencies opened is cleaned up after it (the adapter waits for `closed`).
 */
export class Connection implements SocketSession, SocketControl, Subscriber, IdleWatched {
  readonly ws: WebSocket<unknown, Record<string, unknown>>;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[]>>;
  dropped = 0;
  private socket: ServerSocket | undefined;
  private phase = OPENING;
  private busy = false;
  private pending: Uint8Array[] | undefined;
  private pendingBytes = 0;
  /** Closed while a handler was pending: the close handler runs once it settled. */
  private closing: { code: number; reason: string; done: () => void } | undefined;
  private lastSeen = 0;
  /** Something arrived since the last idle check (a flag, not a timestamp: no clock read per message). */
  private active = false;
  private pinged = false;
  /** The last send was queued behind a slow client: until the next drain, sends look at the buffer first. */
  private backedUp = false;
  private topics: Set<string> | undefined;
  private drainWaiters: Array<() => void> | undefined;

  constructor(
    private readonly plan: SocketPlan,
    /** The handshake's arguments, as the route's extractors, hooks and dependencies made them. */
    private readonly args: readonly unknown[],
    req: Request,
    readonly protocol: string | undefined,
  ) {
    this.ws = new WebSocket(this);
    this.params = { ...req.params };
    this.query = req.query;
  }

  get compression(): boolean {
    return this.plan.options.compression;
  }

  get remoteAddress(): string {
    return this.socket?.remoteAddress ?? "";
  }

  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  get isClosed(): boolean {
    return this.phase === CLOSED;
  }

  // --- the adapter's side (SocketSession)

  open(socket: ServerSocket): void {
    this.socket = socket;
    this.phase = OPEN;
    this.lastSeen = Date.now();
    this.plan.watch(this);
    const open = this.plan.handlers.open;
    if (open !== undefined) this.call("open", open, NONE);
  }

  message(data: ArrayBuffer | Uint8Array, _binary: boolean): void {
    if (this.phase !== OPEN) return;
    this.seen();
    // uWS's ArrayBuffer as it is: no view made around it per message (decoding reads it directly).
    const size = data.byteLength;
    if (size > this.plan.options.maxPayloadLength) return this.closeWith("TOO_BIG");
    if (!this.busy) return this.handle(data);
    this.pendingBytes += size;
    if (this.pendingBytes > this.plan.options.maxPendingBytes) return this.closeWith("TOO_MANY_PENDING");
    (this.pending ??= []).push(copyOf(data));
  }

  drain(): void {
    if (this.phase !== OPEN) return;
    if (this.bufferedAmount === 0) {
      this.backedUp = false;
      this.wakeDrained();
    }
    const drain = this.plan.handlers.drain;
    if (drain !== undefined) this.call("drain", drain, NONE);
  }

  pong(): void {
    this.seen();
  }

  closed(code: number, reason: string): Promise<void> {
    if (this.phase === CLOSED) return Promise.resolve();
    this.phase = CLOSED;
    this.plan.unwatch(this);
    for (const topic of this.topics ?? []) this.plan.runtime.hub.unsubscribe(topic, this);
    this.topics = undefined;
    this.pending = undefined;
    this.wakeDrained();
    return new Promise((done) => {
      if (this.busy) this.closing = { code, reason, done };
      else this.runClose(code, reason, done);
    });
  }

  checkIdle(now: number): void {
    if (this.phase !== OPEN) return;
    if (this.active) {
      this.active = false;
      this.lastSeen = now;
    }
    const idle = now - this.lastSeen;
    const timeout = this.plan.options.idleTimeoutMs;
    if (idle >= timeout) {
      // A ping went unanswered: the peer is gone, and a close frame would wait behind it.
      if (this.pinged) this.socket!.terminate();
      else this.closeWith("IDLE");
    } else if (this.plan.options.sendPings && !this.pinged && idle >= timeout / 2) {
      this.pinged = true;
      this.socket!.ping();
    }
  }

  // --- the handler's side (what WebSocket forwards)

  send(value: unknown): SendResult {
    if (this.phase !== OPEN) return "closed";
    const out = this.plan.meta.outgoing;
    // A typed JSON message, the common case: checked and serialized with no intermediate object.
    if (out.kind === "json" && (out.is === undefined || out.is(value))) return this.write(out.stringify!(value), false);
    const encoded = encodeOutgoing(out, value);
    if (typeof encoded === "string") return this.invalid("message", encoded);
    return this.write(encoded.data, encoded.binary);
  }

  publish(topic: string, value: unknown): boolean {
    checkTopic(topic);
    const encoded = encodeOutgoing(this.plan.meta.outgoing, value);
    if (typeof encoded === "string") {
      this.invalid(`publish to "${topic}"`, encoded);
      return false;
    }
    this.plan.runtime.hub.publish(topic, encoded, this);
    return true;
  }

  deliver(data: string | Uint8Array, binary: boolean): void {
    if (this.phase === OPEN) this.write(data, binary);
  }

  subscribe(topic: string): void {
    checkTopic(topic);
    if (this.phase === CLOSED || this.topics?.has(topic)) return;
    (this.topics ??= new Set()).add(topic);
    this.plan.runtime.hub.subscribe(topic, this);
  }

  unsubscribe(topic: string): void {
    if (this.topics?.delete(topic)) this.plan.runtime.hub.unsubscribe(topic, this);
  }

  isSubscribed(topic: string): boolean {
    return this.topics?.has(topic) ?? false;
  }

  topicList(): string[] {
    return [...(this.topics ?? [])];
  }

  drained(): Promise<void> {
    if (this.phase !== OPEN || this.bufferedAmount === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  cork(fn: () => void): void {
    if (this.socket !== undefined && this.phase === OPEN) this.socket.cork(fn);
    else fn();
  }

  close(code: number, reason: string): void {
    if (!sendableCloseCode(code)) throw new SpikardError("WEBSOCKET", `close code ${code} cannot be sent (use 1000, 1001-1003, 1007-1014 or 3000-4999)`);
    if (typeof reason !== "string" || Buffer.byteLength(reason) > 123) throw new SpikardError("WEBSOCKET", "a close reason is a string of at most 123 bytes");
    if (this.phase === OPEN) this.socket!.end(code, reason);
  }

  terminate(): void {
    if (this.phase === OPEN) this.socket!.terminate();
  }

  // --- the message plan

  private handle(bytes: ArrayBuffer | Uint8Array): void {
    const plan = this.plan;
    const decoded = decodeIncoming(plan.meta.incoming, bytes, plan.errorFormat, plan.runtime.maxJsonDepth);
    if (!decoded.ok) return this.refuse(decoded);
    this.call("message", plan.handlers.message, [decoded.value]);
  }

  private refuse(d: Exclude<Decoded, { ok: true }>): void {
    if (this.plan.options.closeOnInvalid) {
      const close: Record<typeof d.why, CloseCodeName> = { INVALID_JSON: "INVALID_JSON", INVALID_UTF8: "INVALID_UTF8", MESSAGE_TOO_DEEP: "TOO_DEEP", MESSAGE_VALIDATION: "INVALID_MESSAGE" };
      return this.closeWith(close[d.why]);
    }
    switch (d.why) {
      case "MESSAGE_VALIDATION":
        return this.frame(socketFrame("MESSAGE_VALIDATION", d.errors));
      case "MESSAGE_TOO_DEEP":
        return this.frame(socketFrame("MESSAGE_TOO_DEEP", this.plan.runtime.maxJsonDepth));
      default:
        return this.frame(socketFrame(d.why));
    }
  }

  private reply(value: unknown): void {
    if (value !== undefined && this.phase === OPEN) this.send(value);
  }

  /**
   * Calls a handler with its fixed arguments (the socket where it takes it,
   * the message) and its handshake parameters. A promise from open or message
   * makes the connection busy until it settles: later messages wait.
   */
  private call(name: "open" | "message" | "drain", fn: (...a: unknown[]) => unknown, fixed: readonly unknown[]): void {
    let result: unknown;
    try {
      result = fn(...this.argsOf(name, fixed));
    } catch (err) {
      return this.failed(name, err);
    }
    if (!isPromise(result)) return this.settled(name, result);
    if (name === "drain") return void result.then(undefined, (err: unknown) => this.failed(name, err));
    this.busy = true;
    result
      .then(
        (v) => this.settled(name, v),
        (err: unknown) => this.failed(name, err),
      )
      .finally(() => {
        this.busy = false;
        this.resume();
      });
  }

  private argsOf(name: HandlerName, fixed: readonly unknown[]): readonly unknown[] {
    const h = this.plan.meta.handlers[name];
    // The seed's form, the common case: the message alone, no array built.
    if (h === undefined || (!h.socket && h.args.length === 0)) return fixed;
    const args: unknown[] = h.socket ? [this.ws, ...fixed] : [...fixed];
    for (const i of h.args) args.push(this.args[i]);
    return args;
  }

  private settled(name: HandlerName, value: unknown): void {
    if (name === "message") this.reply(value);
  }

  private failed(name: HandlerName, err: unknown): void {
    if (name === "open") return this.openFailed(err);
    if (name === "message") return this.handlerFailed(err);
    this.log(`${name} handler failed`, err);
  }

  /** A handler settled: close if the connection closed meanwhile, else handle the messages that waited. */
  private resume(): void {
    const closing = this.closing;
    if (closing !== undefined) {
      this.closing = undefined;
      return this.runClose(closing.code, closing.reason, closing.done);
    }
    const queue = this.pending;
    while (!this.busy && queue !== undefined && queue.length > 0 && this.phase === OPEN) {
      const next = queue.shift()!;
      this.pendingBytes -= next.byteLength;
      this.handle(next);
    }
  }

  private runClose(code: number, reason: string, done: () => void): void {
    const close = this.plan.handlers.close;
    if (close === undefined) return done();
    let result: unknown;
    try {
      result = close(...this.argsOf("close", [code, reason]));
    } catch (err) {
      this.log("close handler failed", err);
      return done();
    }
    if (isPromise(result)) result.then(done, (err: unknown) => (this.log("close handler failed", err), done()));
    else done();
  }

  private handlerFailed(err: unknown): void {
    if (this.phase !== OPEN) return;
    if (err instanceof HttpError) return this.frame(socketFrame("HTTP_ERROR", err.statusCode, err.detail));
    this.log("message handler failed", err);
    this.frame(socketFrame("HANDLER_FAILED"));
  }

  private openFailed(err: unknown): void {
    this.log("open handler failed", err);
    this.closeWith("OPEN_FAILED");
  }

  // --- writing

  private frame(text: string): void {
    if (this.phase === OPEN) this.write(text, false);
  }

  /** Every write goes through the route's backpressure policy: over the limit, drop (counted) or close. */
  private write(data: string | Uint8Array, binary: boolean): SendResult {
    const socket = this.socket!;
    const options = this.plan.options;
    if (this.backedUp && socket.bufferedAmount > options.backpressureLimit) {
      this.dropped++;
      if (options.onLimit === "close") this.closeWith("BACKPRESSURE");
      return "dropped";
    }
    const status: SocketSendStatus = socket.send(data, binary);
    if (status !== "sent") this.backedUp = true;
    if (status === "dropped") this.dropped++;
    return status;
  }

  private closeWith(name: CloseCodeName): void {
    const c = CLOSE_CODES[name];
    if (this.phase === OPEN) this.socket!.end(c.code, c.reason);
  }

  private invalid(what: string, why: string): SendResult {
    this.plan.runtime.logger.error(`spikard: WebSocket ${this.plan.path}: an outgoing ${what} does not match its declared type (${why}); not sent`);
    return "invalid";
  }

  private wakeDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = undefined;
    if (waiters !== undefined) for (const w of waiters) w();
  }

  private seen(): void {
    this.active = true;
    this.pinged = false;
  }

  private log(what: string, err: unknown): void {
    this.plan.runtime.logger.error(`spikard: WebSocket ${this.plan.path}: ${what}`, err);
  }
}

function isPromise(v: unknown): v is Promise<unknown> {
  return v !== null && typeof v === "object" && typeof (v as Promise<unknown>).then === "function";
}

function checkTopic(topic: unknown): void {
  if (typeof topic !== "string" || topic.length === 0) throw new SpikardError("WEBSOCKET", `a topic is a non-empty string, got ${JSON.stringify(topic)}`);
}
