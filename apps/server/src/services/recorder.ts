/**
 * Keeps the database true to what the job manager reports, and fans events out to the sockets.
 *
 * - status → the job row (status, failure cause, restarts, startedAt on the first run, endedAt at the end)
 * - checkpoint-triggered / -completed / -failed → the checkpoint row (pending → completed | failed, with
 *   duration, size, path and per-operator figures)
 * - status changes, checkpoints (periodic triggers excepted: their completion says enough), restores,
 *   notices and row errors (at most one per job every few seconds) → a JobEvent row a person can read
 * - metrics, output rows, state changes → straight to the sockets
 * - archives (every few seconds while a job runs, and at its end) → the job's stored figures and the newest rows
 *   of its collect sinks, what the API answers once the job no longer runs (also after a server restart); a job
 *   that ends without a final archive (its worker was terminated or crashed) keeps its last pushed figures
 *
 * Writes of one job are applied in order (a chain per job), and an event goes out on the socket only once
 * its row is written, so a client that reacts to `checkpoint:completed` finds the row over REST.
 */
import type { JobEvent as ApiJobEvent } from '@flowstate/api';
import type { Db, JobEventRow } from '../db/index';
import { toJobEvent } from '../http/mappers';
import type { ManagerEvent } from '../jobs/index';
import type { SocketHub } from '../socket/hub';

const TERMINAL = new Set(['finished', 'failed', 'cancelled']);
/** Row errors: at most one log line per job in this many ms (the rest are counted into the next). */
const ROW_ERROR_LOG_INTERVAL_MS = 5000;

export interface RecorderLog {
  error(obj: unknown, msg?: string): void;
}

export class JobEventRecorder {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly rowErrors = new Map<string, { last: number; suppressed: number }>();
  private unrecordedCount = 0;
  /** Jobs whose final archive was recorded (their end needs no other figures). */
  private readonly archivedFinal = new Set<string>();
  /** Last metrics per job as pushed by its worker (about once a second), with when they arrived (epoch ms). */
  readonly lastMetrics = new Map<
    string,
    { metrics: Extract<ManagerEvent, { type: 'metrics' }>['metrics']; at: number }
  >();

  constructor(
    private readonly db: Db,
    private readonly hub: SocketHub,
    private readonly log: RecorderLog,
  ) {}

  /** Resolves once every write queued so far for `jobId` (or for all jobs) is done. */
  async idle(jobId?: string): Promise<void> {
    if (jobId !== undefined) await this.chains.get(jobId);
    else await Promise.all(this.chains.values());
  }

  private enqueue(jobId: string, work: () => Promise<void>): void {
    const prev = this.chains.get(jobId) ?? Promise.resolve();
    const next = prev.then(work).catch((e: unknown) => {
      this.log.error({ err: e, jobId }, 'could not record a job event');
      this.unrecorded(jobId, e);
    });
    this.chains.set(jobId, next);
    void next.then(() => {
      if (this.chains.get(jobId) === next) this.chains.delete(jobId);
    });
  }

  /**
   * A write failed: the job's room hears it (an error line in the run view's event log), though the database
   * keeps no row of it, so that a checkpoint or status that never shows up is not a silent mystery.
   */
  private unrecorded(jobId: string, e: unknown): void {
    const why = (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!.slice(0, 300);
    this.hub.toJob(jobId, 'job:event', {
      // not a database id: the newest of its millisecond, unique in this process
      id: `${Number.MAX_SAFE_INTEGER}${++this.unrecordedCount}`,
      jobId,
      at: new Date().toISOString(),
      level: 'error',
      type: 'notice',
      message: `the server could not store this in its database (${why}): the job's history and checkpoint list miss it, and a reload will not show this line`,
    });
  }

  private async logEvent(
    jobId: string,
    level: JobEventRow['level'],
    type: string,
    message: string,
    data?: unknown,
  ): Promise<void> {
    const row = await this.db.events.add({
      jobId,
      level,
      type,
      message,
      ...(data !== undefined ? { data } : {}),
    });
    const ev: ApiJobEvent = toJobEvent(row);
    this.hub.toJob(jobId, 'job:event', ev);
  }

  /** Adds a line to a job's log (after its queued writes) and sends it to the job's room; resolves once written. */
  note(
    jobId: string,
    level: JobEventRow['level'],
    type: string,
    message: string,
    data?: unknown,
  ): Promise<void> {
    this.enqueue(jobId, () => this.logEvent(jobId, level, type, message, data));
    return this.idle(jobId);
  }

  handle(e: ManagerEvent): void {
    switch (e.type) {
      case 'metrics':
        this.lastMetrics.set(e.jobId, { metrics: e.metrics, at: Date.now() });
        this.hub.toJob(e.jobId, 'job:metrics', { jobId: e.jobId, metrics: e.metrics });
        return;
      case 'output':
        this.hub.toJob(e.jobId, 'output:rows', {
          jobId: e.jobId,
          nodeId: e.nodeId,
          rows: e.rows as Array<Record<string, unknown>>,
          from: e.from,
          next: e.next,
          epoch: e.epoch,
        });
        return;
      case 'state': {
        const { type: _type, ...changes } = e;
        this.hub.state(changes);
        return;
      }
      case 'archive': {
        if (e.final) this.archivedFinal.add(e.jobId);
        const at = new Date();
        this.enqueue(e.jobId, async () => {
          if (!(await this.db.jobs.saveMetrics(e.jobId, e.metrics, at))) return; // not a job of this database
          for (const o of e.outputs) {
            await this.db.outputs.save({
              jobId: e.jobId,
              nodeId: o.nodeId,
              rows: o.rows,
              fromSeq: o.from,
              nextSeq: o.next,
              epoch: o.epoch,
              updatedAt: at,
            });
          }
        });
        return;
      }
      case 'status': {
        // Ended without a final archive (the worker was terminated or crashed): keep its last pushed figures.
        const unarchived =
          TERMINAL.has(e.status) && !this.archivedFinal.has(e.jobId)
            ? this.lastMetrics.get(e.jobId)
            : undefined;
        if (TERMINAL.has(e.status)) this.forget(e.jobId);
        if (unarchived) {
          const metrics = { ...unarchived.metrics, status: e.status };
          const at = new Date(unarchived.at);
          this.enqueue(e.jobId, async () => {
            await this.db.jobs.saveMetrics(e.jobId, metrics, at);
          });
        }
        this.enqueue(e.jobId, async () => {
          const at = new Date(e.at);
          const patch: Parameters<Db['jobs']['update']>[1] = { status: e.status, restarts: e.restarts };
          if (
            e.cause !== undefined &&
            (e.status === 'failed' || e.status === 'restarting' || e.status === 'cancelled')
          )
            patch.failureCause = e.cause;
          if (e.status === 'running') {
            const row = await this.db.jobs.get(e.jobId);
            if (row && row.startedAt === null) patch.startedAt = at;
          }
          if (TERMINAL.has(e.status)) patch.endedAt = at;
          const row = await this.db.jobs.update(e.jobId, patch);
          if (!row) return; // not a job of this database (a manager shared with another server)
          this.hub.toJob(e.jobId, 'job:status', {
            jobId: e.jobId,
            status: e.status,
            cause: e.cause ?? null,
            restarts: e.restarts,
            at: e.at,
          });
          if (e.status === 'created') return;
          const level = e.status === 'failed' ? 'error' : e.status === 'restarting' ? 'warn' : 'info';
          const message =
            e.status === 'restarting'
              ? `restarting (restart ${e.restarts})${e.cause ? `: ${e.cause}` : ''}`
              : `${e.status}${e.cause ? `: ${e.cause}` : ''}`;
          await this.logEvent(e.jobId, level, e.status === 'restarting' ? 'restart' : 'status', message);
        });
        return;
      }
      case 'checkpoint-triggered':
        this.enqueue(e.jobId, async () => {
          await this.db.checkpoints.upsert({
            jobId: e.jobId,
            number: e.checkpointId,
            kind: e.kind,
            trigger: e.trigger,
            status: 'pending',
            startedAt: new Date(e.timestamp),
            durationMs: null,
            sizeBytes: null,
            fullSizeBytes: null,
            incrementalSizeBytes: null,
            path: null,
            failureReason: null,
            details: null,
          });
          this.hub.toJob(e.jobId, 'checkpoint:triggered', {
            jobId: e.jobId,
            checkpointId: e.checkpointId,
            kind: e.kind,
            trigger: e.trigger,
            timestamp: e.timestamp,
          });
          if (e.trigger !== 'periodic')
            await this.logEvent(
              e.jobId,
              'info',
              'checkpoint',
              `${e.kind} ${e.checkpointId} triggered (${e.trigger})`,
            );
        });
        return;
      case 'checkpoint-completed':
        this.enqueue(e.jobId, async () => {
          const c = e.checkpoint;
          await this.db.checkpoints.upsert({
            jobId: e.jobId,
            number: c.checkpointId,
            kind: c.kind,
            trigger: c.trigger,
            status: 'completed',
            startedAt: new Date(c.timestamp),
            durationMs: Math.round(c.durationMs),
            sizeBytes: c.sizeBytes,
            fullSizeBytes: c.fullSizeBytes ?? null,
            incrementalSizeBytes: c.incrementalSizeBytes ?? null,
            path: c.path,
            failureReason: null,
            details: { operators: e.operators, pauses: e.pauses },
          });
          this.hub.toJob(e.jobId, 'checkpoint:completed', {
            jobId: e.jobId,
            ...c,
            operators: e.operators,
            pauses: e.pauses,
          });
          await this.logEvent(
            e.jobId,
            'info',
            'checkpoint',
            `${c.kind} ${c.checkpointId} completed in ${Math.round(c.durationMs)} ms (${sizeText(c)}, ${c.trigger})`,
            { checkpointId: c.checkpointId, path: c.path },
          );
        });
        return;
      case 'checkpoint-failed':
        this.enqueue(e.jobId, async () => {
          const durationMs = Math.max(0, Date.now() - e.timestamp);
          await this.db.checkpoints.upsert({
            jobId: e.jobId,
            number: e.checkpointId,
            kind: e.kind,
            trigger: e.trigger,
            status: 'failed',
            startedAt: new Date(e.timestamp),
            durationMs,
            sizeBytes: null,
            fullSizeBytes: null,
            incrementalSizeBytes: null,
            path: null,
            failureReason: e.reason,
            details: null,
          });
          this.hub.toJob(e.jobId, 'checkpoint:failed', {
            jobId: e.jobId,
            checkpointId: e.checkpointId,
            kind: e.kind,
            trigger: e.trigger,
            timestamp: e.timestamp,
            durationMs,
            reason: e.reason,
          });
          await this.logEvent(
            e.jobId,
            'warn',
            'checkpoint',
            `${e.kind} ${e.checkpointId} failed: ${e.reason}`,
            {
              checkpointId: e.checkpointId,
            },
          );
        });
        return;
      case 'restored':
        this.enqueue(e.jobId, () =>
          this.logEvent(e.jobId, 'info', 'restore', `restored checkpoint ${e.checkpointId}: ${e.reason}`, {
            checkpointId: e.checkpointId,
            path: e.path,
          }),
        );
        return;
      case 'restarting':
        this.enqueue(e.jobId, () =>
          this.logEvent(
            e.jobId,
            'info',
            'notice',
            `restart ${e.attempt} in ${e.delayMs} ms after: ${e.cause}`,
            { attempt: e.attempt, delayMs: e.delayMs, cause: e.cause },
          ),
        );
        return;
      case 'notice':
        this.enqueue(e.jobId, () => this.logEvent(e.jobId, 'info', 'notice', e.message, e.data));
        return;
      case 'row-error': {
        const now = Date.now();
        const r = this.rowErrors.get(e.jobId) ?? { last: Number.NEGATIVE_INFINITY, suppressed: 0 };
        this.rowErrors.set(e.jobId, r);
        if (now - r.last < ROW_ERROR_LOG_INTERVAL_MS) {
          r.suppressed++;
          return;
        }
        const more = r.suppressed > 0 ? ` (${r.suppressed} more row errors since the last one logged)` : '';
        r.last = now;
        r.suppressed = 0;
        this.enqueue(e.jobId, () =>
          this.logEvent(e.jobId, 'warn', 'row-error', `${e.message}${more}`, e.data),
        );
        return;
      }
    }
  }

  /** Forgets a job's in-memory figures (it ended: the manager keeps its last metrics). */
  forget(jobId: string): void {
    this.lastMetrics.delete(jobId);
    this.rowErrors.delete(jobId);
    this.archivedFinal.delete(jobId);
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A completed checkpoint's size for the log: an incremental one's (disk backend) as what it wrote of its full
 * size, or its full size when it wrote all of it; any other's size.
 */
function sizeText(c: { sizeBytes: number; fullSizeBytes?: number; incrementalSizeBytes?: number }): string {
  const { fullSizeBytes: full, incrementalSizeBytes: inc } = c;
  if (full === undefined || inc === undefined) return formatBytes(c.sizeBytes);
  if (inc < full) return `${formatBytes(inc)} incremental of ${formatBytes(full)} full`;
  return `${formatBytes(full)}, written in full`;
}
