/**
 * Operator (non-keyed) state: named lists per subtask, as Flink's `DefaultOperatorStateBackend`.
 * On restore, `split` lists are redistributed evenly over the new subtasks (Flink's
 * `RoundRobinOperatorStateRepartitioner`: the concatenated entries of all old subtasks are cut into
 * `parallelism` contiguous chunks, the first `total % parallelism` chunks one entry larger); at
 * unchanged parallelism every subtask keeps its own entries. `union` lists give every subtask all
 * entries.
 */
import { defaultCopy } from './descriptors';
import type { OperatorListState, OperatorStateBackend, OperatorStateSnapshotData } from './types';

type Mode = 'split' | 'union';

interface NamedList {
  mode: Mode;
  entries: unknown[];
}

/** The part of `total` entries that subtask `subtask` of `parallelism` receives: [start, end). */
export function evenSplitRange(total: number, subtask: number, parallelism: number): [number, number] {
  const base = Math.floor(total / parallelism);
  const remainder = total % parallelism;
  const start = subtask * base + Math.min(subtask, remainder);
  return [start, start + base + (subtask < remainder ? 1 : 0)];
}

class DefaultOperatorStateBackend implements OperatorStateBackend {
  private readonly lists = new Map<string, NamedList>();

  private list(name: string, mode: Mode): NamedList {
    let l = this.lists.get(name);
    if (l === undefined) this.lists.set(name, (l = { mode, entries: [] }));
    else l.mode = mode;
    return l;
  }

  private handle<T>(name: string, mode: Mode): OperatorListState<T> {
    const l = this.list(name, mode);
    return {
      get: () => l.entries.slice() as T[],
      update: (values: T[]) => {
        l.entries = values.slice();
      },
      add: (value: T) => {
        l.entries.push(value);
      },
    };
  }

  getListState<T>(name: string): OperatorListState<T> {
    return this.handle<T>(name, 'split');
  }

  getUnionListState<T>(name: string): OperatorListState<T> {
    return this.handle<T>(name, 'union');
  }

  snapshot(): OperatorStateSnapshotData {
    return {
      states: Array.from(this.lists, ([name, l]) => ({
        name,
        mode: l.mode,
        entries: l.entries.map(defaultCopy),
      })),
    };
  }

  restore(parts: OperatorStateSnapshotData[], subtask: number, parallelism: number): void {
    if (!Number.isInteger(parallelism) || parallelism <= 0 || subtask < 0 || subtask >= parallelism) {
      throw new RangeError(`Invalid subtask ${subtask} of parallelism ${parallelism}`);
    }
    const all = new Map<string, { mode: Mode; perPart: unknown[][] }>();
    parts.forEach((part, i) => {
      for (const st of part.states) {
        let e = all.get(st.name);
        if (e === undefined) all.set(st.name, (e = { mode: st.mode, perPart: parts.map(() => []) }));
        e.perPart[i] = st.entries;
      }
    });
    for (const [name, { mode, perPart }] of all) {
      let entries: unknown[];
      if (mode === 'union') entries = perPart.flat();
      else if (parts.length === parallelism) entries = perPart[subtask] ?? [];
      else {
        const concatenated = perPart.flat();
        const [start, end] = evenSplitRange(concatenated.length, subtask, parallelism);
        entries = concatenated.slice(start, end);
      }
      const l = this.list(name, mode);
      l.entries = entries.map(defaultCopy);
    }
  }
}

export function createOperatorStateBackend(): OperatorStateBackend {
  return new DefaultOperatorStateBackend();
}
