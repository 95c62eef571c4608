/**
 * How big a checkpoint is, as the checkpoint history says it. A checkpoint of the heap state backend writes its
 * state in full every time: one size. The disk backend's checkpoints are incremental: the first (and one now and
 * then) writes the state in full, the next ones only the keys changed since and refer to the files earlier
 * checkpoints wrote — so such a checkpoint has two sizes: what it wrote, and what it consists of (what a
 * restore reads).
 */
import type { Checkpoint } from '@flowstate/api';
import { formatBytes } from './format';

export type CheckpointSizes = Pick<
  Checkpoint,
  'checkpointId' | 'kind' | 'sizeBytes' | 'fullSizeBytes' | 'incrementalSizeBytes'
>;

export interface CheckpointSizeText {
  /** The whole text on one line: `405.0 KiB incremental of 38.8 MiB full`, or a plain size, or `—`. */
  text: string;
  /** An incremental checkpoint that wrote less than it consists of: the two sizes, for a two-line layout. */
  incremental: { wrote: string; full: string } | null;
  /** What the figures mean (a tooltip); undefined for a plain size that needs no explaining. */
  title: string | undefined;
}

/** The bytes a checkpoint wrote: an incremental one's own part, any other's size; null before it completed. */
export function bytesWritten(c: CheckpointSizes): number | null {
  return c.incrementalSizeBytes ?? c.sizeBytes;
}

export function checkpointSizeText(c: CheckpointSizes): CheckpointSizeText {
  const full = c.fullSizeBytes;
  const inc = c.incrementalSizeBytes;
  const what = `${c.kind} ${c.checkpointId}`;
  if (full !== null && inc !== null && inc < full) {
    const wrote = formatBytes(inc);
    const all = formatBytes(full);
    return {
      text: `${wrote} incremental of ${all} full`,
      incremental: { wrote, full: all },
      title: `${what} wrote ${wrote}: the keys changed since the checkpoint it builds on. It consists of ${all}: its own files and the files of earlier checkpoints it refers to, which a restore reads.`,
    };
  }
  if (full !== null) {
    return {
      text: formatBytes(full),
      incremental: null,
      title: `${what} wrote its state in full (disk state backend): the base the next incremental checkpoints build on.`,
    };
  }
  return { text: formatBytes(c.sizeBytes), incremental: null, title: undefined };
}
