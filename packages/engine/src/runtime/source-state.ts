import type { SourcePosition } from '../connectors/index';
import type { OperatorStateType } from './operator';

/** What a source subtask keeps in a checkpoint for one split: where to resume and how far event time got. */
export interface SourceSplitState {
  split: number;
  of: number;
  position: SourcePosition;
  maxTs: number | null;
}

/** A source subtask's operator state: its splits (a restore at any parallelism deals them out again). */
export interface SourceState {
  splits: SourceSplitState[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The shapes `SourcePosition` allows; each reader's `seek` checks that the position is one of its own. */
function readPosition(v: unknown): SourcePosition | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if ('index' in v) return typeof v.index === 'number' ? { index: v.index } : undefined;
  const offset = 'offset' in v ? v.offset : undefined;
  const line = 'line' in v ? v.line : undefined;
  const file = 'file' in v ? v.file : undefined;
  if (typeof offset !== 'number' || typeof line !== 'number') return undefined;
  if (file === undefined) return { offset, line };
  return typeof file === 'string' ? { offset, line, file } : undefined;
}

function readSplit(s: unknown, i: number): SourceSplitState {
  if (typeof s === 'object' && s !== null) {
    const split = 'split' in s ? s.split : undefined;
    const of = 'of' in s ? s.of : undefined;
    const position = readPosition('position' in s ? s.position : undefined);
    const maxTs = 'maxTs' in s ? s.maxTs : undefined;
    if (isCount(split) && isCount(of) && position && (maxTs === null || typeof maxTs === 'number'))
      return { split, of, position, maxTs };
  }
  throw new Error(`splits[${i}]: expected { split, of, position, maxTs }, got ${JSON.stringify(s)}`);
}

export const SOURCE_STATE: OperatorStateType<SourceState> = {
  name: "source's state ({ splits })",
  read(value) {
    const splits =
      typeof value === 'object' && value !== null && 'splits' in value ? value.splits : undefined;
    if (!Array.isArray(splits)) throw new Error('expected { splits: [...] }');
    return { splits: splits.map(readSplit) };
  },
};
