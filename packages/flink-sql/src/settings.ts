/**
 * The script's SET statements: runtime mode, parallelism, UTC, no mini-batch, watermark interval and idle
 * timeout, state backend, checkpointing, restart strategy and the job's state TTL — each with the notes where
 * Flink's setting does not do exactly what Flowstate's does.
 */
import type { SourceNode } from '@flowstate/spec';
import { type ExportContext, label, oneLine } from './context';
import { option } from './sql';

export function writeSettings(ctx: ExportContext): void {
  const { settings } = ctx.analysis.spec;
  const set = (key: string, value: string, comment?: string): void => {
    ctx.statement(
      'settings',
      `${ctx.takeNotes()}${comment ? `-- ${oneLine(comment)}\n` : ''}SET ${option(key, value)};`,
    );
  };
  set('execution.runtime-mode', 'streaming');
  set('parallelism.default', String(settings.parallelism));
  set('pipeline.max-parallelism', String(settings.maxParallelism));
  set(
    'table.local-time-zone',
    'UTC',
    'Flowstate timestamps are UTC epoch milliseconds; window bounds are read back in UTC.',
  );
  set(
    'table.exec.mini-batch.enabled',
    'false',
    'Every input row updates a rolling aggregate at once, as in Flowstate (no mini-batch buffering).',
  );
  const sources = ctx.analysis.spec.nodes.filter((n): n is SourceNode => n.kind === 'source');
  const watermarked = sources.filter((s) => s.watermark !== undefined);
  if (watermarked.length > 0) {
    const rows = [...new Set(watermarked.map((s) => s.watermark!.emitEveryRows))];
    if (rows.some((r) => r !== 1)) {
      ctx.note(
        undefined,
        `Flowstate emits a source's watermark every ${rows.join('/')} rows (emitEveryRows); Flink's watermark assigner emits it on every increase (pipeline.auto-watermark-interval 0), as emitEveryRows 1 would, so a row that is on time in Flowstate because the watermark lagged can be late in Flink`,
      );
    }
    // WatermarkAssignerOperator (flink-table-runtime) emits as soon as `currentWatermark - lastWatermark >
    // watermarkInterval`: with 0 that is every increase, deterministic instead of every 200 ms.
    set(
      'pipeline.auto-watermark-interval',
      '0 ms',
      'Emit the watermark on every increase (WatermarkAssignerOperator), not every 200 ms of wall-clock time.',
    );
    const idle = [...new Set(watermarked.map((s) => s.watermark!.idleTimeoutMs).filter((ms) => ms > 0))];
    if (idle.length > 0) {
      const ms = Math.min(...idle);
      if (idle.length > 1 || watermarked.some((s) => s.watermark!.idleTimeoutMs === 0)) {
        ctx.note(
          undefined,
          `Flink SQL has one idle timeout for all sources (table.exec.source.idle-timeout); the sources' idleTimeoutMs differ (${[...new Set(watermarked.map((s) => s.watermark!.idleTimeoutMs))].join(', ')}), ${ms} ms is used for all`,
        );
      }
      set('table.exec.source.idle-timeout', `${ms} ms`);
    }
  }
  set(
    'state.backend.type',
    settings.stateBackend === 'disk' ? 'rocksdb' : 'hashmap',
    settings.stateBackend === 'disk'
      ? 'stateBackend "disk": RocksDB (needs flink-statebackend-rocksdb).'
      : undefined,
  );
  const cp = settings.checkpointing;
  if (cp.intervalMs > 0) {
    set('execution.checkpointing.interval', `${cp.intervalMs} ms`);
    set('execution.checkpointing.timeout', `${cp.timeoutMs} ms`);
    set('execution.checkpointing.min-pause', `${cp.minPauseMs} ms`);
    set('execution.checkpointing.num-retained', String(cp.retained));
    set('execution.checkpointing.tolerable-failed-checkpoints', String(cp.tolerableFailures));
  }
  const restart = settings.restart;
  switch (restart.strategy) {
    case 'none':
      set('restart-strategy.type', 'none');
      break;
    case 'fixed-delay':
      set('restart-strategy.type', 'fixed-delay');
      set('restart-strategy.fixed-delay.attempts', String(restart.maxAttempts));
      set('restart-strategy.fixed-delay.delay', `${restart.delayMs} ms`);
      break;
    case 'exponential-backoff':
      ctx.note(
        undefined,
        "Flink's exponential-delay strategy fails the job after attempts-before-reset-backoff restarts without a stable period between them (reset-backoff-threshold, default 1 h); Flowstate after maxAttempts restarts in all",
      );
      set('restart-strategy.type', 'exponential-delay');
      set('restart-strategy.exponential-delay.initial-backoff', `${restart.delayMs} ms`);
      if (restart.maxDelayMs !== undefined)
        set('restart-strategy.exponential-delay.max-backoff', `${restart.maxDelayMs} ms`);
      if (restart.backoffMultiplier !== undefined)
        set('restart-strategy.exponential-delay.backoff-multiplier', String(restart.backoffMultiplier));
      set('restart-strategy.exponential-delay.jitter-factor', '0.0');
      set('restart-strategy.exponential-delay.attempts-before-reset-backoff', String(restart.maxAttempts));
      break;
  }
  if (ctx.jobStateTtlMs > 0) {
    const affected = ctx.analysis.spec.nodes.filter(
      (n) => n.kind === 'aggregate' || n.kind === 'temporalJoin',
    );
    if (affected.length > 0) {
      ctx.note(
        undefined,
        `table.exec.state.ttl (${ctx.jobStateTtlMs} ms, the deduplication's stateTtlMs) applies to every stateful operator of the Flink job: the state of ${affected.map((n) => label(n)).join(', ')} expires after ${ctx.jobStateTtlMs} ms without an update too, where Flowstate keeps it`,
      );
    }
    set(
      'table.exec.state.ttl',
      `${ctx.jobStateTtlMs} ms`,
      "The deduplication's stateTtlMs (processing time, as Flowstate's): Flink SQL has no per-query TTL for a deduplication.",
    );
  }
  if (settings.rowErrors === 'skip') {
    ctx.note(
      undefined,
      'settings.rowErrors is "skip": Flowstate skips and counts a row that does not parse or whose expression fails at run time (division by zero, a failed CAST); Flink fails the job (then the restart strategy applies)',
    );
  }
  const pending = ctx.takeNotes();
  if (pending) ctx.statement('settings', pending.trimEnd());
}
