import { Readable } from "node:stream";
import type { ResponseSink } from "../adapter/types";
import { hasHeader } from "../http/header-list";
import { httpError } from "../http-errors";
import { flattenHeaders, Response, StreamingResponse, type AnyResponse, type StreamSource } from "../response";
import { UpgradeResponse } from "./upgrade-response";

export const JSON_TYPE = "application/json";
export const TEXT_TYPE = "text/plain; charset=utf-8";
export const BYTES_TYPE = "application/octet-stream";

export const JSON_HEADERS: readonly string[] = Object.freeze(["content-type", JSON_TYPE]);
export const TEXT_HEADERS: readonly string[] = Object.freeze(["content-type", TEXT_TYPE]);
export const BYTES_HEADERS: readonly string[] = Object.freeze(["content-type", BYTES_TYPE]);
const NO_HEADERS: readonly string[] = Object.freeze([]);

/**
 * typia's serializer for a plain handler value wrapped into a Response, carried on the Response
 * itself: a WeakMap would add an ephemeron per request that only a full GC clears.
 */
const SERIALIZER = Symbol("spikard.serializer");
type Serialized = Response & { [SERIALIZER]?: (v: unknown) => string };

export function attachSerializer(r: Response, serialize: ((v: unknown) => string) | undefined): void {
  if (serialize !== undefined) (r as Serialized)[SERIALIZER] = serialize;
}

/**
 * A sink that keeps what is answered as a Response instead of writing it: the
 * route's answer as middleware see it. Whole responses arrive through `send`;
 * Response and StreamingResponse values are handed over as they are (see sendDynamic).
 */
export interface ResponseCollector extends ResponseSink {
  collect(r: AnyResponse): void;
}

function isCollector(sink: ResponseSink): sink is ResponseCollector {
  return typeof (sink as Partial<ResponseCollector>).collect === "function";
}

/** Writes a value whose kind is only known at run time (a `Response`, a stream, or a plain value). */
export function sendDynamic(
  sink: ResponseSink,
  value: unknown,
  status: number,
  headOnly: boolean,
  stringify: ((v: unknown) => string) | undefined,
  extraHeaders: readonly string[] = NO_HEADERS,
): void | Promise<void> {
  if (value instanceof UpgradeResponse && !isCollector(sink)) return upgrade(sink, value, extraHeaders);
  if (value instanceof Response || value instanceof StreamingResponse) {
    // A Response's content is the handler's own choice, not the route's declared type: never the route's serializer.
    if (isCollector(sink)) return sink.collect(value);
    if (value instanceof Response) return sendResponse(sink, value, headOnly, extraHeaders);
    const headers = [...extraHeaders, ...flattenHeaders(value)];
    if (!hasHeader(headers, "content-type")) headers.push("content-type", value.mediaType);
    return pipeStream(sink, value.statusCode, headers, value.source, headOnly);
  }
  sendPlain(sink, value, status, headOnly, stringify, extraHeaders);
}

/** A handshake's answer: the switch to the WebSocket protocol, or 426 where this sink cannot make it. */
function upgrade(sink: ResponseSink, r: UpgradeResponse, extraHeaders: readonly string[]): void {
  if (!sink.capabilities.upgrade) {
    const p = httpError("UPGRADE_REQUIRED", ["This server cannot switch this connection to the WebSocket protocol"], ["upgrade", "websocket"]);
    return sink.send(p.status, p.headers, p.body, false);
  }
  sink.upgrade(r.session, r.protocol, [...extraHeaders, ...flattenHeaders(r)]);
}

export function sendPlain(
  sink: ResponseSink,
  value: unknown,
  status: number,
  headOnly: boolean,
  stringify: ((v: unknown) => string) | undefined,
  extraHeaders: readonly string[],
): void {
  if (value === undefined) return sink.send(status, extraHeaders, undefined, headOnly);
  if (typeof value === "string") return sink.send(status, withType(extraHeaders, TEXT_TYPE), value, headOnly);
  if (value instanceof Uint8Array) return sink.send(status, withType(extraHeaders, BYTES_TYPE), value, headOnly);
  const body = stringify !== undefined ? stringify(value) : JSON.stringify(value);
  sink.send(status, withType(extraHeaders, JSON_TYPE), body, headOnly);
}

/** A whole Response's bytes and their default Content-Type (middleware that rewrite bodies share it). */
export function responseBody(r: Response): { body: string | Uint8Array | undefined; type: string | undefined } {
  const content = r.content;
  let body: string | Uint8Array | undefined;
  let type: string | undefined;
  if (content === undefined || content === null) body = undefined;
  else if (typeof content === "string") {
    body = content;
    type = TEXT_TYPE;
  } else if (content instanceof Uint8Array) {
    body = content;
    type = BYTES_TYPE;
  } else {
    const serialize = (r as Serialized)[SERIALIZER];
    body = serialize !== undefined ? serialize(content) : JSON.stringify(content);
    type = JSON_TYPE;
  }
  return { body, type: r.mediaType ?? type };
}

function sendResponse(sink: ResponseSink, r: Response, headOnly: boolean, extraHeaders: readonly string[]): void {
  const headers = [...extraHeaders, ...flattenHeaders(r)];
  const { body, type } = responseBody(r);
  if (type !== undefined && (body !== undefined || r.mediaType !== undefined) && !hasHeader(headers, "content-type")) headers.push("content-type", type);
  sink.send(r.statusCode, headers, body, headOnly);
}

function withType(extra: readonly string[], type: string): readonly string[] {
  if (extra.length === 0) return type === JSON_TYPE ? JSON_HEADERS : type === TEXT_TYPE ? TEXT_HEADERS : BYTES_HEADERS;
  for (let i = 0; i < extra.length; i += 2) if (extra[i]!.toLowerCase() === "content-type") return extra;
  return [...extra, "content-type", type];
}

/**
 * Pulls chunks from the source only when the sink can take them: a slow
 * client stalls the generator instead of growing the server's memory.
 */
export async function pipeStream(sink: ResponseSink, status: number, headers: readonly string[], source: StreamSource, headOnly: boolean): Promise<void> {
  if (headOnly) {
    // HEAD mirrors GET's headers: without a declared length the stream goes out chunked, so no Content-Length either.
    sink.send(status, hasHeader(headers, "content-length") ? headers : [...headers, "transfer-encoding", "chunked"], undefined, true);
    await closeSource(source, undefined);
    return;
  }
  const iterable: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> = source;
  sink.startStream(status, headers);
  const iterator = Symbol.asyncIterator in iterable ? (iterable as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]() : toAsync((iterable as Iterable<string | Uint8Array>)[Symbol.iterator]());
  let aborted = false;
  sink.onAbort(() => {
    aborted = true;
    // At once, not after the pending chunk: a generator parked at its yield (a slow client) runs its `finally` now.
    void closeSource(source, iterator).catch(() => undefined);
  });
  let failed = true;
  const batch = new ChunkBatch(sink);
  try {
    for (;;) {
      if (aborted || sink.aborted) break;
      const next = await iterator.next();
      if (next.done) break;
      if (aborted || sink.aborted) break;
      const chunk = next.value;
      if (typeof chunk === "string" ? chunk.length === 0 : chunk.byteLength === 0) continue;
      if (!batch.add(chunk)) await batch.flushed();
    }
    await batch.flushed();
    failed = false;
  } finally {
    // A failed stream is not ended: ending it would present the client a truncated body as complete.
    // The caller logs the error and drops the connection.
    if (aborted || sink.aborted || failed) await closeSource(source, iterator);
    else sink.endStream();
  }
}

const BATCH_BYTES = 64 * 1024;
const BATCH_CHUNKS = 1024;

/**
 * The chunks a source produces within one turn of the event loop, written
 * as one (at setImmediate, or sooner once 64 KiB or 1024 chunks are waiting).
 * A source that yields small chunks as fast as it is pulled (an SSE
 * generator with nothing to await) would otherwise cost a write and a
 * syscall per chunk, and, as long as the socket takes everything, never give
 * the event loop back: other connections would wait. A source that awaits
 * between chunks still has each one written within the same turn.
 */
class ChunkBatch {
  /** Sealed parts, in order: filled batch buffers and chunks too big to copy into one. */
  private parts: Array<string | Uint8Array> = [];
  /** The batch being filled: chunks are copied in as they come, so that they die young (what is still alive at a scavenge is what it costs). */
  private current: Buffer | undefined;
  private used = 0;
  private bytes = 0;
  private count = 0;
  private pending: Promise<void> | undefined;
  private failure: { err: unknown } | undefined;

  constructor(private readonly sink: ResponseSink) {}

  /** Queues a chunk; false once the batch is full (await `flushed()` before adding more). */
  add(chunk: string | Uint8Array): boolean {
    if (this.failure !== undefined) throw this.failure.err;
    const room = BATCH_BYTES - this.used;
    // A string takes at most 3 bytes per UTF-16 unit.
    if (typeof chunk === "string" ? chunk.length * 3 <= room : chunk.byteLength <= room) {
      const buf = (this.current ??= Buffer.allocUnsafe(BATCH_BYTES));
      const n = typeof chunk === "string" ? buf.write(chunk, this.used, "utf8") : (buf.set(chunk, this.used), chunk.byteLength);
      this.used += n;
      this.bytes += n;
    } else {
      this.seal();
      this.parts.push(chunk);
      this.bytes += typeof chunk === "string" ? chunk.length : chunk.byteLength;
    }
    this.count++;
    this.schedule();
    return this.bytes < BATCH_BYTES && this.count < BATCH_CHUNKS;
  }

  /** Resolves once everything queued went out and the sink can take more; rejects with a write's failure. */
  async flushed(): Promise<void> {
    // Chunks queued while a flush waited for the socket to drain go out with the next one.
    while (this.pending !== undefined || this.count > 0) {
      if (this.failure !== undefined) break;
      this.schedule();
      await this.pending;
    }
    if (this.failure !== undefined) throw this.failure.err;
  }

  private seal(): void {
    if (this.current === undefined || this.used === 0) return;
    this.parts.push(this.current.subarray(0, this.used));
    this.current = undefined;
    this.used = 0;
  }

  private schedule(): void {
    this.pending ??= new Promise<void>((resolve) => setImmediate(() => this.flush(resolve)));
  }

  private flush(done: () => void): void {
    this.seal();
    if (this.parts.length === 0) {
      // Never an empty write: in chunked encoding an empty chunk ends the body.
      this.pending = undefined;
      this.count = 0;
      return done();
    }
    const parts = this.parts;
    this.parts = [];
    this.bytes = 0;
    this.count = 0;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
    const finish = (): void => {
      this.pending = undefined;
      done();
    };
    let ok: boolean;
    try {
      ok = this.sink.aborted || this.sink.write(data);
    } catch (err) {
      this.failure = { err };
      return finish();
    }
    if (ok) finish();
    else this.sink.onDrain(finish);
  }
}

/** Lets a source that will not be read to the end run its `finally` (a generator) or release its file (a Readable). */
async function closeSource(source: StreamSource, iterator: AsyncIterator<unknown> | undefined): Promise<void> {
  if (source instanceof Readable) return void source.destroy();
  if (iterator !== undefined) await iterator.return?.();
  else {
    const it = source as Partial<AsyncGenerator & Generator>;
    if (typeof it.return === "function") await it.return(undefined);
  }
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return {
    next: () => Promise.resolve(it.next()),
    return: () => Promise.resolve(it.return?.() ?? { done: true, value: undefined }),
  };
}
