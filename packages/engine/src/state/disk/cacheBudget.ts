/**
 * How many entries the disk backend's caches may hold, all tables of the process (or worker) together: a share
 * of the JavaScript heap. Flink's RocksDB backend sizes its caches from managed memory the same way, rather
 * than per state; here each table gets an equal part, so a job with many keyed states (or several jobs in one
 * worker) keeps its caches within the heap instead of running out of memory with state on disk.
 */
import { getHeapStatistics } from 'node:v8';

/** Heap bytes of one cached entry (measured: 127 B with a number key, 157 B with a string key, small value). */
export const BYTES_PER_CACHED_ENTRY = 160;
/** The share of the heap the caches may take. */
export const CACHE_HEAP_SHARE = 0.25;
/** Most entries a table's cache generation holds (the cache has two: up to twice this per table). */
export const MAX_CACHE_ENTRIES = 131_072;
/** Fewest: below this a cache stops batching writes. */
export const MIN_CACHE_ENTRIES = 1_024;

export class CacheBudget {
  private tables = 0;
  /** Entries per cache generation of each table now. */
  perTable: number;

  constructor(readonly totalEntries: number) {
    this.perTable = this.share();
  }

  add(n = 1): void {
    this.tables += n;
    this.perTable = this.share();
  }

  remove(n = 1): void {
    this.tables = Math.max(0, this.tables - n);
    this.perTable = this.share();
  }

  private share(): number {
    const each = Math.floor(this.totalEntries / (2 * Math.max(1, this.tables)));
    return Math.min(MAX_CACHE_ENTRIES, Math.max(MIN_CACHE_ENTRIES, each));
  }
}

/** The process's budget: a quarter of this isolate's heap limit (a worker's own limit in a worker). */
export const cacheBudget = new CacheBudget(
  Math.floor((getHeapStatistics().heap_size_limit * CACHE_HEAP_SHARE) / BYTES_PER_CACHED_ENTRY),
);
