import {
  BinaryFormatError,
  ByteReader,
  ByteWriter,
  type ColumnarEntries,
  decodeEntries,
  type EncodedKeyedStateSnapshot,
  type Key,
  type KeyedStateSnapshotData,
  type KeyedStateSnapshotStateData,
  type KeyGroupRange,
  type Namespace,
  type StateKind,
} from '../state/index';
import type { TimersSnapshotData } from '../time/index';

/**
 * The file of one keyed operator subtask in a checkpoint, organized by key group: a JSON header line, then
 * one section per key group that holds anything.
 *
 *   header  { "format": 2, "nodeId", "subtask", "maxParallelism", "keyGroupRange": [s, e],
 *             "states": [{ "name", "kind", "ttlMs"? }] } and a newline
 *
 * Format 2 (written since the binary sections): each section is binary, little-endian —
 *
 *   u8 0xB5 · u32 keyGroup · u32 number of states ·
 *   per state: u32 entries (0: none in this group); when > 0: u8 namespace mode (0 none, 1 one namespace
 *     as a value, 2 one value per entry) and the namespace(s), u32 byte length, then (key, value) pairs ·
 *   u8 timer flags (1 event time, 2 processing time), then each present one as a value
 *
 * where a value is the tagged encoding of `state/binary.ts` (what `JSON.parse(JSON.stringify(v))` gives).
 * The pairs are encoded by the snapshot itself as it walks the live state (`encodeStep`), so writing a
 * section only concatenates bytes.
 *
 * Format 1 (still read): JSON lines —
 *   line k: section { "g": keyGroup, "s": [entries of state 0, entries of state 1, …],
 *                     "e": event-time timers, "p": processing-time timers }
 *
 * The checkpoint's metadata indexes each section's byte offset and length, so a restore at another
 * parallelism reads only the key groups it now owns; the file's SHA-256 is checked before any is read.
 */
export interface StateFileHeader {
  format: 1 | 2;
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

const textEncoder = new TextEncoder();

export interface StateFileContent {
  header: StateFileHeader;
  /** Chunks to write: the header, then one section per key group that holds anything. */
  chunks: Iterable<string | Uint8Array>;
  /** Key group of each chunk after the header, in order (filled as the chunks are produced). */
  keyGroups: number[];
  /**
   * Byte offset of each key group's section, in the order of `keyGroups` (filled as the chunks are
   * produced), when a section is written as several chunks; otherwise each chunk after the header is one.
   */
  sectionOffsets?: number[];
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

/** Magic first byte of a format-2 section. */
const SECTION_MAGIC = 0xb5;

/**
 * The content of a format-2 state file from an encoded snapshot (`KeyedStateSnapshot.encoded()`): the
 * sections are assembled from the snapshot's blocks (byte copies) as the writer pulls them.
 */
export function binaryStateFileContent(
  nodeId: string,
  subtask: number,
  keyed: EncodedKeyedStateSnapshot,
  timers: TimersSnapshotData | undefined,
): StateFileContent {
  const header: StateFileHeader = {
    format: 2,
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
  type Blocks = EncodedKeyedStateSnapshot['states'][number]['byKeyGroup'][number][1];
  interface BinSection {
    s: Array<Blocks | null>;
    e?: unknown[];
    p?: unknown[];
  }
  const byGroup = new Map<number, BinSection>();
  const section = (g: number): BinSection => {
    let sec = byGroup.get(g);
    if (!sec) {
      sec = { s: keyed.states.map(() => null) };
      byGroup.set(g, sec);
    }
    return sec;
  };
  keyed.states.forEach((st, i) => {
    for (const [g, b] of st.byKeyGroup) if (b.count > 0) section(g).s[i] = b;
  });
  if (timers) {
    for (const [g, t] of timers.eventTime) section(g).e = t;
    for (const [g, t] of timers.processingTime) section(g).p = t;
  }
  const groups = [...byGroup.keys()].sort((a, b) => a - b);
  const keyGroups: number[] = [];
  const sectionOffsets: number[] = [];
  const content: StateFileContent = { header, chunks: [], keyGroups, sectionOffsets, longestChunkMs: 0 };
  // A section is its small framing (written here) around the encoded blocks, which go out as they are:
  // no copy of the state's bytes, so writing a large state allocates next to nothing.
  function* chunks(): Iterable<string | Uint8Array> {
    const head = textEncoder.encode(`${JSON.stringify(header)}\n`);
    let pos = head.length;
    yield head;
    for (const g of groups) {
      keyGroups.push(g);
      sectionOffsets.push(pos);
      const t0 = performance.now();
      const sec = byGroup.get(g)!;
      let w = new ByteWriter(64);
      w.u8(SECTION_MAGIC);
      w.u32(g);
      w.u32(sec.s.length);
      const parts: Uint8Array[] = [];
      for (const b of sec.s) {
        if (b === null) {
          w.u32(0);
          continue;
        }
        w.u32(b.count);
        if (b.namespaces !== undefined) {
          w.u8(2);
          for (const ns of b.namespaces) w.value(ns);
        } else if (b.namespace !== undefined) {
          w.u8(1);
          w.value(b.namespace);
        } else w.u8(0);
        w.u32(b.bytes.length);
        parts.push(w.buf.subarray(0, w.pos), b.bytes);
        w = new ByteWriter(64);
      }
      w.u8((sec.e ? 1 : 0) | (sec.p ? 2 : 0));
      if (sec.e) w.value(sec.e);
      if (sec.p) w.value(sec.p);
      parts.push(w.buf.subarray(0, w.pos));
      const ms = performance.now() - t0;
      if (ms > content.longestChunkMs) content.longestChunkMs = ms;
      for (const part of parts) {
        pos += part.length;
        yield part;
      }
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
  const header = parseHeader(file, headerLine);
  if (header.format !== 1) throw new Error(`${file}: format ${header.format} sections are binary, not lines`);
  const { states, timers } = emptyParsed(header);
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

/** The header line of a state file (format 1 or 2); throws with the file's name when it is not one. */
export function parseHeader(file: string, headerLine: string): StateFileHeader {
  const header = parseLine<StateFileHeader>(file, headerLine, 0);
  if ((header.format !== 1 && header.format !== 2) || !Array.isArray(header.states)) {
    throw new Error(`${file}: not a flowstate state file (format ${String(header.format)})`);
  }
  return header;
}

/**
 * Rebuilds the snapshot data of the key groups in `range` from a format-2 file's header and its binary
 * sections (each exactly one section's bytes, as the metadata's key-group index delimits them). Throws with
 * the file's name when a section does not decode.
 */
export function parseBinarySections(
  file: string,
  headerLine: string,
  sections: Iterable<Uint8Array>,
  range: KeyGroupRange,
): ParsedSections {
  const header = parseHeader(file, headerLine);
  if (header.format !== 2) throw new Error(`${file}: format ${header.format} sections are not binary`);
  const { states, timers } = emptyParsed(header);
  let n = 0;
  for (const bytes of sections) {
    n++;
    try {
      const r = new ByteReader(bytes);
      if (r.u8() !== SECTION_MAGIC) throw new BinaryFormatError('not a section');
      const g = r.u32();
      const count = r.u32();
      if (count !== states.length)
        throw new BinaryFormatError(`${count} states, the header has ${states.length}`);
      if (!range.contains(g)) continue;
      for (let i = 0; i < count; i++) {
        const entries = r.u32();
        if (entries === 0) continue;
        const mode = r.u8();
        let namespace: Namespace | undefined;
        let namespaces: Namespace[] | undefined;
        if (mode === 1) namespace = r.value() as Namespace;
        else if (mode === 2) {
          if (entries > r.end - r.pos) throw new BinaryFormatError(`${entries} namespaces`);
          namespaces = new Array<Namespace>(entries);
          for (let j = 0; j < entries; j++) namespaces[j] = r.value() as Namespace;
        } else if (mode !== 0) throw new BinaryFormatError(`namespace mode ${mode}`);
        const len = r.u32();
        if (len > r.end - r.pos) throw new BinaryFormatError(`entries of ${len} bytes`);
        const { keys, values } = decodeEntries(bytes.subarray(r.pos, r.pos + len), entries);
        r.pos += len;
        const cols: ColumnarEntries = { keys: keys as Key[], values };
        if (namespaces !== undefined) cols.namespaces = namespaces;
        else if (namespace !== undefined) cols.namespace = namespace;
        states[i]!.byKeyGroup.push([g, cols]);
      }
      const flags = r.u8();
      if (flags & 1) timers.eventTime.push([g, r.value() as never]);
      if (flags & 2) timers.processingTime.push([g, r.value() as never]);
      if (r.pos !== bytes.length) throw new BinaryFormatError(`${bytes.length - r.pos} trailing bytes`);
    } catch (e) {
      if (e instanceof BinaryFormatError)
        throw new Error(`${file}: section ${n} is malformed (${e.message})`);
      throw e;
    }
  }
  return {
    header,
    keyed: { maxParallelism: header.maxParallelism, keyGroupRange: header.keyGroupRange, states },
    timers,
  };
}

function emptyParsed(header: StateFileHeader): {
  states: KeyedStateSnapshotStateData[];
  timers: TimersSnapshotData;
} {
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
  return { states, timers };
}

function parseLine<T>(file: string, line: string, n: number): T {
  try {
    return JSON.parse(line) as T;
  } catch (e) {
    throw new Error(`${file}: line ${n + 1} is not valid JSON (${(e as Error).message})`);
  }
}
