import type { JobSpecInput } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { mustSaveBeforeRun, pipelinePath, planSave, savedNote } from './pipeline-save';

const spec = (name: string): JobSpecInput => ({ specVersion: 1, name, nodes: [], edges: [] });

describe('planSave', () => {
  it('creates a new pipeline named after its spec', () => {
    expect(planSave(null, spec('counts'))).toEqual({
      kind: 'create',
      body: { name: 'counts', spec: spec('counts') },
    });
    expect(planSave(null, spec(' counts '))).toEqual({
      kind: 'create',
      body: { name: 'counts', spec: spec('counts') },
    });
  });

  it('asks for a name first', () => {
    expect(planSave(null, spec('  '))).toMatchObject({ kind: 'needs-name' });
  });

  it('stores a new version of an existing pipeline', () => {
    expect(planSave('p1', spec(''))).toEqual({ kind: 'update', id: 'p1', body: { spec: spec('') } });
  });
});

describe('save helpers', () => {
  it('says what a save did', () => {
    expect(savedNote(true, null)).toBe('Saved as version 1');
    expect(savedNote(false, 4)).toBe('Saved as version 4');
    expect(savedNote(false, null)).toBe('No changes to save');
  });

  it('saves before running a new or edited pipeline', () => {
    expect(mustSaveBeforeRun(null, false)).toBe(true);
    expect(mustSaveBeforeRun('p', true)).toBe(true);
    expect(mustSaveBeforeRun('p', false)).toBe(false);
    expect(pipelinePath('a b')).toBe('/pipelines/a%20b');
  });
});
