import { GrpcError } from "./error";
import { GrpcStatus } from "./status";

/** One length-prefixed message as it came off the wire: the compressed flag and the (maybe compressed) bytes. */
export interface RawMessage {
  compressed: boolean;
  data: Buffer;
}

/** The 5-byte prefix and the message: flag (1 = compressed), then a big-endian uint32 length. */
export function encodeMessage(data: Uint8Array, compressed = false): Buffer {
  const out = Buffer.allocUnsafe(5 + data.byteLength);
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(data.byteLength, 1);
  out.set(data, 5);
  return out;
}

/**
 * Incremental decoder for a stream of length-prefixed messages. The declared length is checked
 * against `maxMessageSize` as soon as the prefix is complete, so an oversize message is refused
 * (RESOURCE_EXHAUSTED) before any of its body is kept. A flag other than 0 or 1 is a protocol
 * error (INTERNAL), as grpc-core treats it.
 */
export class MessageDecoder {
  // Only a prefix split across chunks needs this buffer; most calls never allocate it.
  private prefixBuf: Buffer | undefined;
  private prefixFill = 0;
  private body: Buffer | undefined;
  private bodyFill = 0;

  constructor(private readonly maxMessageSize: number) {}

  /** Feeds one chunk; returns the messages it completed (in order). Throws GrpcError on a bad frame. */
  push(chunk: Buffer): RawMessage[] {
    const out: RawMessage[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.body === undefined) {
        // Fast path: a whole prefix in this chunk.
        if (this.prefixFill === 0 && n - i >= 5) {
          const flag = chunk[i]!;
          const len = chunk.readUInt32BE(i + 1);
          i += 5;
          this.startBody(flag, len);
          if (len === 0) {
            out.push({ compressed: flag === 1, data: Buffer.alloc(0) });
            this.body = undefined;
            continue;
          }
          if (n - i >= len) {
            // The whole message is in this chunk: no copy.
            out.push({ compressed: flag === 1, data: chunk.subarray(i, i + len) });
            i += len;
            this.body = undefined;
            continue;
          }
          this.body = Buffer.allocUnsafe(len);
          this.flag = flag;
          continue;
        }
        const take = Math.min(5 - this.prefixFill, n - i);
        const prefix = (this.prefixBuf ??= Buffer.alloc(5));
        chunk.copy(prefix, this.prefixFill, i, i + take);
        this.prefixFill += take;
        i += take;
        if (this.prefixFill < 5) break;
        this.prefixFill = 0;
        const flag = prefix[0]!;
        const len = prefix.readUInt32BE(1);
        this.startBody(flag, len);
        this.flag = flag;
        if (len === 0) {
          out.push({ compressed: flag === 1, data: Buffer.alloc(0) });
          continue;
        }
        this.body = Buffer.allocUnsafe(len);
        continue;
      }
      const body = this.body;
      const take = Math.min(body.length - this.bodyFill, n - i);
      chunk.copy(body, this.bodyFill, i, i + take);
      this.bodyFill += take;
      i += take;
      if (this.bodyFill === body.length) {
        out.push({ compressed: this.flag === 1, data: body });
        this.body = undefined;
      }
    }
    return out;
  }

  private flag = 0;

  private startBody(flag: number, len: number): void {
    if (flag > 1) throw new GrpcError(GrpcStatus.INTERNAL, `Invalid message flag ${flag} (expected 0 or 1)`);
    if (len > this.maxMessageSize) {
      throw new GrpcError(GrpcStatus.RESOURCE_EXHAUSTED, `Received message larger than max (${len} vs. ${this.maxMessageSize})`);
    }
    this.bodyFill = 0;
  }

  /** True when the stream ended in the middle of a message (a truncated frame). */
  get partial(): boolean {
    return this.prefixFill > 0 || this.body !== undefined;
  }
}
