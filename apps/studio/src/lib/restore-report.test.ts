import type { RestoreCompatibility } from '@flowstate/api';
import { describe, expect, it } from 'vitest';
import { actionLabel, kindLabel, nextStep, reportCounts } from './restore-report';

const node = (
  over: Partial<RestoreCompatibility['nodes'][number]>,
): RestoreCompatibility['nodes'][number] => ({
  nodeId: 'n',
  kind: 'aggregate',
  previousKind: 'aggregate',
  status: 'restored',
  action: 'restore',
  checkpointHasState: true,
  reason: '',
  changes: [],
  ...over,
});

const report = (nodes: RestoreCompatibility['nodes'], over: Partial<RestoreCompatibility> = {}) =>
  ({
    checkpointId: 5,
    checkpointKind: 'savepoint',
    allowNonRestoredState: false,
    compatible: true,
    ok: true,
    nodes,
    problems: [],
    summary: '',
    ...over,
  }) satisfies RestoreCompatibility;

describe('the restore report in the studio', () => {
  it('says what happens to each node’s state, in words and a tone', () => {
    expect(
      [
        node({}),
        node({ status: 'new', action: 'start-empty' }),
        node({ status: 'incompatible', action: 'drop' }),
        node({ status: 'incompatible', action: 'refuse' }),
        node({ status: 'stateless', action: 'none' }),
        node({ status: 'removed', action: 'none', kind: null }),
      ].map(actionLabel),
    ).toEqual([
      { text: 'Restored', tone: 'ok' },
      { text: 'Starts empty', tone: 'warn' },
      { text: 'Dropped', tone: 'warn' },
      { text: 'Cannot be restored', tone: 'danger' },
      { text: 'No state', tone: 'muted' },
      { text: 'Removed', tone: 'muted' },
    ]);
    expect(kindLabel(node({ kind: null, previousKind: 'window', status: 'removed' }))).toBe(
      'window, removed',
    );
    expect(kindLabel(node({ kind: null, previousKind: null, status: 'removed' }))).toBe('removed');
    expect(kindLabel(node({ kind: 'sink' }))).toBe('sink');
  });

  it('knows the next step: run, accept dropping state, or nothing to do', () => {
    const refused = [node({}), node({ status: 'incompatible', action: 'refuse' })];
    expect(nextStep(report([node({})]))).toBe('run');
    expect(nextStep(report(refused, { ok: false, compatible: false }))).toBe('accept-drop');
    expect(
      nextStep(
        report([node({})], {
          ok: false,
          problems: [{ code: 'max-parallelism-changed', message: 'no' }],
        }),
      ),
    ).toBe('blocked');
    expect(
      reportCounts(
        report([
          ...refused,
          node({ action: 'drop' }),
          node({ action: 'start-empty' }),
          node({ action: 'none' }),
        ]),
      ),
    ).toEqual({ restored: 1, empty: 1, lost: 2 });
  });
});
