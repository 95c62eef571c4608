import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ExampleData,
  exampleData,
  exportFileName,
  fileSourcePaths,
  isAbsolutePath,
  readSpecText,
  sampleDataFile,
} from './spec-file';

const wordCountText = readFileSync(
  new URL('../../../../examples/word-count/job.json', import.meta.url),
  'utf8',
);

const wordCount: ExampleData = exampleData({
  id: 'word-count',
  name: 'word-count',
  dir: '/repo/examples/word-count',
  spec: {
    nodes: [
      {
        id: 'lines',
        kind: 'source',
        connector: { type: 'file', path: '/repo/examples/word-count/data/words.txt' },
      },
      { id: 'other', kind: 'source', connector: { type: 'file', path: '/elsewhere/x.txt' } },
    ],
  },
});

describe('exampleData', () => {
  it('maps the example’s relative data paths to absolute ones', () => {
    expect(wordCount.paths).toEqual({ 'data/words.txt': '/repo/examples/word-count/data/words.txt' });
  });
});

describe('sampleDataFile', () => {
  it("is the word count's text, else the first example file", () => {
    const windowed: ExampleData = {
      id: 'word-count-windowed',
      name: 'word-count-windowed',
      paths: { 'data/lines.jsonl': '/repo/examples/word-count-windowed/data/lines.jsonl' },
    };
    expect(sampleDataFile([windowed, wordCount])).toBe('/repo/examples/word-count/data/words.txt');
    expect(sampleDataFile([windowed])).toBe('/repo/examples/word-count-windowed/data/lines.jsonl');
    expect(sampleDataFile([])).toBeUndefined();
  });
});

describe('readSpecText', () => {
  it('imports an example’s job.json with its data path pointing at the example’s data', () => {
    const result = readSpecText(wordCountText, [wordCount]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(fileSourcePaths(result.spec)).toEqual([
      { nodeId: 'lines', path: '/repo/examples/word-count/data/words.txt' },
    ]);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toContain("'word-count' example");
    // Everything else is as written, layout included.
    const original = JSON.parse(wordCountText);
    expect({ ...result.spec, nodes: result.spec.nodes.slice(1) }).toEqual({
      ...original,
      nodes: original.nodes.slice(1),
    });
  });

  it('keeps relative paths of other specs and says where the server reads them', () => {
    const text = wordCountText.replace('"name": "word-count"', '"name": "mine"');
    const result = readSpecText(text, [wordCount]);
    expect(result.ok && fileSourcePaths(result.spec)[0]?.path).toBe('data/words.txt');
    expect(result.ok && result.notes[0]).toMatch(/server's data directory.*lines: data\/words\.txt/);
  });

  it('says nothing about absolute paths', () => {
    const text = wordCountText.replace('"data/words.txt"', '"/data/words.txt"');
    expect(readSpecText(text, [wordCount])).toMatchObject({ ok: true, notes: [] });
  });

  it('names the line and column of malformed JSON', () => {
    const text = wordCountText.replace('"kind": "flatMap",', '"kind": "flatMap"');
    const result = readSpecText(text);
    expect(result).toMatchObject({ ok: false, kind: 'json' });
    if (result.ok) return;
    const line = text.split('\n').findIndex((l) => l.includes('"name": "Split into words"')) + 1;
    expect(result.message).toContain(`Line ${line}, column 7:`);
  });

  it('gives the reason a value is not a spec', () => {
    expect(readSpecText('[1]')).toEqual({
      ok: false,
      kind: 'spec',
      message: 'Not a spec the editor can open: a job spec is a JSON object.',
    });
    expect(readSpecText('{"name":"x","nodes":[{"id":"a","kind":"blender"}]}')).toMatchObject({
      ok: false,
      kind: 'spec',
      message: expect.stringContaining('kind "blender"'),
    });
    expect(readSpecText('  ')).toMatchObject({ ok: false, kind: 'json' });
  });
});

describe('paths and names', () => {
  it('tells absolute paths', () => {
    expect(['/a', 'C:\\a', 'c:/a', '\\\\srv\\a'].every(isAbsolutePath)).toBe(true);
    expect(['a', './a', '../a', 'data/x.txt'].some(isAbsolutePath)).toBe(false);
  });

  it('makes export file names safe', () => {
    expect(exportFileName('word-count')).toBe('word-count.json');
    expect(exportFileName(' word count/v2 ')).toBe('word-count-v2.json');
    expect(exportFileName('../..')).toBe('pipeline.json');
    expect(exportFileName('')).toBe('pipeline.json');
  });
});
