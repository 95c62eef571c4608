import { describe, expect, it } from 'vitest';
import { javaHashCode, type Key, KeyGroupRange, KeyGroupRangeAssignment, murmurHash } from './index';

/**
 * Expected values were produced by a Java program (JDK) using `Object.hashCode()` of String,
 * Integer, Long, Double and Boolean and a verbatim copy of Flink's `MathUtils.murmurHash`:
 * [key, java hashCode, murmurHash, key group @128, key group @32768, key group @7].
 */
const JAVA: Array<[Key, number, number, number, number, number]> = [
  ['hello', 99162322, 1715862179, 35, 31395, 3],
  ['', 0, 593689054, 94, 31198, 0],
  ['a', 97, 1455541201, 81, 19409, 2],
  ['key-123456', 1443805585, 11989270, 22, 28950, 6],
  ['user-42', -147182656, 1600933524, 20, 20116, 1],
  ['Flowstate', 522481667, 1619488381, 125, 28285, 0],
  ['été', 227742, 157703301, 5, 23685, 0],
  ['😀', 1772899, 1934073014, 54, 7350, 6],
  [0, 0, 593689054, 94, 31198, 0],
  [1, 1, 68075478, 86, 16342, 2],
  [2, 2, 1085422463, 127, 15231, 6],
  [-1, -1, 1982413648, 80, 15184, 5],
  [42, 42, 1134849565, 29, 28189, 3],
  [2147483647, 2147483647, 1653689534, 62, 19646, 0],
  [-2147483648, -2147483648, 1718298732, 108, 10348, 3],
  // Long
  [2147483648, -2147483648, 1718298732, 108, 10348, 3],
  [-2147483649, -2147483648, 1718298732, 108, 10348, 3],
  [9007199254740991, -2097152, 226258121, 73, 27849, 5],
  [-9007199254740991, -2097151, 178321549, 13, 30861, 0],
  [1234567890123, 1912276436, 1151597916, 92, 32092, 0],
  // Double
  [1.5, 1073217536, 1684538177, 65, 833, 0],
  [-0.25, -1076887552, 820708682, 74, 1354, 3],
  [Math.PI, 340593891, 552755147, 75, 24523, 0],
  [Number.NaN, 2146959360, 1585394089, 41, 12713, 6],
  [1e300, -164130400, 1683163247, 111, 2159, 3], // integral but beyond long range → Double
  // Boolean
  [true, 1231, 1090530765, 77, 11725, 2],
  [false, 1237, 1530821891, 3, 32003, 4],
];

describe('javaHashCode', () => {
  it.each(JAVA)('%s → hashCode %i', (key, hash) => {
    expect(javaHashCode(key)).toBe(hash);
  });

  it('null → 0 and -0 → 0', () => {
    expect(javaHashCode(null)).toBe(0);
    expect(javaHashCode(-0)).toBe(0);
  });

  it('follows String.hashCode over UTF-16 code units with int32 overflow', () => {
    // "hello" = 104*31^4 + 101*31^3 + 108*31^2 + 108*31 + 111
    expect(javaHashCode('hello')).toBe(104 * 31 ** 4 + 101 * 31 ** 3 + 108 * 31 ** 2 + 108 * 31 + 111);
    // long strings overflow: result stays int32
    const h = javaHashCode('x'.repeat(1000));
    expect(h).toBe(h | 0);
  });
});

describe('murmurHash (Flink MathUtils)', () => {
  it.each(JAVA)('%s → murmur %i', (_key, hash, murmur) => {
    expect(murmurHash(hash)).toBe(murmur);
  });

  it('matches Java for small ints', () => {
    expect([0, 1, 2, 3, 4].map(murmurHash)).toEqual([593689054, 68075478, 1085422463, 847579505, 1889779975]);
  });

  it('is non-negative for many inputs', () => {
    for (let i = -5000; i < 5000; i++) {
      const h = murmurHash(i * 104729);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBe(h | 0);
    }
  });
});

describe('KeyGroupRangeAssignment', () => {
  it.each(JAVA)('%s → key groups', (key, _hash, _m, kg128, kg32768, kg7) => {
    expect(KeyGroupRangeAssignment.assignToKeyGroup(key, 128)).toBe(kg128);
    expect(KeyGroupRangeAssignment.assignToKeyGroup(key, 32768)).toBe(kg32768);
    expect(KeyGroupRangeAssignment.assignToKeyGroup(key, 7)).toBe(kg7);
    expect(KeyGroupRangeAssignment.computeKeyGroupForKeyHash(javaHashCode(key), 128)).toBe(kg128);
  });

  it('ranges for parallelism 1..7 with maxParallelism 128 partition [0, 128) exactly', () => {
    for (let p = 1; p <= 7; p++) {
      let next = 0;
      for (let i = 0; i < p; i++) {
        const r = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, p, i);
        expect(r.startKeyGroup).toBe(next);
        expect(r.numberOfKeyGroups).toBeGreaterThan(0);
        for (const kg of r)
          expect(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, p, kg)).toBe(i);
        next = r.endKeyGroup + 1;
      }
      expect(next).toBe(128);
    }
  });

  it('computes the same ranges as Flink for a few cases', () => {
    const r = (maxP: number, p: number, i: number) => {
      const x = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxP, p, i);
      return [x.startKeyGroup, x.endKeyGroup];
    };
    expect(r(128, 3, 0)).toEqual([0, 42]);
    expect(r(128, 3, 1)).toEqual([43, 85]);
    expect(r(128, 3, 2)).toEqual([86, 127]);
    expect(r(10, 4, 0)).toEqual([0, 2]);
    expect(r(10, 4, 1)).toEqual([3, 4]);
    expect(r(10, 4, 2)).toEqual([5, 7]);
    expect(r(10, 4, 3)).toEqual([8, 9]);
    expect(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 3, 42)).toBe(0);
    expect(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 3, 43)).toBe(1);
  });

  it('rejects bad parallelism', () => {
    expect(() => KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(4, 5, 0)).toThrow(RangeError);
    expect(() => KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(0, 1, 0)).toThrow(RangeError);
  });

  it('computes Flink default max parallelism', () => {
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(1)).toBe(128);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(100)).toBe(256);
    expect(KeyGroupRangeAssignment.computeDefaultMaxParallelism(30000)).toBe(32768);
  });
});

describe('KeyGroupRange', () => {
  it('contains, intersects and counts', () => {
    const a = KeyGroupRange.of(0, 63);
    const b = KeyGroupRange.of(32, 127);
    expect(a.contains(0)).toBe(true);
    expect(a.contains(63)).toBe(true);
    expect(a.contains(64)).toBe(false);
    expect(a.numberOfKeyGroups).toBe(64);
    const i = a.intersect(b);
    expect([i.startKeyGroup, i.endKeyGroup]).toEqual([32, 63]);
    expect(KeyGroupRange.of(0, 3).intersect(KeyGroupRange.of(5, 9))).toBe(KeyGroupRange.EMPTY);
    expect(KeyGroupRange.EMPTY.numberOfKeyGroups).toBe(0);
    expect(KeyGroupRange.EMPTY.contains(0)).toBe(false);
    expect([...KeyGroupRange.of(3, 5)]).toEqual([3, 4, 5]);
  });
});
