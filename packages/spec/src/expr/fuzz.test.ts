/**
 * Seeded fuzz tests.
 *
 * (a) Random strings from a token alphabet and random characters: parsing (and checking) never throws, and
 *     every error is positioned inside the text.
 * (b) Random well-typed expressions over a random schema, on random rows with NULLs: the compiled closure
 *     gives the same value as the reference interpreter, or both throw ExpressionRuntimeError with the same
 *     code and message. The canonical text (formatExpr) parses back to the same tree and behaves the same.
 *
 * A failing seed is printed in the failure message; keep it below as `(regression) seed N`.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../prng';
import { checkExpression, parseAggregate } from './checker';
import { compileExpression } from './compile';
import { formatExpr, formatFloatLiteral, formatIdentifier } from './format';
import { parseExpression } from './parser';
import { describeOutcome, mustCheck, type Outcome, runBoth, sameOutcome, shape } from './test-support';
import type { FieldType, RowSchema } from './types';

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    const prng = new Prng(seed);
    this.next = () => prng.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

// ── (a) parser robustness ────────────────────────────────────────────────────────────────────────────

const TOKENS = [
  'price',
  'x',
  'Qty',
  '`q f`',
  '`a``b`',
  "'str'",
  "'it''s'",
  "''",
  '42',
  '0',
  '1.5',
  '.5',
  '1e3',
  '1e',
  '9999999999999999999',
  'TRUE',
  'false',
  'NULL',
  'AND',
  'OR',
  'NOT',
  'IS',
  'LIKE',
  'ESCAPE',
  'IN',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'TRY_CAST',
  'AS',
  'INT',
  'STRING',
  'TIMESTAMP',
  'VARCHAR(3)',
  'COUNT',
  'SUM',
  'LOWER',
  'SUBSTRING',
  'FROM',
  'FOR',
  'TRIM',
  'BOTH',
  'LEADING',
  'POSITION',
  'DISTINCT',
  'COALESCE',
  'REGEXP',
  "'['",
  '(',
  ')',
  ',',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '--',
  '/*',
  '*/',
  "'",
  '`',
  '"',
  '.',
  ';',
  '!',
  '|',
  ' ',
  ' ',
  '\n',
  '\t',
];

function randomText(r: Random): string {
  const parts: string[] = [];
  const n = r.int(16);
  for (let k = 0; k < n; k++) {
    if (r.chance(0.15)) {
      // a random UTF-16 code unit: ASCII, Latin-1, a lone surrogate, or an astral character
      const kind = r.int(4);
      if (kind === 0) parts.push(String.fromCharCode(r.int(128)));
      else if (kind === 1) parts.push(String.fromCharCode(128 + r.int(1024)));
      else if (kind === 2) parts.push(String.fromCharCode(0xd800 + r.int(0x800)));
      else parts.push(String.fromCodePoint(0x1f600 + r.int(64)));
    } else {
      parts.push(r.pick(TOKENS));
    }
    if (r.chance(0.6)) parts.push(' ');
  }
  return parts.join('');
}

describe('(a) parsing random text never throws', () => {
  const fuzzSchema: RowSchema = { price: 'float', x: 'int', Qty: 'int', 'q f': 'string', 'a`b': 'bool' };
  it('5,000 random strings give an AST or errors positioned within the text', () => {
    const r = new Random(20240611);
    let parsed = 0;
    for (let k = 0; k < 5000; k++) {
      const text = randomText(r);
      const where = `text #${k}: ${JSON.stringify(text)}`;
      const result = parseExpression(text);
      if (result.ok) {
        parsed++;
        const formatted = formatExpr(result.ast);
        const again = parseExpression(formatted);
        expect(again.ok, `${where} formatted as ${formatted}`).toBe(true);
        if (again.ok) expect(shape(again.ast), where).toEqual(shape(result.ast));
      } else {
        expect(result.errors.length, where).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(error.column, where).toBeGreaterThanOrEqual(1);
          expect(error.column, where).toBeLessThanOrEqual(text.length + 1);
          expect(error.start, where).toBe(error.column - 1);
          expect(error.end, where).toBeGreaterThanOrEqual(error.start);
          expect(error.end, where).toBeLessThanOrEqual(text.length);
          expect(error.message, where).toMatch(new RegExp(` at column ${error.column}$`));
        }
      }
      const checked = checkExpression(text, fuzzSchema);
      if (!checked.ok) {
        for (const error of checked.errors) expect(error.column, where).toBeLessThanOrEqual(text.length + 1);
      }
      parseAggregate(text, fuzzSchema);
    }
    // the alphabet is meant to produce a fair share of valid expressions too
    expect(parsed).toBeGreaterThan(100);
  });
});

// ── (b) compiler vs reference interpreter ────────────────────────────────────────────────────────────

type GenType = FieldType | 'string[]';

const TYPE_NAME: Record<FieldType, string> = {
  int: 'BIGINT',
  float: 'DOUBLE',
  string: 'STRING',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP(3)',
};

const NAMES = ['a1', 'price', 'my field', 'value', 'Qty', 'x_y', 'ünï', 'from', 'c`d', 'n', 'count', 'ts'];
const FIELD_TYPES: FieldType[] = ['int', 'float', 'string', 'bool', 'timestamp'];

const STRINGS = [
  '',
  'a',
  'Hello',
  ' x ',
  '%a_',
  '12',
  ' 7 ',
  '-3.5',
  '1e3',
  'true',
  'no',
  '2024-02-29 12:00:00',
  '2023-11-14T22:13:20Z',
  'a,b,,c',
  '😀x',
  'x',
  "it's",
  '(',
  '[0-9]',
  'l+',
  'a!%',
  '!',
  'hello world',
  ' Hello, World ',
  'NaN',
];
const STRING_LITERALS = STRINGS.map((s) => `'${s.replaceAll("'", "''")}'`);
const REGEX_LITERALS = [
  "'[0-9]+'",
  "'[^a-z]+'",
  "'a|b'",
  "'(a)(b)?'",
  "'\\s'",
  "'l+'",
  "'^H'",
  "''",
  "'x*'",
  "'(?:ab)+'",
  "'\\p{L}'",
  "'[,; ]+'",
  "'l{2}'",
  "', *'",
  "'\\bH'",
  "'(l+)(o)?'",
];
const LIKE_LITERALS = [
  "'%'",
  "'a%'",
  "'%a'",
  "'%l%'",
  "'H_llo'",
  "''",
  "'_'",
  "'%o'",
  "'Hello'",
  "'%.%'",
  "'%l_o%'",
  "'H%l%o'",
];
const LIKE_ESCAPED_LITERALS = ["'%!%%'", "'a!_%'", "'!!%'", "'%'", "'!%'"];

class ExprGen {
  private readonly byType = new Map<FieldType, string[]>();

  constructor(
    private readonly r: Random,
    schema: RowSchema,
  ) {
    for (const [name, type] of Object.entries(schema)) {
      const list = this.byType.get(type) ?? [];
      list.push(formatIdentifier(name));
      this.byType.set(type, list);
    }
  }

  private field(t: FieldType): string {
    return this.r.pick(this.byType.get(t) ?? ['NULL']);
  }

  /** A NULL that cannot change the type of what contains it. */
  private nullOf(t: FieldType): string {
    if (t === 'timestamp' || this.r.chance(0.5)) return `CAST(NULL AS ${TYPE_NAME[t]})`;
    return 'NULL';
  }

  private leaf(t: FieldType): string {
    const r = this.r;
    if (r.chance(0.55)) return this.field(t);
    switch (t) {
      case 'int':
        return r.pick([
          '0',
          '1',
          '2',
          '3',
          '7',
          '10',
          '100',
          '(-1)',
          '(-7)',
          '9007199254740991',
          '4503599627370496',
        ]);
      case 'float':
        return r.pick(['0.0', '1.5', '2.5', '0.1', '1e3', '.5', '1e300', '3.0', '2.675', '(-0.0)', '(-2.5)']);
      case 'string':
        return r.pick(STRING_LITERALS);
      case 'bool':
        return r.pick(['TRUE', 'FALSE']);
      case 'timestamp':
        return `CAST(${r.pick(['0', '1700000000000', '(-1)', '951825600123'])} AS TIMESTAMP)`;
    }
  }

  expr(t: GenType, depth: number): string {
    const r = this.r;
    if (t === 'string[]') return this.array(depth);
    if (r.chance(0.07)) return this.nullOf(t);
    if (depth <= 0 || r.chance(0.2)) return this.leaf(t);
    const d = depth - 1;
    const e = (tt: FieldType): string => this.expr(tt, d);
    const num = (): string => e(r.pick(['int', 'float'] as const));
    const choices: (() => string)[] = [
      () => this.caseExpr(t, d),
      () => `COALESCE(${e(t)}, ${e(t)})`,
      () => `IF(${e('bool')}, ${e(t)}, ${e(t)})`,
    ];
    // The specialised closures: field op literal, literal op field, field op field, expression op literal.
    const operand = (k: FieldType): string =>
      r.pick([this.field(k), this.field(k), this.leaf(k), this.expr(k, d)]);
    const arithmetic = ['+', '-', '*', '/', '%'];
    const comparison = ['=', '<>', '<', '<=', '>', '>='];
    switch (t) {
      case 'int':
        for (let k = 0; k < 4; k++)
          choices.push(() => `(${operand('int')} ${r.pick(arithmetic)} ${operand('int')})`);
        choices.push(
          () => `(${e('int')} ${r.pick(['+', '-', '*', '/', '%'])} ${e('int')})`,
          () => `(-${e('int')})`,
          () => `ABS(${e('int')})`,
          () => `MOD(${e('int')}, ${e('int')})`,
          () => `ROUND(${e('int')}, ${r.pick(['0', '1', '(-1)', '(-2)', e('int')])})`,
          () => `FLOOR(${e('int')})`,
          () => `CHAR_LENGTH(${e('string')})`,
          () => `POSITION(${e('string')} IN ${e('string')})`,
          () => `(${e('timestamp')} - ${e('timestamp')})`,
          () => `CAST(${e('string')} AS ${r.pick(['INT', 'BIGINT'])})`,
          () => `TRY_CAST(${e('string')} AS INTEGER)`,
          () => `${r.pick(['CAST', 'TRY_CAST'])}(${e('float')} AS INT)`,
          () => `CAST(${e('bool')} AS INT)`,
          () => `CAST(${e('timestamp')} AS BIGINT)`,
          () => `NULLIF(${e('int')}, ${e('int')})`,
          () => `${r.pick(['GREATEST', 'LEAST'])}(${e('int')}, ${e('int')}, ${e('int')})`,
        );
        break;
      case 'float':
        for (let k = 0; k < 3; k++) {
          choices.push(
            () => `(${operand('float')} ${r.pick(arithmetic)} ${operand(r.pick(['int', 'float']))})`,
          );
        }
        choices.push(
          () => `(${e('float')} ${r.pick(['+', '-', '*', '/', '%'])} ${num()})`,
          () => `(${num()} ${r.pick(['+', '-', '*', '/', '%'])} ${e('float')})`,
          () => `(-${e('float')})`,
          () => `${r.pick(['ABS', 'FLOOR', 'CEIL', 'SQRT'])}(${e('float')})`,
          () => `ROUND(${e('float')}, ${r.pick(['0', '1', '2', '(-1)', e('int')])})`,
          () => `ROUND(${e('float')})`,
          () => `POWER(${num()}, ${num()})`,
          () => `MOD(${e('float')}, ${num()})`,
          () =>
            `${r.pick(['CAST', 'TRY_CAST'])}(${e('string')} AS ${r.pick(['DOUBLE', 'FLOAT', 'DECIMAL'])})`,
          () => `CAST(${r.pick([e('int'), e('bool'), e('timestamp')])} AS DOUBLE)`,
          () => `GREATEST(${e('float')}, ${num()})`,
          () => `COALESCE(${e('float')}, ${e('int')})`,
        );
        break;
      case 'string':
        choices.push(
          () => `(${e('string')} || ${e('string')})`,
          () => `${r.pick(['LOWER', 'UPPER', 'TRIM', 'LTRIM', 'RTRIM'])}(${e('string')})`,
          () =>
            `TRIM(${r.pick(['BOTH', 'LEADING', 'TRAILING'])} ${r.pick(["'x'", "' !'", e('string')])} FROM ${e('string')})`,
          () => `SUBSTRING(${e('string')}, ${e('int')})`,
          () => `SUBSTRING(${e('string')} FROM ${e('int')} FOR ${e('int')})`,
          () => `CONCAT(${e('string')}, ${e('string')}, ${e('string')})`,
          () => `CONCAT_WS(${e('string')}, ${e('string')}, ${e('string')})`,
          () => `REPLACE(${e('string')}, ${e('string')}, ${e('string')})`,
          () => `REGEXP_REPLACE(${e('string')}, ${this.regex(d)}, ${r.pick(["'#'", "'$1'", e('string')])})`,
          () => `REGEXP_EXTRACT(${e('string')}, ${this.regex(d)}, ${r.pick(['0', '1', '2', e('int')])})`,
          () =>
            `CAST(${r.pick([e('int'), e('float'), e('bool'), e('timestamp')])} AS ${r.pick(['STRING', 'VARCHAR'])})`,
          () => `NULLIF(${e('string')}, ${e('string')})`,
          () => `GREATEST(${e('string')}, ${e('string')})`,
        );
        break;
      case 'bool':
        for (let k = 0; k < 3; k++) {
          choices.push(() => {
            const x = r.pick(FIELD_TYPES);
            return `(${operand(x)} ${r.pick(comparison)} ${operand(x)})`;
          });
        }
        choices.push(
          () => {
            const [x, y] = r.pick([
              ['int', 'int'],
              ['int', 'float'],
              ['float', 'float'],
              ['string', 'string'],
              ['bool', 'bool'],
              ['timestamp', 'timestamp'],
              ['timestamp', 'int'],
            ] as const);
            return `(${e(x)} ${r.pick(['=', '<>', '!=', '<', '<=', '>', '>='])} ${e(y)})`;
          },
          () => `(${e('bool')} ${r.pick(['AND', 'OR'])} ${e('bool')})`,
          () => `(NOT ${e('bool')})`,
          () => `(${e(r.pick(FIELD_TYPES))} IS ${r.pick(['', 'NOT '])}NULL)`,
          () => `(${e('bool')} IS ${r.pick(['', 'NOT '])}${r.pick(['TRUE', 'FALSE'])})`,
          () =>
            `(${e('string')} ${r.pick(['', 'NOT '])}LIKE ${r.chance(0.6) ? r.pick(LIKE_LITERALS) : e('string')})`,
          () =>
            `(${e('string')} LIKE ${r.chance(0.6) ? r.pick(LIKE_ESCAPED_LITERALS) : this.computedText(d)} ESCAPE '!')`,
          () => {
            const k = r.pick(FIELD_TYPES);
            const n = 1 + r.int(r.chance(0.2) ? 12 : 4);
            const items = Array.from({ length: n }, () => (r.chance(0.1) ? 'NULL' : e(k)));
            return `(${e(k)} ${r.pick(['', 'NOT '])}IN (${items.join(', ')}))`;
          },
          () => {
            const k = r.pick(FIELD_TYPES);
            return `(${e(k)} ${r.pick(['', 'NOT '])}BETWEEN ${e(k)} AND ${e(k)})`;
          },
          () => `REGEXP(${e('string')}, ${this.regex(d)})`,
          () => `${r.pick(['CAST', 'TRY_CAST'])}(${e('string')} AS BOOLEAN)`,
          () => `CAST(${r.pick([e('int'), e('float')])} AS BOOLEAN)`,
        );
        break;
      case 'timestamp':
        choices.push(() => `(${operand('timestamp')} ${r.pick(['+', '-'])} ${operand('int')})`);
        choices.push(
          () => `CAST(${e('int')} AS TIMESTAMP)`,
          () => `(${e('timestamp')} ${r.pick(['+', '-'])} ${e('int')})`,
          () => `(${e('int')} + ${e('timestamp')})`,
          () =>
            `${r.pick(['CAST', 'TRY_CAST'])}(${e('string')} AS ${r.pick(['TIMESTAMP', 'TIMESTAMP_LTZ(3)'])})`,
          () => `TO_TIMESTAMP_LTZ(${e('int')}, ${r.pick(['0', '3'])})`,
          () => `GREATEST(${e('timestamp')}, ${e('timestamp')})`,
        );
        break;
    }
    return r.pick(choices)();
  }

  /** A pattern: usually a literal (checked when compiling), else computed per row (checked at run time). */
  private regex(depth: number): string {
    return this.r.chance(0.75) ? this.r.pick(REGEX_LITERALS) : this.computedText(depth);
  }

  /** A string that is never a bare literal, so that an invalid pattern fails at run time, not when checking. */
  private computedText(depth: number): string {
    return `(${this.expr('string', depth)} || '')`;
  }

  private caseExpr(t: FieldType, d: number): string {
    const r = this.r;
    const n = 1 + r.int(3);
    let s = 'CASE';
    if (r.chance(0.4)) {
      const k = r.pick(FIELD_TYPES);
      s += ` ${this.expr(k, d)}`;
      for (let i = 0; i < n; i++) s += ` WHEN ${this.expr(k, d)} THEN ${this.expr(t, d)}`;
    } else {
      for (let i = 0; i < n; i++) s += ` WHEN ${this.expr('bool', d)} THEN ${this.expr(t, d)}`;
    }
    if (r.chance(0.6)) s += ` ELSE ${this.expr(t, d)}`;
    return `${s} END`;
  }

  private array(depth: number): string {
    const r = this.r;
    const one = (): string =>
      r.chance(0.5)
        ? `SPLIT(${this.expr('string', depth)}, ${r.pick(["','", "' '", "''", this.expr('string', depth)])})`
        : `REGEXP_SPLIT(${this.expr('string', depth)}, ${this.regex(depth)})`;
    const shape = r.int(4);
    if (shape === 0) return `COALESCE(${one()}, ${one()})`;
    if (shape === 1) return `CASE WHEN ${this.expr('bool', depth)} THEN ${one()} END`;
    return one();
  }
}

function randomSchema(r: Random): RowSchema {
  const schema: Record<string, FieldType> = {};
  const names = [...NAMES].sort(() => r.next() - 0.5);
  names.forEach((name, i) => {
    // every type gets at least one field
    schema[name] = i < FIELD_TYPES.length ? (FIELD_TYPES[i] as FieldType) : r.pick(FIELD_TYPES);
  });
  return schema;
}

function randomValue(r: Random, t: FieldType): unknown {
  switch (t) {
    case 'int':
      return r.chance(0.6)
        ? r.pick([
            0, 1, -1, 2, 3, 7, -7, 10, 100, 1000, 9007199254740991, -9007199254740991, 4503599627370496,
          ])
        : r.int(2001) - 1000;
    case 'float':
      return r.chance(0.6)
        ? r.pick([
            0,
            -0,
            0.5,
            1.5,
            -2.5,
            0.1,
            2.675,
            1e300,
            -1e-300,
            Number.NaN,
            Number.POSITIVE_INFINITY,
            123456.789,
          ])
        : r.next() * 200 - 100;
    case 'string':
      return r.pick(STRINGS);
    case 'bool':
      return r.chance(0.5);
    case 'timestamp':
      return r.chance(0.6) ? r.pick([0, -1, 1_700_000_000_000, 951_825_600_123, 86_399_999]) : r.int(2 ** 40);
  }
}

function randomRow(r: Random, schema: RowSchema): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(schema)) {
    if (r.chance(0.05)) continue; // missing: reads as NULL
    row[name] = r.chance(0.2) ? null : randomValue(r, type);
  }
  return row;
}

const ACCEPTED: Record<GenType, string[]> = {
  int: ['int', 'null'],
  float: ['float', 'int', 'null'],
  string: ['string', 'null'],
  bool: ['bool', 'null'],
  timestamp: ['timestamp', 'null'],
  'string[]': ['string[]', 'null'],
};

/** Runs one seed: `count` random expressions, each on `rows` random rows. Throws with the seed on a mismatch. */
function differential(
  seed: number,
  count = 60,
  rows = 12,
): { expressions: number; evaluations: number; errors: number } {
  const r = new Random(seed);
  const schema = randomSchema(r);
  const gen = new ExprGen(r, schema);
  const stats = { expressions: 0, evaluations: 0, errors: 0 };
  for (let k = 0; k < count; k++) {
    const target: GenType = r.chance(0.08) ? 'string[]' : r.pick(FIELD_TYPES);
    const text = gen.expr(target, 1 + r.int(4));
    const where = `seed ${seed}, expression #${k}: ${text}`;
    const checked = checkExpression(text, schema);
    if (!checked.ok)
      throw new Error(`${where}\n  does not check: ${checked.errors.map((e) => e.message).join('; ')}`);
    if (!ACCEPTED[target].includes(checked.expr.type)) {
      throw new Error(`${where}\n  has type ${checked.expr.type}, expected ${target}`);
    }
    // the canonical text is the same tree and the same program
    const canonical = formatExpr(checked.expr.ast);
    const reparsed = mustCheck(canonical, schema);
    expect(shape(reparsed.ast), `${where}\n  canonical: ${canonical}`).toEqual(shape(checked.expr.ast));
    const canonicalFn = compileExpression(reparsed);
    stats.expressions++;
    for (let n = 0; n < rows; n++) {
      const row = randomRow(r, schema);
      let result: Outcome;
      try {
        result = runBoth(checked.expr, row);
      } catch (e) {
        throw new Error(`${where}\n  ${(e as Error).message}`);
      }
      let again: Outcome;
      try {
        again = { ok: true, value: canonicalFn(row) };
      } catch (e) {
        const err = e as { code?: string; message: string };
        again = { ok: false, code: err.code ?? 'NOT_A_RUNTIME_ERROR', message: err.message };
      }
      if (!sameOutcome(result, again)) {
        throw new Error(
          `${where}\n  canonical ${canonical} gives ${describeOutcome(again)}, not ${describeOutcome(result)}`,
        );
      }
      stats.evaluations++;
      if (!result.ok) stats.errors++;
    }
  }
  return stats;
}

/** Seeds per run; raise it for a longer hunt: EXPR_FUZZ_SEEDS=5000 pnpm vitest run src/expr/fuzz.test.ts */
const SEEDS = Number(process.env.EXPR_FUZZ_SEEDS ?? 50);

describe('(b) compiled closures agree with the reference interpreter', () => {
  it(`on random well-typed expressions and rows (seeds 1-${SEEDS})`, () => {
    let expressions = 0;
    let evaluations = 0;
    let errors = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const stats = differential(seed);
      expressions += stats.expressions;
      evaluations += stats.evaluations;
      errors += stats.errors;
    }
    expect(expressions).toBe(SEEDS * 60);
    expect(evaluations).toBe(SEEDS * 60 * 12);
    // runtime errors (casts, division by zero, overflow, bad patterns) are exercised, but are not the norm
    expect(errors).toBeGreaterThan(100);
    expect(errors).toBeLessThan(evaluations / 2);
  });
});

// ── (c) the specialised binary closures, exhaustively ────────────────────────────────────────────────

describe('(c) every binary operator and operand shape agrees with the interpreter on edge values', () => {
  const POOLS: Record<FieldType, unknown[]> = {
    int: [null, 0, 1, -1, 2, 7, -7, 9007199254740991, -9007199254740991],
    float: [null, 0, -0, 0.5, -2.5, 7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    string: [null, '', 'a', 'B', 'ab', '😀'],
    bool: [null, true, false],
    timestamp: [null, 0, -1, 1_700_000_000_000],
  };
  const literal = (type: FieldType, v: unknown): string => {
    if (v === null) return `CAST(NULL AS ${TYPE_NAME[type]})`;
    switch (type) {
      case 'int':
        return (v as number) < 0 ? `(-${-(v as number)})` : String(v);
      case 'float': {
        const n = v as number;
        if (!Number.isFinite(n)) return `CAST('${n}' AS DOUBLE)`;
        if (Object.is(n, -0)) return '(-0.0)';
        return n < 0 ? `(-${formatFloatLiteral(-n)})` : formatFloatLiteral(n);
      }
      case 'string':
        return `'${v}'`;
      case 'bool':
        return v ? 'TRUE' : 'FALSE';
      case 'timestamp':
        return `CAST(${literal('int', v)} AS TIMESTAMP)`;
    }
  };
  const COMPARISONS = ['=', '<>', '<', '<=', '>', '>='];
  const ARITHMETIC = ['+', '-', '*', '/', '%'];
  const combos: [FieldType, FieldType, string[]][] = [
    ['int', 'int', [...ARITHMETIC, ...COMPARISONS]],
    ['float', 'float', [...ARITHMETIC, ...COMPARISONS]],
    ['int', 'float', [...ARITHMETIC, ...COMPARISONS]],
    ['float', 'int', [...ARITHMETIC, ...COMPARISONS]],
    ['string', 'string', COMPARISONS],
    ['bool', 'bool', COMPARISONS],
    ['timestamp', 'int', ['+', '-', ...COMPARISONS]],
    ['int', 'timestamp', ['+', ...COMPARISONS]],
    ['timestamp', 'timestamp', ['-', ...COMPARISONS]],
  ];
  it.each(combos)('%s op %s', (lt, rt, ops) => {
    const schema: RowSchema = { x: lt, y: rt };
    let runs = 0;
    for (const op of ops) {
      for (const a of POOLS[lt]) {
        for (const b of POOLS[rt]) {
          const shapes: [string, Record<string, unknown>][] = [
            [`x ${op} y`, { x: a, y: b }],
            [`x ${op} ${literal(rt, b)}`, { x: a }],
            [`${literal(lt, a)} ${op} y`, { y: b }],
            [`COALESCE(x, x) ${op} ${literal(rt, b)}`, { x: a }],
            [`COALESCE(x, x) ${op} COALESCE(y, y)`, { x: a, y: b }],
            [`${literal(lt, a)} ${op} ${literal(rt, b)}`, {}],
          ];
          for (const [text, row] of shapes) {
            runBoth(mustCheck(text, schema), row);
            runs++;
          }
        }
      }
    }
    expect(runs).toBeGreaterThan(0);
  });
});

describe('(c) BETWEEN, IN and LIKE in each compiled form agree with the interpreter', () => {
  const schema: RowSchema = { x: 'int', lo: 'int', hi: 'int', s: 'string', p: 'string' };
  const ints = [null, 0, 1, 7];
  const lit = (v: number | null): string => (v === null ? 'NULL' : String(v));

  it('BETWEEN with constant bounds, row bounds, and a computed operand', () => {
    for (const not of ['', 'NOT ']) {
      for (const x of ints) {
        for (const lo of ints) {
          for (const hi of ints) {
            runBoth(mustCheck(`x ${not}BETWEEN ${lit(lo)} AND ${lit(hi)}`, schema), { x });
            runBoth(mustCheck(`(x + 0) ${not}BETWEEN ${lit(lo)} AND ${lit(hi)}`, schema), { x });
            runBoth(mustCheck(`x ${not}BETWEEN lo AND hi`, schema), { x, lo, hi });
          }
        }
      }
    }
  });

  it('IN with short and long constant lists, NULLs, and computed items', () => {
    const lists = [
      [0],
      [1, 7],
      [null, 7],
      [0, null],
      [2, 3, 4, 5, 6, 8, 9, 10, 11, 7],
      [2, 3, 4, 5, 6, 8, 9, 10, 11, null],
    ];
    for (const not of ['', 'NOT ']) {
      for (const x of ints) {
        for (const list of lists) {
          runBoth(mustCheck(`x ${not}IN (${list.map(lit).join(', ')})`, schema), { x });
          runBoth(
            mustCheck(
              `x ${not}IN (${list.map((v) => (v === null ? 'lo' : `${v} + hi`)).join(', ')})`,
              schema,
            ),
            {
              x,
              lo: null,
              hi: 0,
            },
          );
        }
      }
    }
  });

  it('LIKE with the string-test fast paths, the RegExp, and patterns from the row', () => {
    const patterns = [
      '',
      '%',
      '%%',
      'a',
      'ab',
      'a%',
      '%b',
      '%a%',
      'a_',
      '_%',
      'a%b',
      '%a%b%',
      '!%',
      'a!_',
      '!!',
    ];
    const inputs = [null, '', 'a', 'ab', 'ba', 'abc', 'a%', 'a_', '!', '%'];
    for (const pattern of patterns) {
      for (const s of inputs) {
        for (const escapeClause of ['', " ESCAPE '!'"]) {
          const text = `s LIKE '${pattern}'${escapeClause}`;
          const checked = checkExpression(text, schema);
          if (checked.ok) runBoth(checked.expr, { s });
          runBoth(mustCheck(`s NOT LIKE p${escapeClause}`, schema), { s, p: pattern });
        }
      }
    }
  });
});

describe('regressions', () => {
  // Seed 34 once produced REGEXP_EXTRACT(Qty, '(', ...): a pattern meant to be computed per row came out as an
  // invalid literal, which the checker (rightly) rejects. Computed patterns are now never bare literals.
  it('(regression) seed 34', () => {
    expect(differential(34, 200).expressions).toBe(200);
  });
});
