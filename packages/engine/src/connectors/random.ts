/**
 * Counter-based randomness: a value depends only on (key, index), never on what was generated
 * before, so any row of a generated source can be produced on its own after a seek, in any split.
 */

const TWO_POW_32 = 4294967296;

/** MurmurHash3's 32-bit finalizer: a bijective avalanche mix of a 32-bit word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit key for a seed (any safe integer, negative too) and a salt naming the stream. */
export function seedKey(seed: number, salt: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) | 0;
  return fmix32(fmix32(lo ^ Math.imul(salt, 0x9e3779b1)) ^ Math.imul(hi ^ 0x7f4a7c15, 0x85ebca77));
}

/** Hash of (key, index) for an index in [0, 2^53). Well mixed: consecutive indices are unrelated. */
export function hashIndex(key: number, index: number): number {
  const lo = index >>> 0;
  const hi = index < TWO_POW_32 ? 0 : (index / TWO_POW_32) >>> 0;
  return fmix32(fmix32(Math.imul(lo, 0x9e3779b1) ^ key) ^ Math.imul(hi, 0xc2b2ae3d));
}

/**
 * A small sequential PRNG (mulberry32) for the several draws one generated event needs. Seed it per
 * event from `hashIndex(key, n)`; the draws of event n then depend only on (key, n).
 */
export class EventRandom {
  private s = 0;

  reseed(state: number): void {
    this.s = state | 0;
  }

  nextU32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, bound) for 0 < bound ≤ 2^32 (like java.util.Random#nextInt(bound)). */
  nextInt(bound: number): number {
    return Math.floor((this.nextU32() * bound) / TWO_POW_32);
  }

  /** Uniform double in [0, 1) with 32 bits of resolution. */
  nextDouble(): number {
    return this.nextU32() / TWO_POW_32;
  }
}

/** A uniform integer in [0, range) from two independent 32-bit words, for ranges beyond 2^32. */
export function wideInt(a: number, b: number, range: number): number {
  const u = (a * 2097152 + (b >>> 11)) / 9007199254740992; // 53 random bits in [0, 1)
  const v = Math.floor(u * range);
  return v >= range ? range - 1 : v;
}
