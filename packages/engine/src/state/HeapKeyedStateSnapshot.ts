/**
 * A copy-on-write snapshot of a `HeapKeyedStateBackend`: `snapshot()` adds an overlay to every state table
 * (O(number of states)), and the data is produced afterwards in steps, key group by key group — either
 * materialized into the columns checkpoint files of format 1 hold (`materializeStep`), or encoded straight
 * from the live tables into the binary sections of format 2 (`encodeStep`).
 */
import { ByteWriter, decodeEntries } from './binary';
import { SKIP, type StateCodec } from './codec';
import type { HeapKeyedStateBackend } from './HeapKeyedStateBackend';
import type { HeapStateTable, OverlaySink, TableOverlay } from './HeapStateTable';
import type { Key } from './keyGroups';
import { KeyGroupRangeAssignment } from './keyGroups';
import type {
  ColumnarEntries,
  EncodedEntries,
  EncodedKeyedStateSnapshot,
  KeyedStateSnapshot,
  KeyedStateSnapshotData,
  KeyedStateSnapshotStateData,
  Namespace,
} from './types';

interface SnapshotPart {
  readonly table: HeapStateTable<unknown>;
  overlay: TableOverlay<unknown>;
  readonly codec: StateCodec;
  /** Encodes one entry into its key group's block (binary mode; also the overlay's sink). */
  encode: OverlaySink<unknown> | undefined;
  /** Entries by key group (sparse), columnar as they are materialized (`materializeStep`). */
  buckets: Array<Bucket | undefined>;
  /** Entries by key group (sparse), binary as they are encoded (`encodeStep`). */
  blocks: Array<Block | undefined>;
}

/**
 * One key group's entries, written column by column as the snapshot materializes them: no object per entry
 * (which the garbage collector would pay for), and already the shape checkpoint files hold. `namespaces` is
 * only created when a second namespace shows up (non-windowed state has one).
 */
interface Bucket {
  keys: Key[];
  values: unknown[];
  namespace: Namespace;
  namespaces: Namespace[] | undefined;
}

/** One key group's entries of one state, encoded: (key, value) pairs in `w`, namespaces as in `Bucket`. */
interface Block {
  w: ByteWriter;
  count: number;
  namespace: Namespace;
  namespaces: Namespace[] | undefined;
}

function bucketEntries(b: Bucket): ColumnarEntries {
  if (b.namespaces !== undefined) return { keys: b.keys, values: b.values, namespaces: b.namespaces };
  return b.namespace === undefined
    ? { keys: b.keys, values: b.values }
    : { keys: b.keys, values: b.values, namespace: b.namespace };
}

function blockOf(b: Block): EncodedEntries {
  const e: EncodedEntries = { count: b.count, bytes: b.w.buf.subarray(0, b.w.pos) };
  if (b.namespaces !== undefined) e.namespaces = b.namespaces;
  else if (b.namespace !== undefined) e.namespace = b.namespace;
  return e;
}

/** Decodes a block back to columns (`result()` of an encoded snapshot). */
export function decodeEncodedEntries(e: EncodedEntries): ColumnarEntries {
  const { keys, values } = decodeEntries(e.bytes, e.count);
  const out: ColumnarEntries = { keys: keys as Key[], values };
  if (e.namespaces !== undefined) out.namespaces = e.namespaces;
  else if (e.namespace !== undefined) out.namespace = e.namespace;
  return out;
}

/** Initial capacity of a key group's block: grows by doubling (a recycled one keeps its capacity). */
const BLOCK_BYTES = 512;

export class HeapKeyedStateSnapshot implements KeyedStateSnapshot {
  private readonly parts: SnapshotPart[];
  private index = 0;
  private data: KeyedStateSnapshotData | undefined;
  private encodedData: EncodedKeyedStateSnapshot | undefined;
  /** How the snapshot materializes, fixed by the first step. */
  private mode: 'columnar' | 'binary' | undefined;
  private released = false;
  /** The backend's time for TTL checks, read at the start of each step. */
  private now: number;

  /**
   * `encode`: the snapshot will be encoded (`encodeStep`), so from the start an entry about to be
   * overwritten is encoded there and then, instead of copied for later (see `OverlaySink`).
   */
  constructor(
    private readonly backend: HeapKeyedStateBackend,
    readonly checkpointId: number,
    tables: HeapStateTable<unknown>[],
    encode = false,
  ) {
    this.now = backend.nowMs();
    if (encode) this.mode = 'binary';
    this.parts = tables.map((table) => {
      const part: SnapshotPart = {
        table,
        overlay: undefined as unknown as TableOverlay<unknown>,
        codec: table.codec,
        encode: undefined,
        buckets: [],
        blocks: [],
      };
      if (encode) part.encode = this.encoderFor(part);
      part.overlay = table.addOverlay(part.encode);
      return part;
    });
  }

  /** Writes (key, value) into the part's block for the key's group: no copy, no per-entry object. */
  private encoderFor(part: SnapshotPart): OverlaySink<unknown> {
    const { codec } = part;
    const maxP = this.backend.maxParallelism;
    return (key, ns, value) => {
      // encoded right away, so the live value may be read as it is (owned = true: no copy)
      const snap = codec.toSnapshot(value, true, this.now);
      if (snap === SKIP) return;
      const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, maxP);
      const blocks = part.blocks;
      let block = blocks[kg];
      if (block === undefined) {
        blocks[kg] = block = {
          w: this.backend.takeBlockWriter(part.table.name, kg) ?? new ByteWriter(BLOCK_BYTES),
          count: 0,
          namespace: ns,
          namespaces: undefined,
        };
      } else if (block.namespaces !== undefined) block.namespaces.push(ns);
      else if (ns !== block.namespace) {
        block.namespaces = new Array<Namespace>(block.count).fill(block.namespace);
        block.namespaces.push(ns);
      }
      block.w.value(key);
      block.w.value(snap);
      block.count++;
    };
  }

  private checkMode(mode: 'columnar' | 'binary'): void {
    if (this.released) throw new Error(`Snapshot ${this.checkpointId} was released`);
    if (this.mode === undefined) this.mode = mode;
    else if (this.mode !== mode)
      throw new Error(`Snapshot ${this.checkpointId} is materialized ${this.mode}, not ${mode}`);
  }

  materializeStep(budget: number): boolean {
    this.checkMode('columnar');
    if (this.data !== undefined) return true;
    const maxP = this.backend.maxParallelism;
    const now = this.backend.nowMs();
    let remaining = Math.max(1, budget);
    while (this.index < this.parts.length && remaining > 0) {
      const part = this.parts[this.index] as SnapshotPart;
      const { codec, buckets } = part;
      remaining -= part.table.materializeStep(part.overlay, remaining, (key, ns, value, owned) => {
        const snap = codec.toSnapshot(value, owned, now);
        if (snap === SKIP) return;
        const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, maxP);
        const bucket = buckets[kg];
        if (bucket === undefined) {
          buckets[kg] = { keys: [key], values: [snap], namespace: ns, namespaces: undefined };
          return;
        }
        if (bucket.namespaces !== undefined) bucket.namespaces.push(ns);
        else if (ns !== bucket.namespace) {
          bucket.namespaces = new Array<Namespace>(bucket.keys.length).fill(bucket.namespace);
          bucket.namespaces.push(ns);
        }
        bucket.keys.push(key);
        bucket.values.push(snap);
      });
      if (part.overlay.done) {
        part.table.removeOverlay(part.overlay);
        this.index++;
      }
    }
    if (this.index < this.parts.length) return false;
    this.finish();
    return true;
  }

  /**
   * Like `materializeStep`, but encodes each entry straight from the live table into its key group's binary
   * block (checkpoint file format 2): no copy of the value, no per-entry object, nothing left to serialize.
   * Read the outcome with `encoded()` (or `result()`, which decodes it).
   */
  encodeStep(budget: number): boolean {
    this.checkMode('binary');
    if (this.encodedData !== undefined) return true;
    this.now = this.backend.nowMs();
    let remaining = Math.max(1, budget);
    while (this.index < this.parts.length && remaining > 0) {
      const part = this.parts[this.index] as SnapshotPart;
      // a snapshot not created to encode copied what was overwritten before its first step; those copies
      // are read by the iteration as before, the rest straight from the live table
      if (part.encode === undefined) part.encode = this.encoderFor(part);
      remaining -= part.table.materializeStep(part.overlay, remaining, part.encode);
      if (part.overlay.done) {
        part.table.removeOverlay(part.overlay);
        this.index++;
      }
    }
    if (this.index < this.parts.length) return false;
    const range = this.backend.keyGroupRange;
    this.encodedData = {
      maxParallelism: this.backend.maxParallelism,
      keyGroupRange: [range.startKeyGroup, range.endKeyGroup],
      states: this.parts.map((p) => {
        const byKeyGroup: EncodedKeyedStateSnapshot['states'][number]['byKeyGroup'] = [];
        // the blocks stay with the part until `release`, which hands their writers back to the backend
        p.blocks.forEach((b, kg) => {
          if (b !== undefined) byKeyGroup.push([kg, blockOf(b)]);
        });
        return {
          name: p.table.name,
          kind: p.codec.kind,
          ...(p.codec.ttlMs !== undefined ? { ttlMs: p.codec.ttlMs } : {}),
          byKeyGroup,
        };
      }),
    };
    this.backend.snapshotEnded(this);
    return true;
  }

  /** The binary blocks of an encoded snapshot; finishes encoding synchronously if needed. */
  encoded(): EncodedKeyedStateSnapshot {
    this.checkMode('binary');
    if (this.encodedData === undefined) this.encodeStep(Number.POSITIVE_INFINITY);
    return this.encodedData as EncodedKeyedStateSnapshot;
  }

  private finish(): void {
    const states: KeyedStateSnapshotStateData[] = this.parts.map((p) => {
      const byKeyGroup: KeyedStateSnapshotStateData['byKeyGroup'] = [];
      p.buckets.forEach((bucket, kg) => {
        if (bucket !== undefined) byKeyGroup.push([kg, bucketEntries(bucket)]);
      });
      p.buckets = [];
      const st: KeyedStateSnapshotStateData = { name: p.table.name, kind: p.codec.kind, byKeyGroup };
      if (p.codec.ttlMs !== undefined) st.ttlMs = p.codec.ttlMs;
      return st;
    });
    const range = this.backend.keyGroupRange;
    this.data = {
      maxParallelism: this.backend.maxParallelism,
      keyGroupRange: [range.startKeyGroup, range.endKeyGroup],
      states,
    };
    this.backend.snapshotEnded(this);
  }

  result(): KeyedStateSnapshotData {
    if (this.released) throw new Error(`Snapshot ${this.checkpointId} was released`);
    if (this.mode === 'binary') {
      const e = this.encoded();
      return {
        maxParallelism: e.maxParallelism,
        keyGroupRange: e.keyGroupRange,
        states: e.states.map((st) => ({
          name: st.name,
          kind: st.kind,
          ...(st.ttlMs !== undefined ? { ttlMs: st.ttlMs } : {}),
          byKeyGroup: st.byKeyGroup.map(([kg, b]) => [kg, decodeEncodedEntries(b)]),
        })),
      };
    }
    if (this.data === undefined) this.materializeStep(Number.POSITIVE_INFINITY);
    return this.data as KeyedStateSnapshotData;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const p of this.parts) {
      p.table.removeOverlay(p.overlay);
      p.buckets = [];
      // Released after its file was written (or with its checkpoint aborted): the next snapshot fills
      // the same buffers, so a snapshot of a large state does not allocate them again.
      if (p.blocks.length > 0) this.backend.recycleBlockWriters(p.table.name, p.blocks);
      p.blocks = [];
    }
    this.data = undefined;
    this.encodedData = undefined;
    this.backend.snapshotEnded(this);
  }
}
