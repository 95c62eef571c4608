import { type JobSpecInput, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { loadExamples } from '../test-support';
import {
  AGGREGATE_FUNCTION_NAMES,
  addAggregate,
  aggregateFieldsFor,
  aggregateText,
  keyOptions,
  parseAggregateRow,
  toggleKey,
  withAggregateFunction,
} from './index';

const errors = (spec: JobSpecInput) =>
  validateSpec(spec).problems.filter((p) => !p.code.startsWith('warning/'));

describe('aggregates editor model', () => {
  it.each([
    ['COUNT(*)', { fn: 'COUNT', field: null }],
    ['count(*)', { fn: 'COUNT', field: null }],
    ['COUNT(word)', { fn: 'COUNT', field: 'word' }],
    ['SUM(amount)', { fn: 'SUM', field: 'amount' }],
    ['MAX(`select`)', { fn: 'MAX', field: 'select' }],
    ['LAST_VALUE( ts )', { fn: 'LAST_VALUE', field: 'ts' }],
  ] as const)('reads %s as a row', (text, row) => {
    expect(parseAggregateRow(text)).toEqual(row);
    expect(parseAggregateRow(aggregateText(row))).toEqual(row);
  });

  it.each([
    'SUM(price * qty)',
    'COUNT(DISTINCT x)',
    'SUM(a) / COUNT(*)',
    'LOWER(x)',
    'SUM(',
    'SUM(*)',
    'x',
    '',
  ])('leaves %s to the text box', (text) => {
    expect(parseAggregateRow(text)).toBeNull();
  });

  it('writes the expressions the spec uses', () => {
    expect(aggregateText({ fn: 'COUNT', field: null })).toBe('COUNT(*)');
    expect(aggregateText({ fn: 'AVG', field: 'amount' })).toBe('AVG(amount)');
    expect(aggregateText({ fn: 'MIN', field: 'order' })).toBe('MIN(`order`)');
  });

  it('offers the fields a function can take, and keeps the argument when it fits', () => {
    const input = [
      { name: 'word', type: 'string' },
      { name: 'amount', type: 'int' },
      { name: 'price', type: 'float' },
    ];
    expect(aggregateFieldsFor('SUM', input).map((x) => x.name)).toEqual(['amount', 'price']);
    expect(aggregateFieldsFor('MAX', input).map((x) => x.name)).toEqual(['word', 'amount', 'price']);
    expect(withAggregateFunction({ fn: 'COUNT', field: null }, 'SUM', input)).toEqual({
      fn: 'SUM',
      field: 'amount',
    });
    expect(withAggregateFunction({ fn: 'MAX', field: 'word' }, 'SUM', input)).toEqual({
      fn: 'SUM',
      field: 'amount',
    });
    expect(withAggregateFunction({ fn: 'SUM', field: 'price' }, 'AVG', input)).toEqual({
      fn: 'AVG',
      field: 'price',
    });
    expect(withAggregateFunction({ fn: 'MAX', field: 'word' }, 'COUNT', input)).toEqual({
      fn: 'COUNT',
      field: 'word',
    });
    expect(withAggregateFunction({ fn: 'SUM', field: 'amount' }, 'COUNT', [])).toEqual({
      fn: 'COUNT',
      field: 'amount',
    });
    expect(withAggregateFunction({ fn: 'SUM', field: 'word' }, 'COUNT', input)).toEqual({
      fn: 'COUNT',
      field: 'word',
    });
    expect(addAggregate({ count: 'COUNT(*)' })).toEqual({ count: 'COUNT(*)', count2: 'COUNT(*)' });
  });

  it('every row the form can make is a valid aggregate of the word-count pipeline', () => {
    const example = loadExamples().find((e) => e.name === 'word-count')!.spec;
    for (const fn of AGGREGATE_FUNCTION_NAMES) {
      const row = withAggregateFunction({ fn: 'COUNT', field: null }, fn, [{ name: 'word', type: 'string' }]);
      if (fn === 'SUM' || fn === 'AVG') continue; // no number to sum in word count
      const spec = {
        ...example,
        nodes: example.nodes.map((n) =>
          n.id === 'counts' ? { ...n, aggregates: { x: aggregateText(row) } } : n,
        ),
      } as JobSpecInput;
      expect(errors(spec), fn).toEqual([]);
    }
  });
});

describe('key picker model', () => {
  const input = [{ name: 'word' }, { name: 'line' }];

  it('offers the input fields and flags keys the input does not have', () => {
    expect(keyOptions([], input)).toEqual([
      { name: 'word', checked: false, missing: false },
      { name: 'line', checked: false, missing: false },
    ]);
    expect(keyOptions(['category', 'line'], input)).toEqual([
      { name: 'word', checked: false, missing: false },
      { name: 'line', checked: true, missing: false },
      { name: 'category', checked: true, missing: true },
    ]);
    // Nothing known upstream: the keys are shown, but not called missing.
    expect(keyOptions(['category'], [])).toEqual([{ name: 'category', checked: true, missing: false }]);
  });

  it('checks in the input’s order and unchecks', () => {
    expect(toggleKey([], 'line', true, input)).toEqual(['line']);
    expect(toggleKey(['line'], 'word', true, input)).toEqual(['word', 'line']);
    expect(toggleKey(['category', 'line'], 'word', true, input)).toEqual(['word', 'line', 'category']);
    expect(toggleKey(['word', 'line'], 'word', false, input)).toEqual(['line']);
    expect(toggleKey(['word'], 'word', true, input)).toEqual(['word']);
  });
});
