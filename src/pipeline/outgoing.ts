import type { OutgoingMeta } from "../runtime/meta";

/** A value ready for the wire: text (a JSON document or a string as it is) or bytes. */
export interface Encoded {
  data: string | Uint8Array;
  binary: boolean;
}

/**
 * The writer of a message a handler sends (a WebSocket message, an SSE
 * event's data): the value is checked against the declared type first, then
 * serialized by the generated serializer, as a response body is. Returns why
 * a value cannot be sent instead (the caller logs it and sends nothing:
 * undeclared or ill-typed data must not reach clients).
 */
export function encodeOutgoing(meta: OutgoingMeta, value: unknown): Encoded | string {
  if (meta.is !== undefined && !meta.is(value)) return mismatch(meta, value);
  switch (meta.kind) {
    case "json":
      return { data: meta.stringify!(value), binary: false };
    case "text":
      return { data: value as string, binary: false };
    case "bytes":
      return { data: value as Uint8Array, binary: true };
    default:
      if (typeof value === "string") return { data: value, binary: false };
      if (value instanceof Uint8Array) return { data: value, binary: true };
      if (value === undefined || typeof value === "function" || typeof value === "symbol") return `${typeof value} cannot be sent`;
      return { data: meta.stringify !== undefined ? meta.stringify(value) : JSON.stringify(value), binary: false };
  }
}

function mismatch(meta: OutgoingMeta, value: unknown): string {
  const first = meta.validate?.(value).errors?.[0];
  return first === undefined ? "it does not match the declared type" : `${first.path} is not ${first.expected}`;
}
