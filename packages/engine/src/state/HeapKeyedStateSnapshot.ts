/**
 * A copy-on-write snapshot of a `HeapKeyedStateBackend`: `snapshot()` adds an overlay to every state table
 * (O(number of states)), and the data is materialized afterwards in steps, key group by key group, straight
 * into the columns checkpoint files hold.
 */
import { SKIP, type StateCodec } from './codec';
import type { HeapKeyedStateBackend } from './HeapKeyedStateBackend';
import type { HeapStateTable, TableOverlay } from './HeapStateTable';
import type { Key } from './keyGroups';
import { KeyGroupRangeAssignment } from './keyGroups';
import type {
  ColumnarEntries,
  KeyedStateSnapshot,
  KeyedStateSnapshotData,
  KeyedStateSnapshotStateData,
  Namespace,
} from './types';

interface SnapshotPart {
  readonly table: HeapStateTable<unknown>;
  readonly overlay: TableOverlay<unknown>;
  readonly codec: StateCodec;
  /** Entries by key group (sparse), columnar as they are materialized. */
  buckets: Array<Bucket | undefined>;
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

function bucketEntries(b: Bucket): ColumnarEntries {
  if (b.namespaces !== undefined) return { keys: b.keys, values: b.values, namespaces: b.namespaces };
  return b.namespace === undefined
    ? { keys: b.keys, values: b.values }
    : { keys: b.keys, values: b.values, namespace: b.namespace };
}

export class HeapKeyedStateSnapshot implements KeyedStateSnapshot {
  private readonly parts: SnapshotPart[];
  private index = 0;
  private data: KeyedStateSnapshotData | undefined;
  private released = false;

  constructor(
    private readonly backend: HeapKeyedStateBackend,
    readonly checkpointId: number,
    tables: HeapStateTable<unknown>[],
  ) {
    this.parts = tables.map((table) => ({
      table,
      overlay: table.addOverlay(),
      codec: table.codec,
      buckets: [],
    }));
  }

  materializeStep(budget: number): boolean {
    if (this.released) throw new Error(`Snapshot ${this.checkpointId} was released`);
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
    if (this.data === undefined) this.materializeStep(Number.POSITIVE_INFINITY);
    return this.data as KeyedStateSnapshotData;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const p of this.parts) {
      p.table.removeOverlay(p.overlay);
      p.buckets = [];
    }
    this.data = undefined;
    this.backend.snapshotEnded(this);
  }
}
