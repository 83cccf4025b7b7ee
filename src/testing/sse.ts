import type { TestResponse } from "./test-response";

/** One event as an EventSource would dispatch it. */
export interface ReceivedEvent {
  /** The event type: `event:`, or "message". */
  event: string;
  /** The data lines joined with "\n". */
  text: string;
  /** `text` parsed as JSON, or `text` itself when it is not JSON. */
  data: unknown;
  /** The last event id seen on the stream (ids carry over to later events, as in EventSource). */
  id: string;
  /** `retry:` of this event, when it had one. */
  retry?: number;
}

/**
 * The event-stream parser of WHATWG HTML §9.2.6 (what EventSource runs):
 * lines end in CRLF, LF or CR; `data` lines accumulate; an event is
 * dispatched at a blank line unless it has no data; `id` with NUL is
 * ignored; `retry` only when it is digits; comments are counted.
 */
export class EventStreamParser {
  comments: string[] = [];
  private buffer = "";
  private data: string[] = [];
  private type = "";
  private lastId = "";
  private retry: number | undefined;
  private bomChecked = false;

  feed(chunk: string): ReceivedEvent[] {
    let text = this.buffer + chunk;
    if (!this.bomChecked && text.length > 0) {
      this.bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: ReceivedEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A CR at the end of the chunk may be the first half of a CRLF: wait for the next chunk.
      if (c === 13 && i === text.length - 1) break;
      this.line(text.slice(start, i), out);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = text.slice(start);
    return out;
  }

  private line(line: string, out: ReceivedEvent[]): void {
    if (line === "") return this.dispatch(out);
    if (line.startsWith(":")) {
      this.comments.push(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.type = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
  }

  private dispatch(out: ReceivedEvent[]): void {
    const retry = this.retry;
    this.retry = undefined;
    if (this.data.length === 0) {
      this.type = "";
      return;
    }
    const text = this.data.join("\n");
    this.data = [];
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // Not JSON: the text is the data.
    }
    out.push({ event: this.type || "message", text, data, id: this.lastId, ...(retry !== undefined ? { retry } : {}) });
    this.type = "";
  }
}

/** How a test's event stream reaches its reader, in memory or over a socket. */
export interface StreamSource {
  /** Resolves with the status and headers; a response that is not a stream resolves with its whole body. */
  head: Promise<TestResponse>;
  /** Stop (true) or go on (false) reading: a paused reader backs the server up. */
  pause(paused: boolean): void;
  /** The client goes away. */
  abort(): void;
}

export interface SseOptions {
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>> | string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Sent as `Last-Event-ID` (a reconnecting EventSource does). */
  lastEventId?: string;
  /** Bytes read ahead of the test before reading stops (the client's receive buffer). Default 64 KiB. */
  highWaterMark?: number;
  /** Milliseconds to wait for each event. Default 5000. */
  timeout?: number;
}

/**
 * A test's event stream, the same over TestClient and LiveTestClient:
 * `for await (const e of client.sse("/notifications"))`. Reading is driven by
 * the iteration: events not read yet stay buffered up to `highWaterMark`,
 * then the client stops reading and the server's writer waits (backpressure),
 * as a slow EventSource would make it. Leaving the loop (or `close()`)
 * disconnects.
 */
export class SseStream implements AsyncIterable<ReceivedEvent> {
  readonly parser = new EventStreamParser();
  private readonly events: ReceivedEvent[] = [];
  private unread = 0;
  private ended = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  private paused = false;
  private source: StreamSource | undefined;
  private readonly highWaterMark: number;
  private readonly timeoutMs: number;

  constructor(start: (stream: SseStream) => StreamSource, options: SseOptions = {}) {
    this.highWaterMark = options.highWaterMark ?? 64 * 1024;
    this.timeoutMs = options.timeout ?? 5000;
    this.source = start(this);
  }

  /** The response's status and headers (a refusal's whole body too). */
  get response(): Promise<TestResponse> {
    return this.source!.head;
  }

  /** Comments seen so far (keep-alives). */
  get comments(): string[] {
    return this.parser.comments;
  }

  /** A chunk of the body arrived; false asks the transport to stop reading for now. */
  push(chunk: Buffer): boolean {
    for (const e of this.parser.feed(chunk.toString("utf8"))) {
      this.events.push(e);
      this.unread += eventSize(e);
    }
    this.wake();
    if (this.unread < this.highWaterMark) return true;
    this.paused = true;
    return false;
  }

  end(err?: Error): void {
    this.ended = true;
    this.failure ??= err;
    this.wake();
  }

  async next(timeoutMs = this.timeoutMs): Promise<ReceivedEvent | undefined> {
    const head = await this.response;
    if (head.statusCode !== 200 || !(head.headers["content-type"] ?? "").startsWith("text/event-stream")) {
      throw new Error(`not an event stream: ${head.statusCode} ${head.headers["content-type"] ?? ""} ${head.text().slice(0, 300)}`);
    }
    for (;;) {
      const e = this.events.shift();
      if (e !== undefined) {
        this.consumed(e);
        return e;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return undefined;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next `n` events. */
  async take(n: number): Promise<ReceivedEvent[]> {
    const out: ReceivedEvent[] = [];
    while (out.length < n) {
      const e = await this.next();
      if (e === undefined) break;
      out.push(e);
    }
    return out;
  }

  /** Disconnects (the server's generator is told to finish). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.source?.abort();
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ReceivedEvent> {
    try {
      for (;;) {
        const e = await this.next();
        if (e === undefined) return;
        yield e;
      }
    } finally {
      this.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  private consumed(e: ReceivedEvent): void {
    this.unread -= eventSize(e);
    if (this.paused && this.unread < this.highWaterMark / 2) {
      this.paused = false;
      this.source?.pause(false);
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/** About the bytes an event took on the wire: what the client's receive buffer holds for it until it is read. */
function eventSize(e: ReceivedEvent): number {
  return e.text.length + e.event.length + 16;
}
