/**
 * Reading what an exactly-once `file` sink committed, and checking it: as a multiset against a reference,
 * and per key with Flink's `SemanticsCheckMapper` idea (a per-key sequence number goes 1, 2, …, n).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Row = Record<string, unknown>;

/** Committed part files: every file a reader takes (names not starting with `.` or `_`). */
export function committedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
    .sort();
}

/** In-progress or pending part files (hidden from readers). */
export function hiddenFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.startsWith('.') || n.startsWith('_'))
    .sort();
}

/** Every row of every committed part file (jsonl), as text lines. */
export function committedLines(dir: string): string[] {
  const out: string[] = [];
  for (const f of committedFiles(dir)) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) if (line !== '') out.push(line);
  }
  return out;
}

export function committedRows(dir: string): Row[] {
  return committedLines(dir).map((l) => JSON.parse(l) as Row);
}

/** Rows in `actual` more often than in `expected` (extra) and the other way round (missing), with counts. */
export function multisetDiff(
  actual: readonly string[],
  expected: readonly string[],
): { missing: Array<[string, number]>; extra: Array<[string, number]> } {
  const count = new Map<string, number>();
  for (const l of expected) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of actual) count.set(l, (count.get(l) ?? 0) - 1);
  const missing: Array<[string, number]> = [];
  const extra: Array<[string, number]> = [];
  for (const [l, n] of count) {
    if (n > 0) missing.push([l, n]);
    else if (n < 0) extra.push([l, -n]);
  }
  return { missing, extra };
}

/** A short, readable summary of a multiset difference for an assertion message. */
export function describeDiff(d: ReturnType<typeof multisetDiff>): string {
  const total = (xs: Array<[string, number]>) => xs.reduce((a, [, n]) => a + n, 0);
  const sample = (xs: Array<[string, number]>) =>
    xs
      .slice(0, 3)
      .map(([l, n]) => `${l} ×${n}`)
      .join(', ');
  return `${total(d.missing)} rows missing (${sample(d.missing)}), ${total(d.extra)} rows extra (${sample(d.extra)})`;
}

/**
 * `SemanticsCheckMapper`: for every key, the values of `seqField` over the committed rows must be exactly
 * 1, 2, …, n — a gap is a lost row, a repeat a duplicated one. Returns one problem per bad key.
 */
export function sequenceProblems(rows: readonly Row[], keyField: string, seqField: string): string[] {
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const k = JSON.stringify(r[keyField]);
    let a = byKey.get(k);
    if (!a) byKey.set(k, (a = []));
    a.push(r[seqField] as number);
  }
  const problems: string[] = [];
  for (const [k, seqs] of byKey) {
    seqs.sort((a, b) => a - b);
    const repeated: number[] = [];
    const gaps: number[] = [];
    for (let i = 0; i < seqs.length; i++) {
      if (i > 0 && seqs[i] === seqs[i - 1]) repeated.push(seqs[i]!);
    }
    const distinct = [...new Set(seqs)];
    let expect = 1;
    for (const s of distinct) {
      while (expect < s) gaps.push(expect++);
      expect = s + 1;
    }
    if (repeated.length || gaps.length || distinct[0] !== 1) {
      problems.push(
        `key ${k}: ${seqs.length} rows, max ${seqField} ${distinct[distinct.length - 1]}` +
          (repeated.length
            ? `, repeated ${repeated.slice(0, 5).join(',')}${repeated.length > 5 ? '…' : ''}`
            : '') +
          (gaps.length ? `, missing ${gaps.slice(0, 5).join(',')}${gaps.length > 5 ? '…' : ''}` : ''),
      );
    }
  }
  return problems;
}

/** The row with the highest `seqField` per key: a rolling aggregate's final result for each key. */
export function finalPerKey(rows: readonly Row[], keyField: string, seqField: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const r of rows) {
    const k = JSON.stringify(r[keyField]);
    const cur = out.get(k);
    if (!cur || (cur[seqField] as number) < (r[seqField] as number)) out.set(k, r);
  }
  return out;
}

/** Temporary directories a test file creates; `removeAll` in afterAll. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix: string): string {
    const d = mkdtempSync(path.join(tmpdir(), `flowstate-${prefix}-`));
    this.dirs.push(d);
    return d;
  }

  /** A fresh copy of `src` (a fixture that several cases damage in different ways). */
  copy(src: string, prefix: string): string {
    const d = this.make(prefix);
    cpSync(src, d, { recursive: true });
    return d;
  }

  removeAll(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
