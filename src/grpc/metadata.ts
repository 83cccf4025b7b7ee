/**
 * gRPC metadata: lower-case keys; `-bin` keys carry bytes (base64 on the wire), others printable ASCII.
 * Reserved transport headers never reach a handler and cannot be set by one.
 */
export type MetadataValue = string | Uint8Array;
export type MetadataInit = Metadata | Record<string, MetadataValue | MetadataValue[]> | Iterable<[string, MetadataValue]>;

/** Headers the transport owns: stripped from what a handler sees, refused when a handler sets them. */
const RESERVED = new Set([
  "content-type", "te", "content-length", "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
  "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "accept-encoding", "grpc-status", "grpc-message",
]);
const KEY = /^[0-9a-z_.-]+$/;
const ASCII_VALUE = /^[\x20-\x7e]*$/;

export function isBinaryKey(key: string): boolean {
  return key.endsWith("-bin");
}

export class Metadata {
  private readonly map = new Map<string, MetadataValue[]>();

  constructor(init?: MetadataInit) {
    if (init === undefined) return;
    const entries = init instanceof Metadata ? init.entries() : Symbol.iterator in init ? (init as Iterable<[string, MetadataValue]>) : Object.entries(init);
    for (const [k, v] of entries as Iterable<[string, MetadataValue | MetadataValue[]]>) {
      for (const one of Array.isArray(v) ? v : [v]) this.add(k, one);
    }
  }

  /** The first value of a key. */
  get(key: string): MetadataValue | undefined {
    return this.map.get(key.toLowerCase())?.[0];
  }

  getAll(key: string): MetadataValue[] {
    return [...(this.map.get(key.toLowerCase()) ?? [])];
  }

  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  /** Replaces every value of a key. */
  set(key: string, value: MetadataValue): this {
    const k = checkKey(key, value);
    this.map.set(k, [value]);
    return this;
  }

  add(key: string, value: MetadataValue): this {
    const k = checkKey(key, value);
    const list = this.map.get(k);
    if (list) list.push(value);
    else this.map.set(k, [value]);
    return this;
  }

  delete(key: string): boolean {
    return this.map.delete(key.toLowerCase());
  }

  get size(): number {
    return this.map.size;
  }

  *entries(): IterableIterator<[string, MetadataValue]> {
    for (const [k, list] of this.map) for (const v of list) yield [k, v];
  }

  [Symbol.iterator](): IterableIterator<[string, MetadataValue]> {
    return this.entries();
  }

  /** First value per key, as a plain object (bytes stay bytes). */
  toJSON(): Record<string, MetadataValue> {
    const out: Record<string, MetadataValue> = {};
    for (const [k, list] of this.map) out[k] = list[0]!;
    return out;
  }

  /** Copies every entry of `other` into this one. */
  merge(other: Metadata): this {
    for (const [k, v] of other.entries()) this.add(k, v);
    return this;
  }

  /** HTTP/2 header fields: `-bin` values base64, repeated keys as arrays. */
  toHeaders(target: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    for (const [k, list] of this.map) {
      const wire = list.map((v) => (typeof v === "string" ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")));
      target[k] = wire.length === 1 ? wire[0]! : wire;
    }
    return target;
  }

  /**
   * From received HTTP/2 headers: pseudo-headers and transport headers dropped, `-bin` values
   * base64-decoded (comma-joined repeats split), keys that are not valid metadata keys ignored.
   */
  static fromHeaders(headers: Record<string, string | string[] | undefined>): Metadata {
    const md = new Metadata();
    for (const key in headers) {
      if (key.charCodeAt(0) === 58 /* ":" */ || RESERVED.has(key) || !KEY.test(key)) continue;
      const raw = headers[key];
      if (raw === undefined) continue;
      const list = md.map.get(key) ?? [];
      if (isBinaryKey(key)) {
        for (const part of Array.isArray(raw) ? raw : raw.split(",")) list.push(Buffer.from(part.trim(), "base64"));
      } else {
        for (const part of Array.isArray(raw) ? raw : [raw]) list.push(part);
      }
      md.map.set(key, list);
    }
    return md;
  }
}

function checkKey(key: string, value: MetadataValue): string {
  const k = key.toLowerCase();
  if (!KEY.test(k) || k.startsWith(":")) throw new TypeError(`Metadata key "${key}" is not valid: use 0-9 a-z _ . - only`);
  if (RESERVED.has(k)) throw new TypeError(`Metadata key "${key}" is reserved for the gRPC transport`);
  if (isBinaryKey(k)) {
    if (typeof value === "string") throw new TypeError(`Metadata key "${key}" ends in -bin: its value must be bytes (Uint8Array/Buffer)`);
  } else if (typeof value !== "string" || !ASCII_VALUE.test(value)) {
    throw new TypeError(`Metadata value for "${key}" must be printable ASCII (use a -bin key for bytes)`);
  }
  return k;
}
