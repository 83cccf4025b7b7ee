import { encodeOutgoing } from "../pipeline/outgoing";
import type { OutgoingMeta } from "../runtime/meta";
import { SseEvent } from "./event";

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * One yielded value as `text/event-stream` text (WHATWG HTML §9.2): the data
 * through the typed writer, split into one `data:` line per line (a string
 * may span lines; JSON does not), then `event`, `id` and `retry` as Spikard
 * writes them, and the blank line that ends the event. Returns why the data
 * cannot be sent instead (it does not match the declared type).
 */
export function formatEvent(value: unknown, meta: OutgoingMeta): string | { invalid: string } {
  const event = value instanceof SseEvent ? value : undefined;
  const data: unknown = event !== undefined ? event.data : value;
  let out = "";
  if (data !== undefined || event === undefined) {
    // Typed JSON, the common case: one line (the serializer escapes line breaks), no intermediate object.
    if (meta.kind === "json" && (meta.is === undefined || meta.is(data))) out = `data: ${meta.stringify!(data)}\n`;
    else {
      const encoded = encodeOutgoing(meta, data);
      if (typeof encoded === "string") return { invalid: encoded };
      const text = typeof encoded.data === "string" ? encoded.data : Buffer.from(encoded.data).toString("utf8");
      if (text.indexOf("\n") === -1 && text.indexOf("\r") === -1) out = `data: ${text}\n`;
      else for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
    }
  }
  if (event !== undefined) {
    if (event.event !== undefined) out += `event: ${event.event}\n`;
    if (event.id !== undefined) out += `id: ${event.id}\n`;
    if (event.retry !== undefined) out += `retry: ${event.retry}\n`;
  }
  return `${out}\n`;
}

/** A comment line: clients ignore it, proxies see traffic. */
export const KEEP_ALIVE = ": keep-alive\n\n";
