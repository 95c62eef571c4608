import { describe, expect, it } from 'vitest';
import { caretLines, formatProblem, paint, resolvePointer } from './format';

describe('resolvePointer', () => {
  const doc = { nodes: [{ id: 'a', 'x/y': { '~k': 1 } }] };

  it('follows RFC 6901 pointers', () => {
    expect(resolvePointer(doc, '')).toBe(doc);
    expect(resolvePointer(doc, '/nodes/0/id')).toBe('a');
    expect(resolvePointer(doc, '/nodes/0/x~1y/~0k')).toBe(1);
  });

  it('is undefined for paths that are not there', () => {
    expect(resolvePointer(doc, '/nodes/1/id')).toBeUndefined();
    expect(resolvePointer(doc, '/nodes/01')).toBeUndefined();
    expect(resolvePointer(doc, '/nodes/0/id/length')).toBeUndefined();
    expect(resolvePointer(doc, 'nodes')).toBeUndefined();
  });
});

describe('caretLines', () => {
  it('puts the caret under a 1-based column', () => {
    expect(caretLines("word <> ''", 1)).toEqual(["word <> ''", '^']);
    expect(caretLines("word <> ''", 6)).toEqual(["word <> ''", '     ^']);
  });

  it('shows the line of a multi-line expression that holds the column', () => {
    expect(caretLines('a +\nbb + c', 10)).toEqual(['bb + c', '     ^']);
  });

  it('keeps tabs so the caret lines up', () => {
    expect(caretLines('\tx = 1', 4)).toEqual(['\tx = 1', '\t  ^']);
  });

  it('cuts a long line to a window around the column', () => {
    const text = `${'a'.repeat(300)}X${'b'.repeat(300)}`;
    const [line, caret] = caretLines(text, 301, 40);
    expect(line).toBe(`…${'a'.repeat(20)}X${'b'.repeat(19)}…`);
    expect(caret).toBe(`${' '.repeat(21)}^`);
  });

  it('places a column past the end after the last character', () => {
    expect(caretLines('abc', 4)).toEqual(['abc', '   ^']);
  });
});

describe('formatProblem', () => {
  const p = paint(false);
  const document = { nodes: [{}, {}, { where: "wrod <> ''" }] };

  it('writes path: message [code], with the expression and a caret', () => {
    const text = formatProblem(
      {
        code: 'expression/UNKNOWN_FIELD',
        message: "filter 'nonEmpty', where: unknown field 'wrod' at column 1",
        path: '/nodes/2/where',
        nodeId: 'nonEmpty',
        column: 1,
      },
      { document, paint: p, severity: 'error' },
    );
    expect(text).toBe(
      "/nodes/2/where: filter 'nonEmpty', where: unknown field 'wrod' at column 1 [expression/UNKNOWN_FIELD]\n" +
        "    wrod <> ''\n" +
        '    ^\n',
    );
  });

  it('marks warnings, names the node when the message does not, and shows the document as (spec)', () => {
    expect(
      formatProblem(
        { code: 'warning/x', message: 'look', path: '', nodeId: 'n1' },
        { paint: p, severity: 'warning' },
      ),
    ).toBe("(spec): warning: look (node 'n1') [warning/x]\n");
  });
});
