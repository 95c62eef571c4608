import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { SinkNode } from '@flowstate/spec';
import { createJsonlFormatter, formatCsvHeader, formatCsvRow } from '../connectors/index';
import type { CollectStore } from '../runtime/collect';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import {
  AbstractStreamOperator,
  type Collector,
  type OperatorRestore,
  type OperatorSnapshot,
  type StreamOperator,
} from '../runtime/operator';

abstract class SinkOperator extends AbstractStreamOperator<SinkNode> {
  constructor(
    node: SinkNode,
    protected readonly ctx: RuntimeContext,
  ) {
    super(node);
  }

  processBatch(rows: Row[], _ts: number[], _out: Collector): void {
    this.metrics.recordsIn += rows.length;
    this.write(rows);
  }

  protected abstract write(rows: Row[]): void;
}

/**
 * `collect`: rows kept by the engine for tests and the studio's output view. Its checkpoint state is how many
 * rows each writer had written, so a restore rolls the output back to exactly the checkpoint's rows.
 */
class CollectSink extends SinkOperator {
  private readonly store: CollectStore;
  private readonly tag: string;
  constructor(node: SinkNode, ctx: RuntimeContext) {
    super(node, ctx);
    this.store = ctx.collectStore(node.id);
    this.tag = `${ctx.attempt}.${ctx.subtask}`;
  }
  protected write(rows: Row[]): void {
    this.store.add(rows, this.tag);
  }
  override snapshotState(): OperatorSnapshot {
    return {
      nodeId: this.node.id,
      subtask: this.ctx.subtask,
      operatorState: { tag: this.tag, count: this.store.count(this.tag) },
    };
  }
}

/** `console`: one JSON line per row. */
class ConsoleSink extends SinkOperator {
  protected write(rows: Row[]): void {
    let s = '';
    for (let i = 0; i < rows.length; i++) s += `${JSON.stringify(rows[i])}\n`;
    this.ctx.writeConsole(s);
  }
}

/** `blackhole`: counts rows and drops them (Flink's blackhole connector). */
class BlackholeSink extends SinkOperator {
  protected write(_rows: Row[]): void {}
}

interface PendingFile {
  /** In-progress name (starts with '.', so readers skip it). */
  tmp: string;
  /** Name it gets when committed (`part-<subtask>-c<checkpoint>-<uid>`); set at the barrier that covers it. */
  final: string | null;
  /** The checkpoint that covers it (null until the next checkpoint's barrier). */
  checkpointId: number | null;
  uid: string;
}

/** The checkpoint a committed part file belongs to (files committed without checkpoints have none). */
const COMMITTED = /^part-\d+-c(\d+)-/;
/** The "checkpoint" that commits at the end of input when checkpointing is off. */
const END_OF_INPUT_COMMIT = Number.MAX_SAFE_INTEGER;

let uidCounter = 0;
/** Sortable, unique across processes: time in base 36, then a counter. */
function partUid(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${(uidCounter++).toString(36).padStart(4, '0')}`;
}

/**
 * `file`: exactly-once part files, Flink's two-phase-commit `FileSink`. Rows go to an in-progress file
 * (`.part-…inprogress`, invisible to readers); at a checkpoint barrier it is flushed, fsync'd and becomes
 * *pending* (recorded in the checkpoint); when that checkpoint completes it is renamed to `part-….<ext>`
 * (committed, visible). A restore commits the pending files its checkpoint recorded (idempotently) and
 * deletes every other in-progress file: rows written after the checkpoint never become visible.
 * Without checkpoints, files are committed at the end of input.
 */
class FileSink extends SinkOperator {
  private dir = '';
  private ext = 'jsonl';
  private fd: number | null = null;
  private current: PendingFile | null = null;
  private buffer = '';
  private pending: PendingFile[] = [];
  private format!: (row: Row) => string;
  private header = '';

  override open(): void {
    const c = this.node.connector;
    if (c.type !== 'file') throw new Error('not a file sink');
    this.dir = this.ctx.files.resolve(c.path, 'write');
    this.ext = c.format;
    const fields = Object.keys(this.ctx.inputSchema);
    if (c.format === 'csv') {
      this.header = `${formatCsvHeader(fields)}\n`;
      this.format = (row) => formatCsvRow(row, fields);
    } else {
      this.format = createJsonlFormatter(fields);
    }
  }

  protected write(rows: Row[]): void {
    if (this.fd === null) {
      // The directory is created with the first file: opening a job (or inspecting one) touches nothing.
      mkdirSync(this.dir, { recursive: true });
      const uid = partUid();
      const tmp = `.part-${this.ctx.subtask}-${uid}.inprogress`;
      this.current = { tmp, final: null, checkpointId: null, uid };
      this.fd = openSync(path.join(this.dir, tmp), 'w');
      this.buffer = this.header;
    }
    let s = '';
    for (let i = 0; i < rows.length; i++) s += `${this.format(rows[i]!)}\n`;
    this.buffer += s;
    if (this.buffer.length > 1 << 16) this.flushBuffer();
  }

  private flushBuffer(): void {
    if (this.fd !== null && this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  /** Closes the in-progress file durably and makes it pending. */
  private preCommit(): void {
    if (this.fd === null || !this.current) return;
    this.flushBuffer();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    this.pending.push(this.current);
    this.current = null;
  }

  override snapshotState(checkpointId: number): OperatorSnapshot {
    this.preCommit();
    for (const p of this.pending) {
      if (p.checkpointId !== null) continue;
      p.checkpointId = checkpointId;
      const epoch = checkpointId === END_OF_INPUT_COMMIT ? 'end' : `c${checkpointId}`;
      p.final = `part-${this.ctx.subtask}-${epoch}-${p.uid}.${this.ext}`;
    }
    return {
      nodeId: this.node.id,
      subtask: this.ctx.subtask,
      operatorState: { pending: this.pending.map((p) => ({ ...p })) },
    };
  }

  override notifyCheckpointComplete(checkpointId: number): void {
    this.pending = this.pending.filter((p) => {
      if (p.checkpointId === null || p.checkpointId > checkpointId) return true;
      this.commit(p);
      return false;
    });
  }

  private commit(p: PendingFile): void {
    if (p.final === null)
      throw new Error(`file sink '${this.node.id}': ${p.tmp} has no checkpoint to commit with`);
    const tmp = path.join(this.dir, p.tmp);
    const final = path.join(this.dir, p.final);
    if (existsSync(tmp)) renameSync(tmp, final);
    else if (!existsSync(final))
      throw new Error(`file sink '${this.node.id}': pending file ${tmp} is gone and was never committed`);
  }

  override restoreState(r: OperatorRestore): void {
    // Union: every subtask commits every pending file of the checkpoint (renames are idempotent), then drops
    // all other in-progress files — they hold rows written after the checkpoint.
    const keep = new Set<string>();
    for (const o of r.operatorStates) {
      const st = o.state as { pending?: PendingFile[] } | undefined;
      for (const p of st?.pending ?? []) {
        this.commit(p);
        keep.add(p.tmp);
      }
    }
    if (!existsSync(this.dir)) return;
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('.part-') && name.endsWith('.inprogress') && !keep.has(name)) {
        try {
          unlinkSync(path.join(this.dir, name));
        } catch {
          // another subtask removed it first
        }
      }
      // Files committed by checkpoints newer than the restored one hold rows that will be written again:
      // move them aside (readers skip `_` names), so the output stays exactly-once. Nothing is deleted.
      const m = COMMITTED.exec(name);
      if (m && Number(m[1]) > r.checkpointId) {
        const aside = path.join(this.dir, '_discarded');
        mkdirSync(aside, { recursive: true });
        try {
          renameSync(path.join(this.dir, name), path.join(aside, name));
        } catch {
          // another subtask moved it first
        }
      }
    }
  }

  override endInput(): void {
    this.preCommit();
  }

  override close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

export function createSinkOperator(node: SinkNode, ctx: RuntimeContext): StreamOperator {
  switch (node.connector.type) {
    case 'collect':
      return new CollectSink(node, ctx);
    case 'console':
      return new ConsoleSink(node, ctx);
    case 'blackhole':
      return new BlackholeSink(node, ctx);
    case 'file':
      return new FileSink(node, ctx);
  }
}
