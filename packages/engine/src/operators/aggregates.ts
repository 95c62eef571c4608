import {
  type AggregateCall,
  type CompiledExpression,
  compileExpression,
  type FieldType,
  parseAggregate,
  type RowSchema,
} from '@flowstate/spec';
import type { Row } from '../runtime/elements';
import type { AggregateFunction } from '../state/index';

/**
 * The SQL aggregates of a window/aggregate node, compiled once into Flink's `AggregateFunction` over rows,
 * which the operators hand to an `AggregatingStateDescriptor`.
 *
 * Accumulators live in keyed state. A single numeric aggregate (the common `COUNT(*)`) keeps a bare number as
 * its accumulator — no object per key; otherwise the accumulator is an array with one or two slots per
 * aggregate, updated in place. NULL inputs are ignored by every aggregate but `COUNT(*)`, as in SQL;
 * an aggregate over no non-NULL value is NULL (COUNT is 0).
 */
export type Acc = unknown;

interface AggImpl {
  readonly name: string;
  readonly slots: number;
  readonly arg: CompiledExpression | null;
  init(acc: unknown[], at: number): void;
  /** `v` is the evaluated argument (undefined for COUNT(*)). */
  add(acc: unknown[], at: number, v: unknown): void;
  merge(into: unknown[], from: unknown[], at: number): void;
  result(acc: unknown[], at: number): unknown;
}

const nonNull = (v: unknown): boolean => v !== null && v !== undefined;

function impl(name: string, call: AggregateCall): AggImpl {
  const arg = call.arg ? compileExpression(call.arg) : null;
  switch (call.fn) {
    case 'COUNT':
      return {
        name,
        slots: 1,
        arg,
        init: (a, i) => void (a[i] = 0),
        add: call.star
          ? (a, i) => void (a[i] = (a[i] as number) + 1)
          : (a, i, v) => void (nonNull(v) && (a[i] = (a[i] as number) + 1)),
        merge: (a, b, i) => void (a[i] = (a[i] as number) + (b[i] as number)),
        result: (a, i) => a[i],
      };
    case 'SUM':
      return {
        name,
        slots: 1,
        arg,
        init: (a, i) => void (a[i] = null),
        add: (a, i, v) => {
          if (nonNull(v)) a[i] = a[i] === null ? (v as number) : (a[i] as number) + (v as number);
        },
        merge: (a, b, i) => {
          if (b[i] !== null) a[i] = a[i] === null ? b[i] : (a[i] as number) + (b[i] as number);
        },
        result: (a, i) => a[i],
      };
    case 'MIN':
    case 'MAX': {
      const better = call.fn === 'MIN' ? (x: never, y: never) => x < y : (x: never, y: never) => x > y;
      return {
        name,
        slots: 1,
        arg,
        init: (a, i) => void (a[i] = null),
        add: (a, i, v) => {
          if (nonNull(v) && (a[i] === null || better(v as never, a[i] as never))) a[i] = v;
        },
        merge: (a, b, i) => {
          if (b[i] !== null && (a[i] === null || better(b[i] as never, a[i] as never))) a[i] = b[i];
        },
        result: (a, i) => a[i],
      };
    }
    case 'AVG':
      return {
        name,
        slots: 2,
        arg,
        init: (a, i) => {
          a[i] = 0;
          a[i + 1] = 0;
        },
        add: (a, i, v) => {
          if (nonNull(v)) {
            a[i] = (a[i] as number) + (v as number);
            a[i + 1] = (a[i + 1] as number) + 1;
          }
        },
        merge: (a, b, i) => {
          a[i] = (a[i] as number) + (b[i] as number);
          a[i + 1] = (a[i + 1] as number) + (b[i + 1] as number);
        },
        result: (a, i) => ((a[i + 1] as number) === 0 ? null : (a[i] as number) / (a[i + 1] as number)),
      };
    case 'FIRST_VALUE':
      return {
        name,
        slots: 1,
        arg,
        init: (a, i) => void (a[i] = null),
        add: (a, i, v) => {
          if (a[i] === null && nonNull(v)) a[i] = v;
        },
        merge: (a, b, i) => {
          if (a[i] === null) a[i] = b[i];
        },
        result: (a, i) => a[i],
      };
    case 'LAST_VALUE':
      return {
        name,
        slots: 1,
        arg,
        init: (a, i) => void (a[i] = null),
        add: (a, i, v) => {
          if (nonNull(v)) a[i] = v;
        },
        merge: (a, b, i) => {
          if (b[i] !== null) a[i] = b[i];
        },
        result: (a, i) => a[i],
      };
  }
}

/**
 * The compiled aggregates: an `AggregateFunction` whose accumulator is its own result (`emit` writes the
 * aggregates' values into a row).
 */
export interface AggregateOps extends AggregateFunction<Row, Acc, Acc> {
  readonly names: readonly string[];
  readonly resultTypes: Readonly<Record<string, FieldType>>;
  /** A fresh accumulator (COUNT 0, the others NULL). */
  createAccumulator(): Acc;
  /**
   * Adds one row to `acc` (undefined = a new accumulator); returns the accumulator to store (the same array
   * updated in place, or a new bare value). Throws what an argument expression throws, before changing
   * anything.
   */
  add(row: Row, acc: Acc | undefined): Acc;
  /** Merges `b` into `a` (session windows); returns the merged accumulator. */
  merge(a: Acc, b: Acc): Acc;
  /** The accumulator itself: `emit` renders it. */
  getResult(acc: Acc): Acc;
  /** Writes each aggregate's result into `out`. */
  emit(acc: Acc, out: Row): void;
  /** A deep copy (for copy-on-write snapshots). */
  copy(acc: Acc): Acc;
  /** True when the accumulator is a bare value (stored with put), false when it is an array updated in place. */
  readonly scalar: boolean;
}

export function compileAggregates(
  aggregates: Readonly<Record<string, string>>,
  schema: RowSchema,
  where: string,
): AggregateOps {
  const impls: AggImpl[] = [];
  const resultTypes: Record<string, FieldType> = {};
  for (const [name, text] of Object.entries(aggregates)) {
    const r = parseAggregate(text, schema);
    if (!r.ok) throw new Error(`${where} aggregate '${name}': ${r.errors.map((e) => e.message).join('; ')}`);
    impls.push(impl(name, r.agg));
    resultTypes[name] = r.agg.resultType;
  }
  const names = impls.map((a) => a.name);
  const offsets: number[] = [];
  let width = 0;
  for (const a of impls) {
    offsets.push(width);
    width += a.slots;
  }
  const n = impls.length;
  const args: unknown[] = new Array(n);

  const only = impls[0]!;
  if (n === 1 && only.slots === 1) {
    // Scalar accumulator: the single slot's value itself is what state holds.
    const box: unknown[] = [undefined];
    const name = only.name;
    const fn = only.arg;
    return {
      names,
      resultTypes,
      scalar: true,
      createAccumulator() {
        only.init(box, 0);
        return box[0];
      },
      add(row, acc) {
        const v = fn === null ? undefined : fn(row);
        if (acc === undefined) only.init(box, 0);
        else box[0] = acc;
        only.add(box, 0, v);
        return box[0];
      },
      getResult: (acc) => acc,
      merge(a, b) {
        const x = [a];
        only.merge(x, [b], 0);
        return x[0];
      },
      emit(acc, out) {
        box[0] = acc;
        out[name] = only.result(box, 0);
      },
      copy: (acc) => acc,
    };
  }

  return {
    names,
    resultTypes,
    scalar: false,
    createAccumulator() {
      const a = new Array(width);
      for (let j = 0; j < n; j++) impls[j]!.init(a, offsets[j]!);
      return a;
    },
    add(row, acc) {
      for (let j = 0; j < n; j++) {
        const f = impls[j]!.arg;
        args[j] = f === null ? undefined : f(row);
      }
      let a = acc as unknown[] | undefined;
      if (a === undefined) {
        a = new Array(width);
        for (let j = 0; j < n; j++) impls[j]!.init(a, offsets[j]!);
      }
      for (let j = 0; j < n; j++) impls[j]!.add(a, offsets[j]!, args[j]);
      return a;
    },
    getResult: (acc) => acc,
    merge(a, b) {
      const x = a as unknown[];
      for (let j = 0; j < n; j++) impls[j]!.merge(x, b as unknown[], offsets[j]!);
      return x;
    },
    emit(acc, out) {
      const a = acc as unknown[];
      for (let j = 0; j < n; j++) out[names[j]!] = impls[j]!.result(a, offsets[j]!);
    },
    copy: (acc) => (acc as unknown[]).slice(),
  };
}
