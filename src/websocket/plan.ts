import type { WebSocketMeta } from "../runtime/meta";
import type { ChannelRuntime } from "../route-definition";
import type { ErrorFormat } from "../validation/error-mapper";
import type { SocketOptions } from "./options";
import type { TopicHub } from "./topics";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SocketHandler = (...args: any[]) => unknown;

/** What a route's handlers are, after the seed's function form is read as `{ message }`. */
export interface SocketHandlers {
  open?: SocketHandler;
  message: SocketHandler;
  close?: SocketHandler;
  drain?: SocketHandler;
}

/** What a route needs of its app: topics, logging, the validation error format and JSON limits. */
export interface SocketRuntime extends ChannelRuntime {
  readonly hub: TopicHub;
}

/** Anything the idle sweep looks at. */
export interface IdleWatched {
  /** Closes or pings the connection if it has been quiet too long; `now` in ms. */
  checkIdle(now: number): void;
}

/** A WebSocket route ready to serve connections: its handlers, message plan and limits, bound to its app. */
export class SocketPlan {
  private readonly watched = new Set<IdleWatched>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    readonly meta: WebSocketMeta,
    readonly handlers: SocketHandlers,
    readonly options: SocketOptions,
    readonly runtime: SocketRuntime,
    readonly errorFormat: ErrorFormat,
  ) {}

  /**
   * Open connections are checked for idleness on one coarse timer per route
   * (a quarter of the timeout, at most every 4 s), not a timer each: a
   * message then costs a timestamp, not a timer reset.
   */
  watch(c: IdleWatched): void {
    if (this.options.idleTimeoutMs === 0) return;
    this.watched.add(c);
    if (this.sweep === undefined) {
      const every = Math.min(Math.max(this.options.idleTimeoutMs / 4, 10), 4000);
      this.sweep = setInterval(() => {
        const now = Date.now();
        for (const w of this.watched) w.checkIdle(now);
      }, every);
      this.sweep.unref();
    }
  }

  unwatch(c: IdleWatched): void {
    if (!this.watched.delete(c) || this.watched.size > 0 || this.sweep === undefined) return;
    clearInterval(this.sweep);
    this.sweep = undefined;
  }
}
