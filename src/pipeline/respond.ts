import { Readable } from "node:stream";
import { Response, StreamingResponse, type StreamSource } from "../response";
import { hasHeader as hasListedHeader } from "./header-list";
import type { ResponseSink } from "./sink";

export const JSON_TYPE = "application/json";
export const TEXT_TYPE = "text/plain; charset=utf-8";
export const BYTES_TYPE = "application/octet-stream";

export const JSON_HEADERS: readonly string[] = Object.freeze(["content-type", JSON_TYPE]);
export const TEXT_HEADERS: readonly string[] = Object.freeze(["content-type", TEXT_TYPE]);
export const BYTES_HEADERS: readonly string[] = Object.freeze(["content-type", BYTES_TYPE]);
const NO_HEADERS: readonly string[] = Object.freeze([]);

/** Writes a value whose kind is only known at run time (a `Response`, a stream, or a plain value). */
export function sendDynamic(
  sink: ResponseSink,
  value: unknown,
  status: number,
  headOnly: boolean,
  stringify: ((v: unknown) => string) | undefined,
  extraHeaders: readonly string[] = NO_HEADERS,
  serializeContent?: (v: unknown) => string,
): void | Promise<void> {
  if (value instanceof Response) return sendResponse(sink, value, headOnly, extraHeaders, serializeContent);
  if (value instanceof StreamingResponse) {
    const headers = [...extraHeaders, ...flatten(value.headers)];
    if (!hasHeader(value.headers, "content-type")) headers.push("content-type", value.mediaType);
    return pipeStream(sink, value.statusCode, headers, value.source, headOnly);
  }
  sendPlain(sink, value, status, headOnly, stringify, extraHeaders);
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

function sendResponse(sink: ResponseSink, r: Response, headOnly: boolean, extraHeaders: readonly string[], serialize?: (v: unknown) => string): void {
  const headers = [...extraHeaders, ...flatten(r.headers)];
  const content = r.content;
  const hasType = hasHeader(r.headers, "content-type");
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
    body = serialize !== undefined ? serialize(content) : JSON.stringify(content);
    type = JSON_TYPE;
  }
  if (r.mediaType !== undefined) type = r.mediaType;
  if (!hasType && type !== undefined && body !== undefined) headers.push("content-type", type);
  else if (!hasType && r.mediaType !== undefined) headers.push("content-type", r.mediaType);
  sink.send(r.statusCode, headers, body, headOnly);
}

function withType(extra: readonly string[], type: string): readonly string[] {
  if (extra.length === 0) return type === JSON_TYPE ? JSON_HEADERS : type === TEXT_TYPE ? TEXT_HEADERS : BYTES_HEADERS;
  for (let i = 0; i < extra.length; i += 2) if (extra[i]!.toLowerCase() === "content-type") return extra;
  return [...extra, "content-type", type];
}

export function flatten(headers: ReadonlyArray<readonly [string, string]>): string[] {
  const out: string[] = [];
  for (const [k, v] of headers) out.push(k, v);
  return out;
}

function hasHeader(headers: ReadonlyArray<readonly [string, string]>, lower: string): boolean {
  return headers.some(([k]) => k.toLowerCase() === lower);
}

/**
 * Pulls chunks from the source only when the sink can take them: a slow
 * client stalls the generator instead of growing the server's memory.
 */
export async function pipeStream(sink: ResponseSink, status: number, headers: readonly string[], source: StreamSource, headOnly: boolean): Promise<void> {
  if (headOnly) {
    // HEAD mirrors GET's headers: without a declared length the stream goes out chunked, so no Content-Length either.
    sink.send(status, hasListedHeader(headers, "content-length") ? headers : [...headers, "transfer-encoding", "chunked"], undefined, true);
    if (source instanceof Readable) source.destroy();
    return;
  }
  const iterable: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> = source;
  sink.startStream(status, headers);
  const iterator = Symbol.asyncIterator in iterable ? (iterable as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]() : toAsync((iterable as Iterable<string | Uint8Array>)[Symbol.iterator]());
  let aborted = false;
  sink.onAbort(() => {
    aborted = true;
  });
  let failed = true;
  try {
    for (;;) {
      if (aborted || sink.aborted) break;
      const next = await iterator.next();
      if (next.done) break;
      if (aborted || sink.aborted) break;
      const chunk = next.value;
      if (typeof chunk === "string" ? chunk.length === 0 : chunk.byteLength === 0) continue;
      if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.onDrain(resolve));
    }
    failed = false;
  } finally {
    // A failed stream is not ended: ending it would present the client a truncated body as complete.
    // The caller logs the error and drops the connection.
    if (aborted || sink.aborted || failed) {
      await iterator.return?.();
      if (source instanceof Readable) source.destroy();
    } else sink.endStream();
  }
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return {
    next: () => Promise.resolve(it.next()),
    return: () => Promise.resolve(it.return?.() ?? { done: true, value: undefined }),
  };
}
