import { type JobSpecInput, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { jobMeta } from '../changes';
import { specToGraph } from '../convert';
import { loadExamples } from '../test-support';
import { jobFieldProblems, jobForm, writeJobField } from './index';

const errors = (spec: JobSpecInput) =>
  validateSpec(spec).problems.filter((p) => !p.code.startsWith('warning/'));

describe('job settings form model', () => {
  const example = () => loadExamples().find((e) => e.name === 'word-count')!.spec;

  it('shows every setting of the spec', () => {
    const keys = jobForm().flatMap((s) => s.fields.map((x) => x.key));
    for (const key of [
      'name',
      'description',
      'settings.parallelism',
      'settings.maxParallelism',
      'settings.stateBackend',
      'settings.rowErrors',
      'settings.checkpointing.intervalMs',
      'settings.checkpointing.minPauseMs',
      'settings.checkpointing.timeoutMs',
      'settings.checkpointing.retained',
      'settings.restart.strategy',
      'settings.restart.maxAttempts',
      'settings.restart.delayMs',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('offers both state backends the engine runs, and a spec with the disk backend validates', () => {
    const field = jobForm()
      .flatMap((s) => s.fields)
      .find((x) => x.key === 'settings.stateBackend')!;
    expect(field.options).toEqual([
      { value: 'heap', label: 'Heap (in memory)' },
      { value: 'disk', label: 'Disk (LMDB, state on disk)' },
    ]);
    const spec = example();
    expect(errors({ ...spec, settings: { ...spec.settings, stateBackend: 'disk' } })).toEqual([]);
  });

  it('shows the fields of the restart strategy, and switching it drops the others', () => {
    const graph = specToGraph(example());
    const restartKeys = (job: ReturnType<typeof jobMeta>) =>
      jobForm(job)
        .find((s) => s.id === 'restart')!
        .fields.map((x) => x.key);
    let job = jobMeta(graph);
    expect(restartKeys(job)).toEqual([
      'settings.restart.strategy',
      'settings.restart.maxAttempts',
      'settings.restart.delayMs',
    ]);
    job = writeJobField(job, ['settings', 'restart', 'strategy'], 'exponential-backoff');
    expect(restartKeys(job)).toContain('settings.restart.backoffMultiplier');
    job = writeJobField(job, ['settings', 'restart', 'backoffMultiplier'], 2);
    job = writeJobField(job, ['settings', 'restart', 'maxDelayMs'], 30_000);
    expect(errors({ ...example(), ...job })).toEqual([]);
    job = writeJobField(job, ['settings', 'restart', 'strategy'], 'fixed-delay');
    expect(job.settings?.restart).toEqual({ strategy: 'fixed-delay', maxAttempts: 3, delayMs: 1000 });
    job = writeJobField(job, ['settings', 'restart', 'strategy'], 'none');
    expect(job.settings?.restart).toEqual({ strategy: 'none' });
    expect(restartKeys(job)).toEqual(['settings.restart.strategy']);
    expect(errors({ ...example(), ...job })).toEqual([]);
    // The other settings are untouched.
    expect(job.settings?.checkpointing).toEqual(example().settings?.checkpointing);
  });

  it('reports the problems of a setting at its path', () => {
    const graph = specToGraph(example());
    const job = writeJobField(jobMeta(graph), ['settings', 'parallelism'], 500);
    const tooHigh = { ...graph, ...job };
    expect(jobFieldProblems(tooHigh, ['settings', 'parallelism'])).toEqual([
      expect.objectContaining({ code: 'parallelism-exceeds-max' }),
    ]);
    expect(jobFieldProblems(graph, ['settings'])).toEqual([]);
  });
});
