/**
 * The `file` sink: Flink's two-phase-commit `FileSink`, writing part files with Node's `fs` — the engine's
 * Node-only edge, like the file source. Rows are formatted by `formats.ts`.
 */
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
import type { SinkConnector } from '@flowstate/spec';
import { SinkOperator } from '../operators/sink-operator';
import type { Row } from '../runtime/elements';
import type { OperatorRestore, OperatorSnapshot, OperatorStateType } from '../runtime/operator';
import { createJsonlFormatter, formatCsvHeader, formatCsvRow } from './formats';

export type FileSinkConnector = Extract<SinkConnector, { type: 'file' }>;

/** A part file written but not yet committed (in the checkpoint until its checkpoint completes). */
export interface PendingFile {
  /** In-progress name (starts with '.', so readers skip it). */
  tmp: string;
  /** Name it gets when committed (`part-<subtask>-c<checkpoint>-<uid>`); set at the barrier that covers it. */
  final: string | null;
  /** The checkpoint that covers it (null until the next checkpoint's barrier). */
  checkpointId: number | null;
  uid: string;
}

/** What a file sink subtask keeps in a checkpoint: its pending part files. */
export interface FileSinkState {
  pending: PendingFile[];
}

function readPendingFile(p: unknown, i: number): PendingFile {
  if (typeof p === 'object' && p !== null) {
    const tmp = 'tmp' in p ? p.tmp : undefined;
    const final = 'final' in p ? p.final : undefined;
    const checkpointId = 'checkpointId' in p ? p.checkpointId : undefined;
    const uid = 'uid' in p ? p.uid : undefined;
    if (
      typeof tmp === 'string' &&
      (final === null || typeof final === 'string') &&
      (checkpointId === null || typeof checkpointId === 'number') &&
      typeof uid === 'string'
    )
      return { tmp, final, checkpointId, uid };
  }
  throw new Error(`pending[${i}]: expected { tmp, final, checkpointId, uid }, got ${JSON.stringify(p)}`);
}

const FILE_SINK_STATE: OperatorStateType<FileSinkState> = {
  name: "file sink's state ({ pending })",
  read(value) {
    const pending =
      typeof value === 'object' && value !== null && 'pending' in value ? value.pending : undefined;
    if (!Array.isArray(pending)) throw new Error('expected { pending: [...] }');
    return { pending: pending.map(readPendingFile) };
  },
};

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
export class FileSink extends SinkOperator<FileSinkState> {
  protected override readonly operatorStateType = FILE_SINK_STATE;
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

  override snapshotState(checkpointId: number): OperatorSnapshot<FileSinkState> {
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

  protected override initializeState(r: OperatorRestore<FileSinkState>): void {
    // Union: every subtask commits every pending file of the checkpoint (renames are idempotent), then drops
    // all other in-progress files — they hold rows written after the checkpoint.
    const keep = new Set<string>();
    for (const o of r.operatorStates) {
      for (const p of o.state.pending) {
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
