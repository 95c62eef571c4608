/**
 * Regex-heavy expression evaluation: each case calls a compiled expression 1M times over 1,000 distinct
 * rows, and a hand-written native JavaScript equivalent (the baseline) as many times in the same run.
 * Prints the median ns per call of 5 timed passes (after one warm-up pass) and the ratio to the baseline.
 * Not a test: nothing here asserts a time.
 *
 *   cd packages/spec && node --expose-gc --import tsx scripts/bench-regex.ts [--calls N] [case ...]
 */
import { checkExpression, compileExpression, type RowSchema } from '../src/index';

type Row = Record<string, unknown>;

const args = process.argv.slice(2);
const callsAt = args.indexOf('--calls');
const CALLS = callsAt >= 0 ? Number(args[callsAt + 1]) : 1_000_000;
const only = args.filter((a, i) => !a.startsWith('--') && (callsAt < 0 || i !== callsAt + 1));
const PASSES = 5;

const schema: RowSchema = { s: 'string', p: 'string' };

/** 1,000 deterministic strings: words, digits, separators, key=value pairs, e-mail-like addresses. */
function makeRows(): Row[] {
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const words = ['alpha', 'beta', 'gamma', 'delta', 'error', 'warn', 'info', 'user', 'item', 'abc'];
  const rows: Row[] = [];
  for (let i = 0; i < 1000; i++) {
    const parts: string[] = [];
    const n = 2 + next(5);
    for (let j = 0; j < n; j++) {
      const w = words[next(words.length)] as string;
      parts.push(next(3) === 0 ? `${w}=${next(10000)}` : w);
    }
    const sep = [', ', ',', ' ', ';'][next(4)] as string;
    const email = next(4) === 0 ? ` user_${words[next(words.length)]}@example.com` : '';
    rows.push({ s: parts.join(sep) + email, p: '[0-9]+' });
  }
  return rows;
}

interface Case {
  name: string;
  expr: string;
  native: (row: Row) => unknown;
}

const CASES: Case[] = [
  { name: 'regexp-class', expr: "REGEXP(s, '[0-9]+')", native: (r) => /[0-9]+/u.test(r.s as string) },
  { name: 'regexp-literal', expr: "REGEXP(s, 'error')", native: (r) => /error/u.test(r.s as string) },
  {
    name: 'regexp-anchored',
    expr: "REGEXP(s, '^[a-z]+[,; ]')",
    native: (r) => /^[a-z]+[,; ]/u.test(r.s as string),
  },
  {
    name: 'regexp-row-pattern',
    expr: 'REGEXP(s, p)',
    native: (r) => new RegExp(r.p as string, 'u').test(r.s as string),
  },
  {
    name: 'regexp-split',
    expr: "REGEXP_SPLIT(s, '[,; ]+')",
    native: (r) => (r.s as string).split(/[,; ]+/u),
  },
  {
    name: 'regexp-replace',
    expr: "REGEXP_REPLACE(s, '[0-9]+', '#')",
    native: (r) => (r.s as string).replace(/[0-9]+/gu, '#'),
  },
  {
    name: 'regexp-split-re2',
    expr: "REGEXP_SPLIT(s, ' *[,;] *')",
    native: (r) => (r.s as string).split(/ *[,;] */u),
  },
  {
    name: 'regexp-replace-groups',
    expr: "REGEXP_REPLACE(s, '(\\w+)=(\\d+)', '$2')",
    native: (r) => (r.s as string).replace(/(\w+)=(\d+)/gu, '$2'),
  },
  {
    name: 'regexp-extract',
    expr: "REGEXP_EXTRACT(s, '(\\w+)=(\\w+)', 2)",
    native: (r) => /(\w+)=(\w+)/u.exec(r.s as string)?.[2] ?? null,
  },
  { name: 'like-prefix', expr: "s LIKE 'user%'", native: (r) => (r.s as string).startsWith('user') },
  { name: 'like-contains', expr: "s LIKE '%error%'", native: (r) => (r.s as string).includes('error') },
  {
    name: 'like-general',
    expr: "s LIKE '%a%e%r%'",
    native: (r) => /^.*a.*e.*r.*$/su.test(r.s as string),
  },
  {
    name: 'like-underscore',
    expr: "s LIKE '_l%a'",
    native: (r) => /^.l.*a$/su.test(r.s as string),
  },
];

const gc = (globalThis as { gc?: () => void }).gc;

function time(fn: (row: Row) => unknown, rows: Row[]): { ns: number; checksum: number } {
  gc?.();
  let checksum = 0;
  const n = rows.length;
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const v = fn(rows[i % n] as Row);
    if (v === true) checksum++;
    else if (typeof v === 'string') checksum += v.length;
    else if (Array.isArray(v)) checksum += v.length;
  }
  return { ns: ((performance.now() - t0) * 1e6) / CALLS, checksum };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

const rows = makeRows();
console.log(`${CALLS} calls per pass, median of ${PASSES} passes, ns per call (node ${process.version})`);
console.log('case                 expression                               compiled   native   ratio');
for (const c of CASES) {
  if (only.length > 0 && !only.includes(c.name)) continue;
  const checked = checkExpression(c.expr, schema);
  if (!checked.ok) throw new Error(`${c.expr}: ${checked.errors[0]?.message}`);
  const compiled = compileExpression(checked.expr);
  // the two sides must compute the same thing
  for (const row of rows) {
    const a = JSON.stringify(compiled(row));
    const b = JSON.stringify(c.native(row));
    if (a !== b) throw new Error(`INVALID BENCHMARK ${c.name}: ${a} !== ${b} on ${JSON.stringify(row)}`);
  }
  time(compiled, rows);
  time(c.native, rows);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    ours.push(time(compiled, rows).ns);
    theirs.push(time(c.native, rows).ns);
  }
  const m = median(ours);
  const b = median(theirs);
  console.log(
    `${c.name.padEnd(20)} ${c.expr.padEnd(40)} ${m.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(8)} ${(m / b).toFixed(2).padStart(7)}`,
  );
}
