import { randomInt } from "node:crypto";

/**
 * Token buckets in one SharedArrayBuffer, so every worker thread of a process
 * takes from the same buckets: a fixed-size hash table (bounded memory), split
 * into shards that each have their own lock, index and clock hand.
 *
 * Hand-written because it is on every rate-limited request's path and must be
 * synchronous: a lookup is a hash of the key, a lock taken with one
 * compareExchange when uncontended, a few array reads and writes. Keys are kept
 * as two independently seeded 32-bit hashes (the seeds are random per process,
 * so a client cannot aim its key at another's bucket): two clients share a
 * bucket only when both 32-bit hashes collide, about 1 in 2^64 per pair.
 *
 * Layout (int32 units unless noted):
 *   header   [magic, version, seedA, seedB, shards, perShard, indexSize, 0 ...] (16)
 *   shards   [lock, hand, count, 0 ...] (16 each: one 64-byte line per lock)
 *   index    shards × indexSize slots holding entry number + 1 (0 = empty), linear probing
 *   entries  shards × perShard × [hashA, hashB, referenced, 0, tokens (f64), at (f64)]
 */

const MAGIC = 0x53504b52; // "SPKR"
const VERSION = 1;
const HEADER = 16;
const SHARD_META = 16;
const ENTRY = 8; // int32 slots per entry (32 bytes)
const MAX_SHARDS = 64;
const MIN_PER_SHARD = 256;

// Header fields
const H_MAGIC = 0;
const H_VERSION = 1;
const H_SEED_A = 2;
const H_SEED_B = 3;
const H_SHARDS = 4;
const H_PER_SHARD = 5;
const H_INDEX_SIZE = 6;

// Shard fields
const S_LOCK = 0;
const S_HAND = 1;
const S_COUNT = 2;

// Entry fields (int32 offsets; tokens and at are float64 at +4 and +6)
const E_HASH_A = 0;
const E_HASH_B = 1;
const E_REF = 2;

// Lock states (a futex mutex: 0 free, 1 held, 2 held with waiters)
const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
const SPINS = 64;

interface Geometry {
  shards: number;
  perShard: number;
  indexSize: number;
  bytes: number;
}

function geometry(maxClients: number): Geometry {
  let shards = 1;
  while (shards < MAX_SHARDS && (shards * 2) * MIN_PER_SHARD <= maxClients) shards *= 2;
  const perShard = Math.ceil(maxClients / shards);
  let indexSize = 4;
  while (indexSize < perShard * 2) indexSize *= 2;
  const int32s = HEADER + shards * SHARD_META + shards * indexSize;
  // Entries hold float64s: start them on an 8-byte boundary.
  const entriesStart = Math.ceil(int32s / 2) * 2;
  return { shards, perShard, indexSize, bytes: (entriesStart + shards * perShard * ENTRY) * 4 };
}

/** What one take answered; `tokens` is what is left in the bucket (fractional). */
export interface TakeResult {
  allowed: boolean;
  tokens: number;
}

export class BucketTable {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly seedA: number;
  private readonly seedB: number;
  private readonly shards: number;
  private readonly perShard: number;
  private readonly indexMask: number;
  private readonly indexStart: number;
  private readonly entriesStart: number;

  /** Bytes a table for `maxClients` buckets needs. */
  static bytes(maxClients: number): number {
    return geometry(maxClients).bytes;
  }

  /**
   * Over `buffer`: initialises it when `fresh` (the thread that created it),
   * otherwise checks it was laid out for the same `maxClients`.
   */
  constructor(buffer: SharedArrayBuffer, maxClients: number, fresh: boolean) {
    const g = geometry(maxClients);
    if (buffer.byteLength !== g.bytes) throw new RangeError(`bucket table needs ${g.bytes} bytes, got ${buffer.byteLength}`);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    if (fresh) {
      this.i32[H_SEED_A] = randomInt(0x7fffffff);
      this.i32[H_SEED_B] = randomInt(0x7fffffff);
      this.i32[H_SHARDS] = g.shards;
      this.i32[H_PER_SHARD] = g.perShard;
      this.i32[H_INDEX_SIZE] = g.indexSize;
      this.i32[H_VERSION] = VERSION;
      Atomics.store(this.i32, H_MAGIC, MAGIC);
    } else if (Atomics.load(this.i32, H_MAGIC) !== MAGIC || this.i32[H_VERSION] !== VERSION || this.i32[H_SHARDS] !== g.shards || this.i32[H_PER_SHARD] !== g.perShard) {
      throw new RangeError("shared bucket table has another layout");
    }
    this.seedA = this.i32[H_SEED_A]!;
    this.seedB = this.i32[H_SEED_B]!;
    this.shards = g.shards;
    this.perShard = g.perShard;
    this.indexMask = g.indexSize - 1;
    this.indexStart = HEADER + g.shards * SHARD_META;
    this.entriesStart = Math.ceil((this.indexStart + g.shards * g.indexSize) / 2) * 2;
  }

  /** Buckets the table holds at most (maxClients rounded up to whole shards). */
  get capacity(): number {
    return this.shards * this.perShard;
  }

  /** Buckets held now. */
  get size(): number {
    let n = 0;
    for (let s = 0; s < this.shards; s++) n += Atomics.load(this.i32, HEADER + s * SHARD_META + S_COUNT);
    return n;
  }

  /**
   * Refills `key`'s bucket for the time since its last take (`perMs` tokens a
   * millisecond, up to `burst`; a new bucket starts full) and takes one token if
   * a whole one is there.
   */
  take(key: string, perMs: number, burst: number, now: number, out: TakeResult): TakeResult {
    const a = hash(key, this.seedA);
    const b = hash(key, this.seedB);
    const shard = (b >>> 0) % this.shards;
    const meta = HEADER + shard * SHARD_META;
    const i32 = this.i32;
    const f64 = this.f64;
    this.lock(meta + S_LOCK);
    let e = this.find(shard, a, b);
    if (e < 0) {
      e = this.allocate(shard, meta, a);
      i32[e + E_HASH_A] = a;
      i32[e + E_HASH_B] = b;
      f64[(e >> 1) + 2] = burst;
      f64[(e >> 1) + 3] = now;
    }
    i32[e + E_REF] = 1;
    let tokens = f64[(e >> 1) + 2]!;
    const at = f64[(e >> 1) + 3]!;
    // A clock that stepped back refills nothing (and does not move `at` back).
    if (now > at) {
      tokens = Math.min(burst, tokens + (now - at) * perMs);
      f64[(e >> 1) + 3] = now;
    }
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    f64[(e >> 1) + 2] = tokens;
    this.unlock(meta + S_LOCK);
    out.allowed = allowed;
    out.tokens = tokens;
    return out;
  }

  /** The entry (int32 offset) holding the key's hashes, or -1. Called with the shard locked. */
  private find(shard: number, a: number, b: number): number {
    const i32 = this.i32;
    const base = this.indexStart + shard * (this.indexMask + 1);
    for (let slot = a & this.indexMask; ; slot = (slot + 1) & this.indexMask) {
      const n = i32[base + slot]!;
      if (n === 0) return -1;
      const e = this.entry(shard, n - 1);
      if (i32[e + E_HASH_A] === a && i32[e + E_HASH_B] === b) return e;
    }
  }

  private entry(shard: number, n: number): number {
    return this.entriesStart + (shard * this.perShard + n) * ENTRY;
  }

  /** A free entry for new hashes, evicting by clock when the shard is full; indexed under `a`. */
  private allocate(shard: number, meta: number, a: number): number {
    const i32 = this.i32;
    let n = i32[meta + S_COUNT]!;
    if (n < this.perShard) {
      i32[meta + S_COUNT] = n + 1;
    } else {
      // Clock: clear reference bits until an entry not used since the hand last passed it.
      let hand = i32[meta + S_HAND]!;
      for (;;) {
        const e = this.entry(shard, hand);
        if (i32[e + E_REF] === 0) break;
        i32[e + E_REF] = 0;
        hand = hand + 1 === this.perShard ? 0 : hand + 1;
      }
      n = hand;
      i32[meta + S_HAND] = hand + 1 === this.perShard ? 0 : hand + 1;
      this.unindex(shard, n);
    }
    const base = this.indexStart + shard * (this.indexMask + 1);
    let slot = a & this.indexMask;
    while (i32[base + slot] !== 0) slot = (slot + 1) & this.indexMask;
    i32[base + slot] = n + 1;
    return this.entry(shard, n);
  }

  /** Removes entry `n` from the shard's index, shifting later probes back (no tombstones). */
  private unindex(shard: number, n: number): void {
    const i32 = this.i32;
    const mask = this.indexMask;
    const base = this.indexStart + shard * (mask + 1);
    let hole = i32[this.entry(shard, n) + E_HASH_A]! & mask;
    while (i32[base + hole] !== n + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const m = i32[base + j]!;
      if (m === 0) break;
      const home = i32[this.entry(shard, m - 1) + E_HASH_A]! & mask;
      // Move m into the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        i32[base + hole] = m;
        hole = j;
      }
    }
    i32[base + hole] = 0;
  }

  private lock(at: number): void {
    const i32 = this.i32;
    if (Atomics.compareExchange(i32, at, FREE, HELD) === FREE) return;
    // Held for a few hundred nanoseconds: spin briefly before sleeping. (Nothing can end a
    // thread inside the critical section but process exit: workers are terminated after they drained.)
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.load(i32, at) === FREE && Atomics.compareExchange(i32, at, FREE, HELD) === FREE) return;
    }
    while (Atomics.exchange(i32, at, CONTENDED) !== FREE) Atomics.wait(i32, at, CONTENDED);
  }

  private unlock(at: number): void {
    if (Atomics.exchange(this.i32, at, FREE) === CONTENDED) Atomics.notify(this.i32, at, 1);
  }
}

/** FNV-1a over UTF-16 code units from a seed, then murmur3's finalizer to spread the low bits. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
