import { describe, expect, it } from 'vitest';
import { canon, compareMultisets, compareSequences, withoutRepeatedUpdates } from './compare';

describe('comparing outputs', () => {
  it('rows as order-free text; null and undefined alike', () => {
    expect(canon({ b: 1, a: 'x', c: undefined })).toBe('{"a":"x","b":1,"c":null}');
    expect(canon({ c: null, a: 'x', b: 1 })).toBe('{"a":"x","b":1,"c":null}');
  });

  it('multisets: order does not matter, multiplicity does', () => {
    expect(compareMultisets([{ a: 1 }, { a: 2 }, { a: 1 }], [{ a: 2 }, { a: 1 }, { a: 1 }])).toBe(null);
    expect(compareMultisets([{ a: 1 }, { a: 1 }], [{ a: 1 }, { a: 3 }])).toEqual({
      flowstateOnly: ['{"a":1}'],
      flinkOnly: ['{"a":3}'],
      summary: '2 rows vs 2: 1 only in Flowstate, 1 only in Flink',
    });
  });

  it('sequences: per key in order, keys interleaved freely', () => {
    const ours = [
      { k: 'a', n: 1 },
      { k: 'b', n: 1 },
      { k: 'a', n: 2 },
    ];
    expect(compareSequences(ours, [ours[1]!, ours[0]!, ours[2]!], ['k'])).toBe(null);
    const d = compareSequences(ours, [ours[2]!, ours[0]!, ours[1]!], ['k']);
    expect(d?.summary).toBe(
      '1 of 2 keys have other sequences of updates; key ["a"]: 2 updates vs 2, first difference at update 1: {"k":"a","n":1} vs {"k":"a","n":2}',
    );
  });

  it("drops an update that repeats its key's previous one (what Flink's group aggregation does not emit)", () => {
    const rows = [
      { k: 'a', m: 5 },
      { k: 'b', m: 1 },
      { k: 'a', m: 5 },
      { k: 'a', m: 7 },
      { k: 'b', m: 1 },
      { k: 'a', m: 5 },
    ];
    expect(withoutRepeatedUpdates(rows, ['k'])).toEqual([
      { k: 'a', m: 5 },
      { k: 'b', m: 1 },
      { k: 'a', m: 7 },
      { k: 'a', m: 5 },
    ]);
  });
});
