/**
 * A job worker: one engine `Job` on its own thread (or, in `inspect` mode, one checkpoint loaded into a job
 * that never runs). Started by the JobManager through `worker-bootstrap.mjs`; speaks the protocol of
 * `protocol.ts`: validates `workerData` and every request, answers each with a response of the same id, and
 * pushes the job's events (status, checkpoints, metrics every `metricsIntervalMs`, new collect-sink rows every
 * `outputIntervalMs`, coalesced state changes of subscribed nodes, and what the server stores — figures and the
 * newest collect rows — every `archiveIntervalMs` and right before the job's end).
 *
 * The worker outlives the job's end: a finished, failed or cancelled job keeps its state and output, which can
 * still be read until the manager terminates the worker.
 */

import { readlinkSync, writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  CheckpointInspectionError,
  type CollectStore,
  confinedFileAccess,
  createFsCheckpointStorage,
  Job,
  type JobEvent,
  openCheckpointForInspection,
  type RowError,
  type StateChanges,
} from '@flowstate/engine';
import { z } from 'zod';
import { rateLimitedConsole } from './console';
import { JobManagerError, toWireError } from './errors';
import { toJsonSafe } from './json-safe';
import { collectSinks, requireNode } from './nodes';
import {
  type Command,
  type ManagerEvent,
  RequestSchema,
  WORKER_DATA_KEY,
  type WorkerInit,
  WorkerInitSchema,
  type WorkerMessage,
} from './protocol';

/** Row errors forwarded per second at most; the rest are counted and the next one forwarded says how many. */
const ROW_ERRORS_PER_SECOND = 10;

const TERMINAL = new Set(['finished', 'failed', 'cancelled']);

type Port = NonNullable<typeof parentPort>;

function post(port: Port, msg: WorkerMessage): void {
  port.postMessage(msg);
}

/**
 * Console sinks write to file descriptor 1 directly: `process.stdout` in a worker is forwarded through the main
 * thread, which a chatty job must not keep busy.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let at = 0;
  for (let tries = 0; at < bytes.length && tries < 1000; tries++) {
    try {
      at += writeSync(1, bytes, at);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') return; // a closed stdout must not fail the job
    }
  }
}

/**
 * Lowers this thread's scheduling priority (Linux: a thread's nice value is its own, set through its thread id).
 * When the machine's cores are all busy, the server's main thread then gets the CPU first, so a job running flat
 * out does not slow the API even without a spare core. Best effort: elsewhere, or if refused, nothing changes.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not permitted or no /proc: run at the normal priority
  }
}

/** Reads requests, runs them one by one as they come (each may await), answers with the same id. */
function serve(port: Port, execute: (c: Command) => Promise<unknown> | unknown): void {
  port.on('message', (raw: unknown) => {
    const parsed = RequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const message = `the worker got an invalid request: ${z.prettifyError(parsed.error)}`;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0)
        post(port, { kind: 'response', id, ok: false, error: { code: 'FAILED', message } });
      return;
    }
    const { id, command } = parsed.data;
    Promise.resolve()
      .then(() => execute(command))
      .then(
        (result) => post(port, { kind: 'response', id, ok: true, result: result ?? {} }),
        (e: unknown) => post(port, { kind: 'response', id, ok: false, error: toWireError(e) }),
      );
  });
}

// ------------------------------------------------------------------------------------------ job mode

async function hostJob(port: Port, init: Extract<WorkerInit, { mode: 'job' }>): Promise<void> {
  const { jobId } = init;
  const emit = (event: ManagerEvent) => post(port, { kind: 'event', event });
  const storage = createFsCheckpointStorage(join(init.dataDir, 'checkpoints'));
  let ended = false;

  let rowErrWindow = 0;
  let rowErrsInWindow = 0;
  let rowErrsSuppressed = 0;
  const onRowError = (e: RowError) => {
    const now = Date.now();
    if (now - rowErrWindow >= 1000) {
      rowErrWindow = now;
      rowErrsInWindow = 0;
    }
    if (rowErrsInWindow >= ROW_ERRORS_PER_SECOND) {
      rowErrsSuppressed++;
      return;
    }
    rowErrsInWindow++;
    emit({
      type: 'row-error',
      jobId,
      message: `${e.nodeId}: ${e.message}`,
      data: {
        nodeId: e.nodeId,
        subtask: e.subtask,
        code: e.code,
        position: e.position,
        // Row errors not reported since the previous one (rate limit).
        ...(rowErrsSuppressed > 0 ? { suppressedBefore: rowErrsSuppressed } : {}),
      },
    });
    rowErrsSuppressed = 0;
  };

  const writeConsole = rateLimitedConsole(init.consoleLinesPerSecond, writeStdout, (lines) =>
    emit({
      type: 'notice',
      jobId,
      message: `console sink: ${lines} lines not printed (at most ${init.consoleLinesPerSecond} lines a second in the server; use a file or collect sink for full output)`,
    }),
  );

  let job: Job;
  try {
    job = Job.fromSpec(init.spec, {
      jobId,
      fileAccess: confinedFileAccess({ baseDir: init.dataDir, ...init.files }),
      checkpointStorage: storage,
      // the disk state backend's stores: in the data directory (not the OS temp directory), refused to specs
      stateDir: join(init.dataDir, 'state', jobId),
      ...(init.restoreFrom === 'latest'
        ? { restoreFrom: 'latest' as const }
        : init.restoreFrom
          ? { restoreFrom: { path: init.restoreFrom.path } }
          : {}),
      ...(init.restoreReason !== undefined ? { restoreReason: init.restoreReason } : {}),
      ...(init.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
      onEvent: (e) => onEngineEvent(e),
      onRowError,
      writeConsole,
    });
    // (A job id used before: the job's checkpoint ids go on past what the storage holds — the Job does that.)
  } catch (e) {
    post(port, { kind: 'init-failed', error: toWireError(e) });
    return;
  }

  // ---- output streaming: per collect sink, the rows it got since the last push
  const cursors = new Map<string, { next: number; epoch: number }>();
  for (const id of collectSinks(job.analysis)) cursors.set(id, { next: 0, epoch: job.output(id).epoch });

  const pushOutput = (nodeId: string, store: CollectStore, cursor: { next: number; epoch: number }) => {
    let reset = false;
    if (store.epoch !== cursor.epoch) {
      // Rolled back (restore): the sequence numbers start over; readers do too.
      cursor.epoch = store.epoch;
      cursor.next = 0;
      reset = true;
    }
    let since = cursor.next;
    if (store.nextSeq - since > init.outputMaxRowsPerTick) since = store.nextSeq - init.outputMaxRowsPerTick;
    for (let first = true; ; first = false) {
      const page = store.since(since, init.outputRowsPerEvent);
      if (page.rows.length === 0 && !(reset && first)) break;
      emit({
        type: 'output',
        jobId,
        nodeId,
        rows: toJsonSafe(page.rows) as Array<Record<string, unknown>>,
        from: page.from,
        next: page.next,
        epoch: page.epoch,
      });
      since = cursor.next = page.next;
      if (page.rows.length < init.outputRowsPerEvent) break;
    }
  };
  const flushOutput = () => {
    for (const [nodeId, cursor] of cursors) pushOutput(nodeId, job.output(nodeId), cursor);
  };
  const metricsNow = () => toJsonSafe(job.metrics()) as Extract<ManagerEvent, { type: 'metrics' }>['metrics'];
  const pushMetrics = () => emit({ type: 'metrics', jobId, metrics: metricsNow() });

  // ---- archive: what the server stores of the job — its figures, and the newest `archiveRows` rows of each
  // collect sink whose rows changed since the last archive (all of them in the final one)
  const archived = new Map<string, { next: number; epoch: number }>();
  const archive = (final: boolean) => {
    const outputs: Extract<ManagerEvent, { type: 'archive' }>['outputs'] = [];
    for (const nodeId of cursors.keys()) {
      const store = job.output(nodeId);
      const last = archived.get(nodeId);
      if (!final && last && last.next === store.nextSeq && last.epoch === store.epoch) continue;
      archived.set(nodeId, { next: store.nextSeq, epoch: store.epoch });
      const page =
        init.archiveRows > 0
          ? store.since(Math.max(0, store.nextSeq - init.archiveRows), init.archiveRows)
          : { rows: [], from: store.nextSeq, next: store.nextSeq, epoch: store.epoch };
      outputs.push({ nodeId, ...page, rows: toJsonSafe(page.rows) as Array<Record<string, unknown>> });
    }
    emit({ type: 'archive', jobId, final, metrics: metricsNow(), outputs });
  };

  const timers = [
    setInterval(pushMetrics, init.metricsIntervalMs),
    setInterval(flushOutput, init.outputIntervalMs),
    setInterval(() => archive(false), init.archiveIntervalMs),
  ];

  /** The engine's events go out as they are (JSON-safe, with the job id); the end of the job flushes first. */
  function onEngineEvent(e: JobEvent): void {
    if (e.type === 'status' && TERMINAL.has(e.status) && !ended) {
      ended = true;
      for (const t of timers) clearInterval(t);
      // Readers get everything before they hear that the job ended; the server stores it first.
      flushOutput();
      pushMetrics();
      archive(true);
    }
    emit({ ...(toJsonSafe(e) as JobEvent), jobId });
    if (e.type === 'status' && e.status === 'running') ready();
    // The collect sinks rolled back: tell readers now, not at the next tick.
    if (e.type === 'restored' && job) flushOutput();
  }

  // ---- state subscriptions: the engine's one per node (the socket hub subscribes once per node; this map only
  // remembers how to end it)
  const subscriptions = new Map<string, () => void>();
  const stateEventsSent: Record<string, number> = {};
  let engineSubscribeCalls = 0;

  const active = () => !TERMINAL.has(job.status);
  const notRunning = () =>
    new JobManagerError('NOT_RUNNING', `job '${jobId}' has ${job.status}: it no longer runs`);

  serve(port, async (c) => {
    switch (c.cmd) {
      case 'stop': {
        if (!active()) throw notRunning();
        if (c.savepoint) {
          const sp = await job.stopWithSavepoint();
          return { savepoint: { checkpointId: sp.checkpointId, path: sp.path } };
        }
        job.cancel();
        await job.run();
        return {};
      }
      case 'triggerCheckpoint':
        if (!active()) throw notRunning();
        return { checkpointId: job.triggerCheckpoint() };
      case 'restore':
        if (!active()) throw notRunning();
        return await job.restore({ checkpointId: c.checkpointId });
      case 'queryState':
        requireNode(job.analysis, c.nodeId, 'keyed');
        return toJsonSafe(job.queryState(c.nodeId, c.query));
      case 'stateOfKey':
        requireNode(job.analysis, c.nodeId, 'keyed');
        return { value: toJsonSafe(job.stateOfKey(c.nodeId, c.key)) };
      case 'output': {
        requireNode(job.analysis, c.nodeId, 'collect');
        const store = job.output(c.nodeId);
        const page = store.since(c.since ?? Math.max(0, store.nextSeq - c.limit), c.limit);
        return { ...page, rows: toJsonSafe(page.rows) };
      }
      case 'metrics':
        return metricsNow();
      case 'subscribeState': {
        requireNode(job.analysis, c.nodeId, 'keyed');
        if (subscriptions.has(c.nodeId)) return {};
        const nodeId = c.nodeId;
        engineSubscribeCalls++;
        stateEventsSent[nodeId] ??= 0;
        const unsubscribe = job.subscribeState(
          nodeId,
          (s) => {
            stateEventsSent[nodeId] = (stateEventsSent[nodeId] ?? 0) + 1;
            emit({ type: 'state', jobId, ...(toJsonSafe(s) as StateChanges) });
          },
          { intervalMs: init.stateIntervalMs, maxKeys: init.stateMaxKeys },
        );
        subscriptions.set(nodeId, unsubscribe);
        return {};
      }
      case 'unsubscribeState':
        subscriptions.get(c.nodeId)?.();
        subscriptions.delete(c.nodeId);
        return {};
      case 'stats':
        return {
          stateSubscriptions: [...subscriptions.keys()],
          engineSubscribeCalls,
          stateEventsSent: { ...stateEventsSent },
        };
      case 'crash':
        if (!init.testHooks) throw new JobManagerError('FAILED', 'test hooks are not enabled');
        setTimeout(() => {
          throw new Error(c.message);
        }, 0);
        return {};
      case 'hang':
        if (!init.testHooks) throw new JobManagerError('FAILED', 'test hooks are not enabled');
        return new Promise<never>(() => {});
      case 'block': {
        if (!init.testHooks) throw new JobManagerError('FAILED', 'test hooks are not enabled');
        const ms = c.ms;
        setTimeout(() => {
          const end = Date.now() + ms;
          while (Date.now() < end) {
            // a job stuck in a long computation
          }
        }, 0);
        return {};
      }
    }
  });

  // The manager's start() resolves once the job runs: at once, or after restoring `restoreFrom`. A job that
  // ends before it ran (the checkpoint cannot be restored) fails the start with the reason.
  let readyPosted = false;
  function ready(): void {
    if (readyPosted) return;
    readyPosted = true;
    post(port, { kind: 'ready', restoredFrom: job.restoredFrom });
  }
  void job.run().then((r) => {
    if (readyPosted) return;
    if (r.status === 'failed') {
      readyPosted = true;
      post(port, { kind: 'init-failed', error: toWireError(r.error ?? new Error('the job failed')) });
    } else ready();
  });
}

// ------------------------------------------------------------------------------------------ inspect mode

async function hostInspection(port: Port, init: Extract<WorkerInit, { mode: 'inspect' }>): Promise<void> {
  let job: Job;
  try {
    ({ job } = await openCheckpointForInspection(init.path, {
      ...(init.spec !== undefined && init.spec !== null ? { spec: init.spec } : {}),
    }));
  } catch (e) {
    const err =
      e instanceof CheckpointInspectionError
        ? new JobManagerError(e.code === 'NO_SPEC' ? 'INVALID_SPEC' : 'NO_SUCH_CHECKPOINT', e.message)
        : e;
    post(port, { kind: 'init-failed', error: toWireError(err) });
    return;
  }
  serve(port, (c) => {
    switch (c.cmd) {
      case 'queryState':
        requireNode(job.analysis, c.nodeId, 'keyed');
        return toJsonSafe(job.queryState(c.nodeId, c.query));
      case 'stateOfKey':
        requireNode(job.analysis, c.nodeId, 'keyed');
        return { value: toJsonSafe(job.stateOfKey(c.nodeId, c.key)) };
      default:
        throw new JobManagerError('FAILED', `'${c.cmd}' is not available for a checkpoint`);
    }
  });
  post(port, { kind: 'ready' });
}

// ------------------------------------------------------------------------------------------ entry

// Only in a thread the JobManager started (`workerData` carries the key), never when imported elsewhere.
const data: unknown = isMainThread ? undefined : workerData;
if (parentPort && typeof data === 'object' && data !== null && WORKER_DATA_KEY in data) {
  const port = parentPort;
  const init = WorkerInitSchema.safeParse((data as Record<string, unknown>)[WORKER_DATA_KEY]);
  if (!init.success) {
    post(port, {
      kind: 'init-failed',
      error: { code: 'FAILED', message: `invalid worker data: ${z.prettifyError(init.error)}` },
    });
  } else if (init.data.mode === 'job') {
    lowerPriority(init.data.nice);
    void hostJob(port, init.data);
  } else {
    lowerPriority(init.data.nice);
    void hostInspection(port, init.data);
  }
}
