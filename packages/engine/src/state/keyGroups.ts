/**
 * Keys, Java-compatible hash codes and Flink's key-group assignment.
 *
 * The functions here are bit-exact ports of Flink's `KeyGroupRangeAssignment` and
 * `MathUtils.murmurHash`, so a key lands in the same key group (and therefore the same subtask)
 * as it would in Flink for the same `maxParallelism`.
 */

/** A record key. Composite keys arrive already encoded as one string. */
export type Key = string | number | boolean | null;

/** The upper bound for `maxParallelism` (Flink's `UPPER_BOUND_MAX_PARALLELISM`, 2^15). */
export const UPPER_BOUND_MAX_PARALLELISM = 1 << 15;

const TWO_POW_32 = 4294967296;
const TWO_POW_63 = 2 ** 63;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the high word of a float64 in `u32` (platform endianness). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Java's `String.hashCode()`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, int32 overflow. */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Java's `Long.hashCode(v)` = `(int)(v ^ (v >>> 32))` for an integral `v` in [-2^63, 2^63). */
function longHashCode(v: number): number {
  // Two's complement split into 32-bit words; exact for every integral double in long range.
  let lo = v % TWO_POW_32;
  if (lo < 0) lo += TWO_POW_32;
  const hi = (v - lo) / TWO_POW_32;
  return (hi | 0) ^ (lo | 0);
}

/** Java's `Double.hashCode(v)`: bits of `doubleToLongBits` (canonical NaN) folded like a long. */
function doubleHashCode(v: number): number {
  if (Number.isNaN(v)) return 0x7ff80000 | 0;
  f64[0] = v;
  return (u32[HI]! ^ u32[LO]!) | 0;
}

/**
 * The hash code Flink's Java runtime would compute for the same key, so that key groups match
 * Flink's: strings → `String.hashCode`, integers in int32 range → `Integer.hashCode`, other integers
 * (up to ±2^63) → `Long.hashCode`, other numbers → `Double.hashCode`, booleans → 1231/1237,
 * null → 0. `-0` is treated as the integer 0 (a JS `Map` does not tell them apart either).
 */
export function javaHashCode(key: Key): number {
  switch (typeof key) {
    case 'string':
      return stringHashCode(key);
    case 'number':
      if (Number.isInteger(key)) {
        if (key >= INT_MIN && key <= INT_MAX) return key | 0;
        if (key >= -TWO_POW_63 && key < TWO_POW_63) return longHashCode(key);
      }
      return doubleHashCode(key);
    case 'boolean':
      return key ? 1231 : 1237;
    default:
      if (key === null) return 0;
      throw new TypeError(`Unsupported key type: ${typeof key}`);
  }
}

/** Murmur3's 32-bit finalizer (Flink `MathUtils.bitMix`). */
export function bitMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Flink `MathUtils.murmurHash(int)`: a non-negative murmur3 hash of one int. */
export function murmurHash(code: number): number {
  code = Math.imul(code | 0, 0xcc9e2d51);
  code = (code << 15) | (code >>> 17);
  code = Math.imul(code, 0x1b873593);
  code = (code << 13) | (code >>> 19);
  code = (Math.imul(code, 5) + 0xe6546b64) | 0;
  code ^= 4;
  code = bitMix(code);
  if (code >= 0) return code;
  if (code !== INT_MIN) return -code;
  return 0;
}

/** A contiguous, inclusive range of key groups (Flink `KeyGroupRange`). */
export class KeyGroupRange {
  static readonly EMPTY = new KeyGroupRange(0, -1);

  private constructor(
    readonly startKeyGroup: number,
    /** inclusive */
    readonly endKeyGroup: number,
  ) {}

  static of(startKeyGroup: number, endKeyGroup: number): KeyGroupRange {
    if (!Number.isInteger(startKeyGroup) || !Number.isInteger(endKeyGroup) || startKeyGroup < 0) {
      throw new RangeError(`Invalid key group range [${startKeyGroup}, ${endKeyGroup}]`);
    }
    return endKeyGroup < startKeyGroup ? KeyGroupRange.EMPTY : new KeyGroupRange(startKeyGroup, endKeyGroup);
  }

  get numberOfKeyGroups(): number {
    return this.endKeyGroup < this.startKeyGroup ? 0 : this.endKeyGroup - this.startKeyGroup + 1;
  }

  contains(keyGroup: number): boolean {
    return keyGroup >= this.startKeyGroup && keyGroup <= this.endKeyGroup;
  }

  intersect(other: KeyGroupRange): KeyGroupRange {
    const start = Math.max(this.startKeyGroup, other.startKeyGroup);
    const end = Math.min(this.endKeyGroup, other.endKeyGroup);
    return end < start ? KeyGroupRange.EMPTY : new KeyGroupRange(start, end);
  }

  equals(other: KeyGroupRange): boolean {
    return (
      (this.numberOfKeyGroups === 0 && other.numberOfKeyGroups === 0) ||
      (this.startKeyGroup === other.startKeyGroup && this.endKeyGroup === other.endKeyGroup)
    );
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let kg = this.startKeyGroup; kg <= this.endKeyGroup; kg++) yield kg;
  }

  toString(): string {
    return `KeyGroupRange{startKeyGroup=${this.startKeyGroup}, endKeyGroup=${this.endKeyGroup}}`;
  }
}

function checkParallelism(maxParallelism: number, parallelism: number): void {
  if (
    !Number.isInteger(maxParallelism) ||
    maxParallelism <= 0 ||
    maxParallelism > UPPER_BOUND_MAX_PARALLELISM
  ) {
    throw new RangeError(
      `maxParallelism not within bounds (1..${UPPER_BOUND_MAX_PARALLELISM}): ${maxParallelism}`,
    );
  }
  if (!Number.isInteger(parallelism) || parallelism <= 0 || parallelism > maxParallelism) {
    throw new RangeError(
      `parallelism not within bounds (1..maxParallelism=${maxParallelism}): ${parallelism}`,
    );
  }
}

/** Flink's `KeyGroupRangeAssignment`: key → key group → operator index. */
export const KeyGroupRangeAssignment = {
  /** The key group of `key`: `murmurHash(javaHashCode(key)) % maxParallelism`. */
  assignToKeyGroup(key: Key, maxParallelism: number): number {
    return murmurHash(javaHashCode(key)) % maxParallelism;
  },

  computeKeyGroupForKeyHash(keyHash: number, maxParallelism: number): number {
    return murmurHash(keyHash) % maxParallelism;
  },

  /** The subtask a key group is routed to: `keyGroupId * parallelism / maxParallelism`. */
  computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroupId: number): number {
    return Math.floor((keyGroupId * parallelism) / maxParallelism);
  },

  /** The key groups owned by one subtask; the ranges of all subtasks partition [0, maxParallelism). */
  computeKeyGroupRangeForOperatorIndex(
    maxParallelism: number,
    parallelism: number,
    operatorIndex: number,
  ): KeyGroupRange {
    checkParallelism(maxParallelism, parallelism);
    const start = Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism);
    const end = Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism);
    return KeyGroupRange.of(start, end);
  },

  /**
   * Flink's default max parallelism when none is configured: the next power of two of
   * `1.5 × parallelism`, at least 128 and at most 32768.
   */
  computeDefaultMaxParallelism(operatorParallelism: number): number {
    checkParallelism(UPPER_BOUND_MAX_PARALLELISM, operatorParallelism);
    const x = operatorParallelism + Math.floor(operatorParallelism / 2);
    const pow2 = 2 ** Math.ceil(Math.log2(x));
    return Math.min(Math.max(pow2, 128), UPPER_BOUND_MAX_PARALLELISM);
  },

  /** Convenience: key → subtask index. */
  assignKeyToParallelOperator(key: Key, maxParallelism: number, parallelism: number): number {
    return KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(
      maxParallelism,
      parallelism,
      KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism),
    );
  },
};
