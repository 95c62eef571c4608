/** The job's own form: name, description and every setting, with the restart strategy's own fields. */
import type { Problem } from '@flowstate/spec';
import { analyzeGraph, toPointer, valueAtPath } from '../analysis';
import type { FlowGraph, JobMeta } from '../types';
import { isRecord } from '../types';
import { type FormField, type FormSection, f, ms, options } from './form-model';
import { pick, setIn } from './records';

export const RESTART_STRATEGIES = options(['none', 'fixed-delay', 'exponential-backoff'], {
  none: 'None: fail the job',
  'fixed-delay': 'Fixed delay',
  'exponential-backoff': 'Exponential backoff',
});

/** The fields of each restart strategy besides the strategy itself; paths are inside the job. */
export const RESTART_FIELDS: Readonly<Record<string, readonly FormField[]>> = (() => {
  const r = (...path: string[]) => ['settings', 'restart', ...path];
  const attempts = f(r('maxAttempts'), {
    label: 'Max attempts',
    input: 'number',
    integer: true,
    min: 0,
    defaultValue: 3,
    help: 'Restarts (from the last checkpoint) before the job fails',
  });
  const delay = ms(r('delayMs'), 'Delay', { defaultValue: 1000, help: 'Before a restart' });
  return {
    none: [],
    'fixed-delay': [attempts, delay],
    'exponential-backoff': [
      attempts,
      ms(r('delayMs'), 'Initial delay', { defaultValue: 1000, help: 'Before the first restart' }),
      ms(r('maxDelayMs'), 'Max delay', { placeholder: 'no cap', help: 'The delay never grows past this' }),
      f(r('backoffMultiplier'), {
        label: 'Backoff multiplier',
        input: 'number',
        min: 1,
        placeholder: '2',
        help: 'The delay is multiplied by this after each attempt',
      }),
    ],
  };
})();

/**
 * The job's own form: name, description and settings (every setting of the spec's `settings`). Paths
 * are inside the job. The restart section shows the fields of the job's restart strategy.
 */
export function jobForm(job?: JobMeta): FormSection[] {
  const s = (...path: string[]) => ['settings', ...path];
  const restart = job === undefined ? undefined : readJobField(job, s('restart', 'strategy'));
  const strategy = typeof restart === 'string' ? restart : 'fixed-delay';
  return [
    {
      id: 'job',
      title: 'Job',
      fields: [
        f(['name'], { label: 'Job name', input: 'text', required: true, help: '1–200 characters' }),
        f(['description'], { label: 'Description', input: 'textarea' }),
      ],
    },
    {
      id: 'execution',
      title: 'Execution',
      fields: [
        f(s('parallelism'), {
          label: 'Default parallelism',
          input: 'number',
          integer: true,
          min: 1,
          max: 1024,
          defaultValue: 1,
          help: 'Parallel instances of every node that does not set its own',
        }),
        f(s('maxParallelism'), {
          label: 'Max parallelism',
          input: 'number',
          integer: true,
          min: 1,
          max: 32768,
          defaultValue: 128,
          help: 'The number of key groups; fixed for the life of the job’s state',
        }),
        f(s('stateBackend'), {
          label: 'State backend',
          input: 'select',
          options: options(['heap', 'disk'], {
            heap: 'Heap (in memory)',
            disk: 'Disk (LMDB, state on disk)',
          }),
          defaultValue: 'heap',
          help: 'Heap: keyed state in the job’s memory, fastest; each checkpoint writes all of it. Disk: each stateful node’s state in an LMDB store in the server’s data directory, with a cache in memory — bounded by the disk, not memory, slower per row; checkpoints are incremental: most write only the keys changed since the last, and a restore at the same parallelism takes the checkpoint’s store file as it is. The run view shows each node’s state on disk and each checkpoint’s incremental and full size',
        }),
        f(s('rowErrors'), {
          label: 'Row errors',
          input: 'select',
          options: options(['skip', 'fail'], { skip: 'Skip and count the row', fail: 'Fail the job' }),
          defaultValue: 'skip',
          help: 'What a row that cannot be parsed, or whose expression fails, does',
        }),
      ],
    },
    {
      id: 'checkpointing',
      title: 'Checkpointing',
      fields: [
        ms(s('checkpointing', 'intervalMs'), 'Checkpoint interval', {
          defaultValue: 0,
          help: '0 turns periodic checkpoints off',
        }),
        ms(s('checkpointing', 'minPauseMs'), 'Min pause', {
          defaultValue: 0,
          help: 'Between the end of one checkpoint and the start of the next',
        }),
        ms(s('checkpointing', 'timeoutMs'), 'Timeout', {
          min: 1,
          defaultValue: 60_000,
          help: 'A checkpoint not complete by then is aborted',
        }),
        f(s('checkpointing', 'retained'), {
          label: 'Retained',
          input: 'number',
          integer: true,
          min: 1,
          max: 100,
          defaultValue: 3,
          help: 'Completed checkpoints kept to restore from',
        }),
        f(s('checkpointing', 'tolerableFailures'), {
          label: 'Tolerable failures',
          input: 'number',
          integer: true,
          min: 0,
          max: 1000,
          defaultValue: 3,
          help: 'Consecutive failed checkpoints tolerated; one more restarts the job',
        }),
      ],
    },
    {
      id: 'restart',
      title: 'Restart',
      fields: [
        f(s('restart', 'strategy'), {
          label: 'Restart strategy',
          input: 'select',
          options: RESTART_STRATEGIES,
          defaultValue: 'fixed-delay',
          variant: true,
        }),
        ...(RESTART_FIELDS[strategy] ?? []),
      ],
    },
  ];
}

/** The job with `value` written at `path` (inside the job: `['settings', 'parallelism']`). */
export function writeJobField(job: JobMeta, path: readonly string[], value: unknown): JobMeta {
  if (path.length === 1 && path[0] === 'name') return { ...job, name: String(value ?? '') };
  if (path.join('.') === 'settings.restart.strategy') {
    // Another strategy keeps the fields it shares with the old one and drops the others.
    const old = readJobField(job, ['settings', 'restart']);
    const kept = pick(
      isRecord(old) ? old : {},
      (RESTART_FIELDS[String(value ?? 'fixed-delay')] ?? []).map((x) => x.path[2]!),
    );
    const restart = { ...(value === undefined ? {} : { strategy: value }), ...kept };
    return setIn(job, ['settings', 'restart'], Object.keys(restart).length === 0 ? undefined : restart);
  }
  return setIn(job, path, value);
}

/** The value a job form field shows. */
export function readJobField(job: JobMeta, path: readonly string[]): unknown {
  return valueAtPath(job, path);
}

/** The problems at a path inside the job (`['settings', 'checkpointing']`), or inside it. */
export function jobFieldProblems(graph: FlowGraph, path: readonly string[]): Problem[] {
  const pointer = toPointer(path);
  return analyzeGraph(graph).problems.filter((p) => p.path === pointer || p.path.startsWith(`${pointer}/`));
}
