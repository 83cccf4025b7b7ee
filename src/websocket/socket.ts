/** What a WebSocket asks of its connection (connection.ts's Connection; declared here so the two modules do not import each other). */
export interface SocketControl {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly protocol: string | undefined;
  readonly remoteAddress: string;
  readonly bufferedAmount: number;
  readonly dropped: number;
  readonly isClosed: boolean;
  send(value: unknown): SendResult;
  publish(topic: string, value: unknown): boolean;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  isSubscribed(topic: string): boolean;
  topicList(): string[];
  drained(): Promise<void>;
  cork(fn: () => void): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

/**
 * What a send did: written, queued behind a slow client, refused by the
 * route's backpressure policy (`dropped`), refused because the value does not
 * match the declared type (`invalid`, logged), or the connection is gone.
 */
export type SendResult = "sent" | "buffered" | "dropped" | "invalid" | "closed";

/**
 * One WebSocket connection as its handlers see it. `Out` is the type of
 * what the server sends (checked and serialized by generated code, as a
 * response body is); `State` is the connection's own data (`ws.state`).
 *
 * ```ts
 * open(ws: WebSocket<Ack | ChatMessage, { user: string }>, room: Path<string>) { ws.state.user = "ada"; ws.subscribe(room); }
 * ```
 * @spikardSocket
 */
export class WebSocket<Out = unknown, State extends object = Record<string, any>> {
  /** Per-connection state: set it in `open`, read it in `message` and `close`. */
  state: State = {} as State;

  /** @internal */
  constructor(private readonly connection: SocketControl) {}

  /** The handshake's path parameters (raw strings). */
  get params(): Readonly<Record<string, string>> {
    return this.connection.params;
  }

  /** The handshake's query parameters; repeated keys become arrays. */
  get query(): Readonly<Record<string, string | string[]>> {
    return this.connection.query;
  }

  /** The subprotocol chosen from the client's `Sec-WebSocket-Protocol` (the route's `protocols` option). */
  get protocol(): string | undefined {
    return this.connection.protocol;
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  /**
   * Sends a message: strings as text frames, `Uint8Array` as binary frames,
   * other values as JSON through the route's generated serializer. A value
   * that does not match `Out` is not sent (and is logged).
   */
  send(message: Out): SendResult {
    return this.connection.send(message);
  }

  /**
   * Sends a message to every subscriber of `topic` but this connection: on
   * this thread, the other worker threads, and (with a `broker`) every other
   * instance. False when the value does not match `Out` (nothing is sent).
   */
  publish(topic: string, message: Out): boolean {
    return this.connection.publish(topic, message);
  }

  subscribe(topic: string): void {
    this.connection.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    this.connection.unsubscribe(topic);
  }

  isSubscribed(topic: string): boolean {
    return this.connection.isSubscribed(topic);
  }

  get topics(): string[] {
    return this.connection.topicList();
  }

  /** Bytes written but not yet taken by the client. */
  get bufferedAmount(): number {
    return this.connection.bufferedAmount;
  }

  /** Messages the backpressure policy refused on this connection so far. */
  get dropped(): number {
    return this.connection.dropped;
  }

  get closed(): boolean {
    return this.connection.isClosed;
  }

  /** Resolves once everything buffered has gone out (at once when nothing is), or the connection closed. */
  drained(): Promise<void> {
    return this.connection.drained();
  }

  /** Batches the sends `fn` makes into as few writes as possible. */
  cork(fn: () => void): void {
    this.connection.cork(fn);
  }

  /** Closes with a close frame (`code` 1000, 1001-1003, 1007-1014 or 3000-4999; `reason` at most 123 bytes). */
  close(code = 1000, reason = ""): void {
    this.connection.close(code, reason);
  }

  /** Drops the connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.connection.terminate();
  }
}
