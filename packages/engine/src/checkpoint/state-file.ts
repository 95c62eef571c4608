import type {
  ColumnarEntries,
  Key,
  KeyedStateSnapshotData,
  KeyedStateSnapshotStateData,
  KeyGroupRange,
  Namespace,
  StateKind,
} from '../state/index';
import type { TimersSnapshotData } from '../time/index';

/**
 * The file of one keyed operator subtask in a checkpoint: JSON lines, organized by key group.
 *
 *   line 0: header  { "format": 1, "nodeId", "subtask", "maxParallelism", "keyGroupRange": [s, e],
 *                     "states": [{ "name", "kind", "ttlMs"? }] }
 *   line k: section { "g": keyGroup, "s": [entries of state 0, entries of state 1, …],
 *                     "e": event-time timers, "p": processing-time timers }
 *
 * Sections are produced one key group at a time (so serializing a large state never blocks for long: the
 * writer awaits its I/O between sections), and the checkpoint's metadata indexes each section's byte offset,
 * so a restore at another parallelism reads only the key groups it now owns.
 */
export interface StateFileHeader {
  format: 1;
  nodeId: string;
  subtask: number;
  maxParallelism: number;
  keyGroupRange: [number, number];
  states: Array<{ name: string; kind: StateKind; ttlMs?: number }>;
}

/** One key group: per state its entries as columns (null when the state has none in this group), timers. */
interface Section {
  g: number;
  s: Array<ColumnarEntries | null>;
  e?: unknown[];
  p?: unknown[];
}

function columns(entries: Array<[Key, Namespace, unknown]> | ColumnarEntries): ColumnarEntries {
  if (!Array.isArray(entries)) return entries;
  const n = entries.length;
  const keys = new Array<Key>(n);
  const values = new Array<unknown>(n);
  const first = entries[0]?.[1];
  let same = true;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    keys[i] = e[0];
    values[i] = e[2];
    if (e[1] !== first) same = false;
  }
  if (same) return first === undefined ? { keys, values } : { keys, values, namespace: first };
  return { keys, values, namespaces: entries.map((e) => e[1]) };
}

export interface StateFileContent {
  header: StateFileHeader;
  /** Chunks to write: the header, then one section per key group that holds anything. */
  chunks: Iterable<string>;
  /** Key group of each chunk after the header, in order (filled as the chunks are produced). */
  keyGroups: number[];
  /** Longest time one chunk took to serialize (ms) — a pause of processing, since it runs between slices. */
  longestChunkMs: number;
}

export function stateFileContent(
  nodeId: string,
  subtask: number,
  keyed: KeyedStateSnapshotData,
  timers: TimersSnapshotData | undefined,
): StateFileContent {
  const header: StateFileHeader = {
    format: 1,
    nodeId,
    subtask,
    maxParallelism: keyed.maxParallelism,
    keyGroupRange: keyed.keyGroupRange,
    states: keyed.states.map((s) => ({
      name: s.name,
      kind: s.kind,
      ...(s.ttlMs !== undefined ? { ttlMs: s.ttlMs } : {}),
    })),
  };
  const keyGroups: number[] = [];
  // Index every state's (and the timers') entries by key group: only the small outer arrays are touched here.
  const byGroup = new Map<number, Section>();
  const section = (g: number): Section => {
    let sec = byGroup.get(g);
    if (!sec) {
      sec = { g, s: keyed.states.map(() => null) };
      byGroup.set(g, sec);
    }
    return sec;
  };
  keyed.states.forEach((st, i) => {
    for (const [g, entries] of st.byKeyGroup) section(g).s[i] = entries as never;
  });
  if (timers) {
    for (const [g, t] of timers.eventTime) section(g).e = t;
    for (const [g, t] of timers.processingTime) section(g).p = t;
  }
  const groups = [...byGroup.keys()].sort((a, b) => a - b);
  const content: StateFileContent = { header, chunks: [], keyGroups, longestChunkMs: 0 };
  function* chunks(): Iterable<string> {
    yield `${JSON.stringify(header)}\n`;
    for (const g of groups) {
      keyGroups.push(g);
      const t0 = performance.now();
      const sec = byGroup.get(g)!;
      sec.s = sec.s.map((e) => (e === null ? null : columns(e as never)));
      const line = `${JSON.stringify(sec)}\n`;
      const ms = performance.now() - t0;
      if (ms > content.longestChunkMs) content.longestChunkMs = ms;
      yield line;
    }
  }
  content.chunks = chunks();
  return content;
}

export interface ParsedSections {
  header: StateFileHeader;
  keyed: KeyedStateSnapshotData;
  timers: TimersSnapshotData;
}

/**
 * Rebuilds the snapshot data of the key groups in `range` from a state file's header and the sections
 * read for them (each a line of the file). Throws with the file's name when a line is not what it should be.
 */
export function parseSections(
  file: string,
  headerLine: string,
  sectionLines: Iterable<string>,
  range: KeyGroupRange,
): ParsedSections {
  const header = parseLine<StateFileHeader>(file, headerLine, 0);
  if (header.format !== 1 || !Array.isArray(header.states)) {
    throw new Error(`${file}: not a flowstate state file (format ${String(header.format)})`);
  }
  const states: KeyedStateSnapshotStateData[] = header.states.map((s) => ({
    name: s.name,
    kind: s.kind,
    ...(s.ttlMs !== undefined ? { ttlMs: s.ttlMs } : {}),
    byKeyGroup: [],
  }));
  const timers: TimersSnapshotData = {
    maxParallelism: header.maxParallelism,
    eventTime: [],
    processingTime: [],
  };
  let n = 0;
  for (const line of sectionLines) {
    n++;
    if (line.trim() === '') continue;
    const sec = parseLine<Section>(file, line, n);
    if (typeof sec.g !== 'number' || !Array.isArray(sec.s))
      throw new Error(`${file}: section ${n} is malformed`);
    if (!range.contains(sec.g)) continue;
    sec.s.forEach((entries, i) => {
      if (entries && entries.keys.length > 0) states[i]?.byKeyGroup.push([sec.g, entries]);
    });
    if (sec.e) timers.eventTime.push([sec.g, sec.e as never]);
    if (sec.p) timers.processingTime.push([sec.g, sec.p as never]);
  }
  return {
    header,
    keyed: { maxParallelism: header.maxParallelism, keyGroupRange: header.keyGroupRange, states },
    timers,
  };
}

function parseLine<T>(file: string, line: string, n: number): T {
  try {
    return JSON.parse(line) as T;
  } catch (e) {
    throw new Error(`${file}: line ${n + 1} is not valid JSON (${(e as Error).message})`);
  }
}
