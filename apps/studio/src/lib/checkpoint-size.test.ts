import { describe, expect, it } from 'vitest';
import { bytesWritten, type CheckpointSizes, checkpointSizeText } from './checkpoint-size';

const cp = (over: Partial<CheckpointSizes>): CheckpointSizes => ({
  checkpointId: 5,
  kind: 'checkpoint',
  sizeBytes: 4301,
  fullSizeBytes: null,
  incrementalSizeBytes: null,
  ...over,
});

describe('checkpoint sizes', () => {
  it('an incremental checkpoint: what it wrote of what it consists of', () => {
    const c = cp({ fullSizeBytes: 40_684_339, incrementalSizeBytes: 414_720 });
    const s = checkpointSizeText(c);
    expect(s.text).toBe('405.0 KiB incremental of 38.8 MiB full');
    expect(s.incremental).toEqual({ wrote: '405.0 KiB', full: '38.8 MiB' });
    expect(s.title).toBe(
      'checkpoint 5 wrote 405.0 KiB: the keys changed since the checkpoint it builds on. It consists of 38.8 MiB: its own files and the files of earlier checkpoints it refers to, which a restore reads.',
    );
    expect(bytesWritten(c)).toBe(414_720);
  });

  it('a disk checkpoint written in full: one size, the full one', () => {
    const c = cp({ kind: 'savepoint', fullSizeBytes: 33_778, incrementalSizeBytes: 33_778 });
    const s = checkpointSizeText(c);
    expect(s.text).toBe('33.0 KiB');
    expect(s.incremental).toBeNull();
    expect(s.title).toMatch(/^savepoint 5 wrote its state in full \(disk state backend\)/);
    expect(bytesWritten(c)).toBe(33_778);
  });

  it('a heap checkpoint: its size; one not completed: none', () => {
    expect(checkpointSizeText(cp({}))).toEqual({ text: '4.2 KiB', incremental: null, title: undefined });
    expect(bytesWritten(cp({}))).toBe(4301);
    expect(checkpointSizeText(cp({ sizeBytes: null })).text).toBe('—');
    expect(bytesWritten(cp({ sizeBytes: null }))).toBeNull();
  });
});
