import { describe, expect, it } from 'vitest';
import {
  type InternalListState,
  type KeyedStateSnapshotData,
  ListStateDescriptor,
  VOID_NAMESPACE,
} from '../state/index';
import { flatten, newBackend } from '../state/test-support';
import { TimeBuckets } from './time-buckets';

/** `state|key|ns` → snapshot value. */
function entries(data: KeyedStateSnapshotData): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [id, v] of flatten(data)) {
    const [name, key, ns] = JSON.parse(id) as [string, string, string | number];
    out.set(`${name}|${key}|${ns}`, v);
  }
  return out;
}

describe('join buffers appended in place during a running snapshot', () => {
  for (const mode of ['materializeStep', 'encodeStep'] as const) {
    it(`the snapshot sees the buffers as they were when it began (${mode})`, () => {
      const { backend } = newBackend();
      // an interval join's buffer (TimeBuckets) and a window join's rows (a list per window start)
      const buf = new TimeBuckets<string>(backend, 'buf');
      const rowsState: InternalListState<string> = backend.getOrCreateKeyedState(
        new ListStateDescriptor<string>('rows'),
      );
      const rows = rowsState.getStateTable();
      for (let i = 0; i < 10; i++) {
        buf.add(`a${i}`, 100, `r${i}`);
        buf.add(`a${i}`, 200, `s${i}`);
        rows.put(`a${i}`, 0, [`w${i}`]);
        rows.put(`a${i}`, 1000, [`u${i}`]);
      }
      const bufTable = backend.tableOf('buf')!;
      const rowsTable = backend.tableOf('rows')!;

      const snap = backend.snapshot(1);
      // 1 for entering the namespace, then a0..a4 of 'buf' passed
      expect(snap[mode]!(6)).toBe(false);
      for (let i = 0; i < 10; i++) {
        buf.add(`a${i}`, 100, `x${i}`); // pushed into the live bucket
        buf.add(`a${i}`, 300, `y${i}`); // a new bucket in the live map
        rows.getForUpdate(`a${i}`, 0)!.push(`v${i}`); // window join: appended in place
      }
      buf.replace('a7', 200, 0, 'S7');
      buf.remove('a8', 100);
      buf.remove('a9', 100);
      buf.remove('a9', 200);
      buf.remove('a9', 300); // a9's last bucket: the key goes
      buf.add('new', 100, 'n');
      rows.removeNamespace(1000); // a window fired
      rows.put('a0', 2000, ['later']); // a window opened
      // a0..a4 were passed: not copied; a5..a9 once each, whatever the later writes
      expect(bufTable.copies).toBe(5);
      expect(rowsTable.copies).toBe(10);
      let steps = 0;
      while (!snap[mode]!(3)) {
        if (steps++ !== 0) continue;
        buf.add('a5', 100, 'z5');
        buf.add('a0', 100, 'z0');
        rows.getForUpdate('a6', 0)!.push('z6');
      }
      expect(steps).toBeGreaterThan(1);
      expect(bufTable.copies).toBe(5);
      expect(rowsTable.copies).toBe(10);

      const expected = new Map<string, unknown>();
      for (let i = 0; i < 10; i++) {
        expected.set(`buf|a${i}|${VOID_NAMESPACE}`, [
          [100, [`r${i}`]],
          [200, [`s${i}`]],
        ]);
        expected.set(`rows|a${i}|0`, [`w${i}`]);
        expected.set(`rows|a${i}|1000`, [`u${i}`]);
      }
      expect(entries(snap.result())).toEqual(expected);
      snap.release();

      // the live buffers have every write
      expect([...buf.get('a0')!]).toEqual([
        [100, ['r0', 'x0', 'z0']],
        [200, ['s0']],
        [300, ['y0']],
      ]);
      expect([...buf.get('a5')!]).toEqual([
        [100, ['r5', 'x5', 'z5']],
        [200, ['s5']],
        [300, ['y5']],
      ]);
      expect([...buf.get('a7')!]).toEqual([
        [100, ['r7', 'x7']],
        [200, ['S7']],
        [300, ['y7']],
      ]);
      expect([...buf.get('a8')!]).toEqual([
        [200, ['s8']],
        [300, ['y8']],
      ]);
      expect(buf.get('a9')).toBeUndefined();
      expect([...buf.get('new')!]).toEqual([[100, ['n']]]);
      expect(rows.get('a6', 0)).toEqual(['w6', 'v6', 'z6']);
      expect(rows.get('a3', 1000)).toBeUndefined();
      expect(rows.get('a0', 2000)).toEqual(['later']);

      // the next snapshot has them, and writes after it copy nothing
      const next = entries(backend.snapshot(2).result());
      expect(next.get(`buf|a5|${VOID_NAMESPACE}`)).toEqual([
        [100, ['r5', 'x5', 'z5']],
        [200, ['s5']],
        [300, ['y5']],
      ]);
      expect(next.get('rows|a6|0')).toEqual(['w6', 'v6', 'z6']);
      expect(next.has('rows|a1|1000')).toBe(false);
      expect(next.get('rows|a0|2000')).toEqual(['later']);
      buf.add('a1', 100, 'after');
      expect(bufTable.copies).toBe(5);
    });
  }
});
