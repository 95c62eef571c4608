import { describe, expect, it } from 'vitest';
import {
  METADATA_CHECKSUM_FIELD,
  parseCheckpointMetadata,
  parseCheckpointMetadataText,
  serializeCheckpointMetadata,
} from './metadata';
import { metadataFor } from './test-support';
import { CheckpointCorruptedError, type CheckpointMetadata } from './types';

const WHERE = '/data/checkpoints/job/chk-3';
const sha = 'ab'.repeat(32);

function valid(): CheckpointMetadata {
  return metadataFor({ jobId: 'job', checkpointId: 3, kind: 'checkpoint' }, [
    { name: 'op-counts-0.state', size: 100, sha256: sha, offsets: [] },
    { name: 'op-counts-1.state', size: 50, sha256: sha, offsets: [] },
  ]);
}

function problemsOf(json: unknown): string {
  try {
    parseCheckpointMetadata(json, WHERE);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointCorruptedError);
    expect(e).toMatchObject({ code: 'CHECKPOINT_BAD_METADATA', checkpoint: WHERE, file: '_metadata' });
    return (e as Error).message;
  }
  throw new Error('expected the metadata to be rejected');
}

// biome-ignore lint/suspicious/noExplicitAny: the edits write deliberately ill-typed JSON
type LooseJson = Record<string, any>;

/** `valid()` with `edit` applied to a JSON copy. */
function edited(edit: (m: LooseJson) => void): unknown {
  const m = JSON.parse(JSON.stringify(valid()));
  edit(m);
  return m;
}

describe('parseCheckpointMetadata', () => {
  it('accepts valid metadata and returns an equal object', () => {
    const m = valid();
    m.specHash = 'f00';
    m.operators[0]!.subtasks[0]!.keyGroupIndex = [
      [0, 0, 10],
      [1, 10, 90],
    ];
    expect(parseCheckpointMetadata(JSON.parse(JSON.stringify(m)), WHERE)).toEqual(m);
  });

  it('accepts an empty key group range (Flink: end = start - 1)', () => {
    const m = edited((m) => {
      m.operators[0].subtasks[0].keyGroupRange = [5, 4];
    });
    expect(parseCheckpointMetadata(m, WHERE).operators[0]!.subtasks[0]!.keyGroupRange).toEqual([5, 4]);
  });

  const cases: Array<[string, (m: LooseJson) => void, string]> = [
    ['a missing jobId', (m) => delete m.jobId, 'jobId must be a string, got undefined'],
    ['an unsafe jobId', (m) => (m.jobId = '../x'), 'jobId is not valid'],
    ['a string checkpointId', (m) => (m.checkpointId = '3'), 'checkpointId must be an integer >= 0, got "3"'],
    ['a negative timestamp', (m) => (m.timestamp = -1), 'timestamp must be a finite number >= 0, got -1'],
    [
      'an unknown trigger',
      (m) => (m.trigger = 'cron'),
      `trigger must be one of 'periodic', 'manual', 'stop'`,
    ],
    [
      'maxParallelism too big',
      (m) => (m.maxParallelism = 40000),
      'maxParallelism must be an integer in [1, 32768]',
    ],
    ['operators not an array', (m) => (m.operators = {}), 'operators must be an array, got an object'],
    ['a null operator', (m) => (m.operators[1] = null), 'operators[1] must be an object, got null'],
    [
      'a subtask beyond parallelism',
      (m) => (m.operators[0].subtasks[1].subtask = 2),
      'operators[0].subtasks[1].subtask must be an integer in [0, 1]',
    ],
    [
      'a duplicate subtask',
      (m) => (m.operators[0].subtasks[1].subtask = 0),
      'operators[0].subtasks[1].subtask 0 appears twice',
    ],
    [
      'a duplicate nodeId',
      (m) => (m.operators[1].nodeId = 'counts'),
      'operators[1].nodeId "counts" appears twice',
    ],
    [
      'a bad file size',
      (m) => (m.operators[0].subtasks[0].file.size = 1.5),
      'operators[0].subtasks[0].file.size must be an integer >= 0, got 1.5',
    ],
    [
      'an uppercase sha256',
      (m) => (m.operators[0].subtasks[0].file.sha256 = 'AB'.repeat(32)),
      'operators[0].subtasks[0].file.sha256 must be 64 lowercase hex digits',
    ],
    [
      'a path as file name',
      (m) => (m.operators[0].subtasks[0].file.name = '../../etc/passwd'),
      'operators[0].subtasks[0].file.name is not a valid state file name',
    ],
    ['_metadata as file name', (m) => (m.operators[0].subtasks[0].file.name = '_metadata'), 'reserved'],
    [
      'a key group range beyond maxParallelism',
      (m) => (m.operators[0].subtasks[0].keyGroupRange = [0, 128]),
      'operators[0].subtasks[0].keyGroupRange[1] must be an integer in [-1, 127], got 128',
    ],
    [
      'a reversed key group range',
      (m) => (m.operators[0].subtasks[0].keyGroupRange = [5, 2]),
      'keyGroupRange [5, 2] ends before it starts',
    ],
    [
      'a key group section past the file end',
      (m) => (m.operators[0].subtasks[0].keyGroupIndex = [[0, 90, 20]]),
      'keyGroupIndex[0] section [90, 110) runs past the end of op-counts-0.state (100 bytes)',
    ],
    [
      'a key group outside the range',
      (m) => (m.operators[0].subtasks[0].keyGroupIndex = [[9, 0, 1]]),
      "key group 9 is outside the subtask's keyGroupRange [0, 7]",
    ],
    [
      'a key group index without file',
      (m) => (m.operators[1].subtasks[0].keyGroupIndex = []),
      'operators[1].subtasks[0].keyGroupIndex is present but the subtask has no file',
    ],
    [
      'a malformed key group entry',
      (m) => (m.operators[0].subtasks[0].keyGroupIndex = [[1, 2]]),
      'keyGroupIndex[0] must be [keyGroup, offset, length]',
    ],
    [
      'one file described two ways',
      (m) => (m.operators[0].subtasks[1].file = { ...m.operators[0].subtasks[0].file, size: 7 }),
      'operators[0].subtasks[1].file describes op-counts-0.state differently from operators[0].subtasks[0].file',
    ],
    [
      'a savepoint file of its own that is not a full snapshot',
      (m) =>
        (m.operators[0].subtasks[0].shared = [
          {
            name: 'x.state',
            size: 1,
            sha256: sha,
            checkpointId: 3,
            full: false,
            keyGroupIndex: [],
            exclusive: true,
          },
        ]),
      `operators[0].subtasks[0].shared[0].exclusive a checkpoint's own file must be a full snapshot`,
    ],
    [
      'exclusive: false',
      (m) =>
        (m.operators[0].subtasks[0].shared = [
          {
            name: 'x.state',
            size: 1,
            sha256: sha,
            checkpointId: 3,
            full: true,
            keyGroupIndex: [],
            exclusive: false,
          },
        ]),
      'operators[0].subtasks[0].shared[0].exclusive must be true or absent, got false',
    ],
    ['an unknown top-level field', (m) => (m.retention = 3), 'retention is not a known field'],
    [
      'a misspelt subtask field',
      (m) => (m.operators[0].subtasks[0].keyGroupRnage = [0, 1]),
      'operators[0].subtasks[0].keyGroupRnage is not a known field',
    ],
  ];
  it.each(cases)('rejects %s, naming the field', (_, edit, message) => {
    const text = problemsOf(edited(edit));
    expect(text).toContain(message);
    expect(text.startsWith(`${WHERE}: _metadata is not valid checkpoint metadata`)).toBe(true);
  });

  it('lists several problems at once, at most ten', () => {
    const text = problemsOf({ formatVersion: 1 });
    expect(text).toContain('jobId must be');
    expect(text).toContain('operators must be an array');
    const many = problemsOf(
      edited((m) => {
        m.operators[0].subtasks[0].keyGroupIndex = Array.from({ length: 30 }, () => ['x', 0, 0]);
      }),
    );
    expect(many.split('\n').filter((l) => l.includes('keyGroupIndex')).length).toBe(10);
    expect(many).toContain('… (stopped after 10 problems)');
  });

  it('explains a format version it cannot read', () => {
    expect(problemsOf({ formatVersion: 2 })).toContain(
      'formatVersion is 2; this engine reads format version 1',
    );
    expect(problemsOf({})).toContain('formatVersion must be 1, got undefined');
  });

  it('passes operatorState through untouched, whatever it holds', () => {
    const m = edited((m) => {
      m.operators[1].subtasks[0].operatorState = { anything: [1, { nested: 'ok' }], unknownKeys: true };
    });
    expect(parseCheckpointMetadata(m, WHERE).operators[1]!.subtasks[0]!.operatorState).toEqual({
      anything: [1, { nested: 'ok' }],
      unknownKeys: true,
    });
  });
});

describe('_metadata text', () => {
  it('round-trips through serialize and parse, with a trailing self-checksum', () => {
    const m = valid();
    const text = serializeCheckpointMetadata(m);
    expect(text.endsWith('"}\n')).toBe(true);
    expect(JSON.parse(text)[METADATA_CHECKSUM_FIELD]).toMatch(/^[0-9a-f]{64}$/);
    expect(parseCheckpointMetadataText(text, WHERE)).toEqual(m);
  });

  it('accepts hand-written metadata without the checksum', () => {
    expect(parseCheckpointMetadataText(JSON.stringify(valid(), null, 2), WHERE)).toEqual(valid());
  });

  it('catches an edit that keeps the JSON valid', () => {
    const text = serializeCheckpointMetadata(valid()).replace('"offset":42', '"offset":43');
    expect(() => parseCheckpointMetadataText(text, WHERE)).toThrow(
      /is damaged: its content hashes to .* delete the metadataSha256 field/,
    );
  });

  it('catches a reformatted file that kept the checksum', () => {
    const text = JSON.stringify(JSON.parse(serializeCheckpointMetadata(valid())), null, 2);
    expect(() => parseCheckpointMetadataText(text, WHERE)).toThrow(/was rewritten/);
  });

  it('catches a missing final newline and a malformed checksum', () => {
    const text = serializeCheckpointMetadata(valid());
    expect(() => parseCheckpointMetadataText(text.slice(0, -1), WHERE)).toThrow(/truncated/);
    const bad = text.replace(/"metadataSha256":"[0-9a-f]+"/, '"metadataSha256":"xyz"');
    expect(() => parseCheckpointMetadataText(bad, WHERE)).toThrow(
      /metadataSha256 must be 64 lowercase hex digits/,
    );
  });

  it('reports JSON syntax errors as bad metadata', () => {
    expect(() => parseCheckpointMetadataText('{"a":', WHERE)).toThrow(CheckpointCorruptedError);
    expect(() => parseCheckpointMetadataText('  ', WHERE)).toThrow(/the file is empty/);
  });
});
