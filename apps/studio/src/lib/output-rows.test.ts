import { describe, expect, it } from 'vitest';
import { OutputRows } from './output-rows';

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ n: from + i }));

describe('OutputRows', () => {
  it('asks for a reload before the first page, on another epoch and after a gap', () => {
    const o = new OutputRows(10);
    expect(o.append({ rows: rows(0, 2), from: 0, next: 2, epoch: 0 })).toBe('reload');
    o.reset({ rows: rows(0, 3), from: 0, next: 3, epoch: 0 });
    expect(o.append({ rows: rows(3, 1), from: 3, next: 4, epoch: 1 })).toBe('reload');
    expect(o.append({ rows: rows(5, 1), from: 5, next: 6, epoch: 0 })).toBe('reload');
    expect(o.append({ rows: rows(1, 2), from: 1, next: 3, epoch: 0 })).toBe('nothing-new');
  });

  it('appends the rows it has not seen and keeps the newest `capacity`', () => {
    const o = new OutputRows(5);
    o.reset({ rows: rows(0, 3), from: 0, next: 3, epoch: 0 });
    expect(o.append({ rows: rows(2, 3), from: 2, next: 5, epoch: 0 })).toBe('appended');
    expect(o.next).toBe(5);
    expect(o.length).toBe(5);
    for (let i = 5; i < 40; i += 5) o.append({ rows: rows(i, 5), from: i, next: i + 5, epoch: 0 });
    expect(o.length).toBe(5);
    expect(o.from).toBe(35);
    expect(o.bySeq(39)).toEqual({ n: 39 });
    expect(o.bySeq(35)).toEqual({ n: 35 });
    expect(o.bySeq(34)).toBeUndefined();
    expect(o.bySeq(40)).toBeUndefined();
  });

  it('keeps the newest rows of a page larger than its capacity', () => {
    const o = new OutputRows(3);
    o.reset({ rows: rows(10, 5), from: 10, next: 15, epoch: 2 });
    expect(o.from).toBe(12);
    expect(o.bySeq(14)).toEqual({ n: 14 });
  });

  it('counts what a frozen view still shows as rows arrive', () => {
    const o = new OutputRows(5);
    o.reset({ rows: rows(0, 4), from: 0, next: 4, epoch: 0 });
    const frozenAt = o.next;
    expect(o.countUpTo(frozenAt)).toBe(4);
    o.append({ rows: rows(4, 3), from: 4, next: 7, epoch: 0 });
    // 0 and 1 were dropped: the frozen view (rows 3…0) now shows 3 and 2.
    expect(o.countUpTo(frozenAt)).toBe(2);
    expect(o.countUpTo(o.next)).toBe(5);
  });

  it('lists the columns of the newest rows', () => {
    const o = new OutputRows(10);
    o.reset({ rows: [{ a: 1 }, { a: 2, b: 3 }], from: 0, next: 2, epoch: 0 });
    expect(o.columns()).toEqual(['a', 'b']);
  });
});
