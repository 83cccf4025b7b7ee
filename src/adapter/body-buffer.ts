import { PayloadTooLargeError, type BodyConsumer } from "./types";

/** Past this a declared length is not reserved up front: an unlimited route must not allocate whatever a client claims before it sends it. */
const PREALLOCATE_MAX = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * One buffered request body on its way in, as every socket adapter reads it:
 * copied into one preallocated buffer when the length is declared (instead of
 * concatenating chunks), the limit enforced as bytes arrive (past it the
 * consumer fails at once and the rest is dropped), and exactly one of
 * `to.body` / `to.error` called. One object per body: a request waiting for
 * its body keeps it alive, so fewer objects here means fewer survivors per
 * young-generation collection under load.
 */
export class BodyBuffer {
  private total = 0;
  private settled = false;
  private readonly buf: Buffer | undefined;
  /** Only without a usable Content-Length. */
  private chunks: Buffer[] | undefined;

  constructor(
    private readonly limit: number,
    declared: number | undefined,
    private readonly to: BodyConsumer,
  ) {
    this.buf = declared !== undefined && declared <= PREALLOCATE_MAX ? Buffer.allocUnsafe(declared) : undefined;
  }

  /** Takes a chunk; `reused`: the caller reuses its memory after this call (uWS), so it is copied. */
  add(bytes: Uint8Array, reused: boolean): void {
    if (this.settled) return;
    const total = this.total + bytes.byteLength;
    const buf = this.buf;
    if (total > this.limit || (buf !== undefined && total > buf.length)) return this.fail(new PayloadTooLargeError(this.limit));
    if (buf !== undefined) buf.set(bytes, this.total);
    else (this.chunks ??= []).push(reused ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.total = total;
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    const buf = this.buf;
    const total = this.total;
    // The pipeline answers its own errors; this guards the server library's callback (a throw there can end the process).
    try {
      this.to.body(buf !== undefined ? (total === buf.length ? buf : buf.subarray(0, total)) : this.chunks === undefined ? EMPTY : Buffer.concat(this.chunks, total));
    } catch (err) {
      this.to.error(err);
    }
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.to.error(err);
  }
}
