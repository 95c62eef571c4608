/**
 * Reading the state a checkpoint holds, whether or not its job runs: the checkpoint is loaded into a job that
 * never runs, in a short-lived worker of its own (`inspect` mode), kept for `idleMs` after its last query so the
 * next page is quick; at most two are kept (the oldest goes first).
 */
import type { StatePage, StateQuery, WorkerInit } from './protocol';
import { type MainThreadLoad, WorkerHandle } from './worker-handle';

/** Time allowed for loading (and verifying) a checkpoint for inspection, on top of the request timeout. */
const INSPECTION_LOAD_MS = 60_000;
const MAX_INSPECTIONS = 2;

interface Inspection {
  handle: WorkerHandle;
  idle: ReturnType<typeof setTimeout> | null;
}

export interface CheckpointInspectionsOptions {
  dataDir: string;
  nice: number;
  requestTimeoutMs: number;
  idleMs: number;
  memoryMb: number;
  load: MainThreadLoad;
}

export class CheckpointInspections {
  private readonly workers = new Map<string, Inspection>();

  constructor(private readonly opts: CheckpointInspectionsOptions) {}

  get size(): number {
    return this.workers.size;
  }

  /** A page of `nodeId`'s state in checkpoint `dir`, read with `spec` (null: the one the checkpoint carries). */
  async queryState(dir: string, spec: unknown, nodeId: string, query: StateQuery): Promise<StatePage> {
    const key = `${dir}\n${spec === null ? '' : JSON.stringify(spec)}`;
    const insp = this.worker(key, dir, spec);
    try {
      await insp.handle.ready;
      return await insp.handle.request({ cmd: 'queryState', nodeId, query });
    } finally {
      this.touch(key, insp);
    }
  }

  close(): Promise<void> {
    const terminations: Promise<void>[] = [];
    for (const [key, insp] of this.workers) {
      if (insp.idle) clearTimeout(insp.idle);
      this.workers.delete(key);
      terminations.push(insp.handle.terminate());
    }
    return Promise.all(terminations).then(() => {});
  }

  private worker(key: string, dir: string, spec: unknown): Inspection {
    const found = this.workers.get(key);
    if (found?.handle.alive) {
      if (found.idle) clearTimeout(found.idle);
      found.idle = null;
      return found;
    }
    while (this.workers.size >= MAX_INSPECTIONS) {
      const [oldKey, old] = this.workers.entries().next().value as [string, Inspection];
      if (old.idle) clearTimeout(old.idle);
      this.workers.delete(oldKey);
      void old.handle.terminate();
    }
    const init: WorkerInit = {
      mode: 'inspect',
      path: dir,
      spec,
      dataDir: this.opts.dataDir,
      nice: this.opts.nice,
    };
    const handle: WorkerHandle = new WorkerHandle(
      init,
      {
        onEvent: () => {},
        onGone: () => {
          if (this.workers.get(key)?.handle === handle) this.workers.delete(key);
        },
        onProtocolError: () => {},
      },
      {
        timeoutMs: this.opts.requestTimeoutMs,
        startTimeoutMs: this.opts.requestTimeoutMs + INSPECTION_LOAD_MS,
        load: this.opts.load,
        memoryMb: this.opts.memoryMb,
      },
    );
    const insp: Inspection = { handle, idle: null };
    this.workers.set(key, insp);
    return insp;
  }

  private touch(key: string, insp: Inspection): void {
    if (this.workers.get(key) !== insp) return;
    if (!insp.handle.alive) {
      this.workers.delete(key);
      return;
    }
    if (insp.idle) clearTimeout(insp.idle);
    insp.idle = setTimeout(() => {
      if (this.workers.get(key) === insp) this.workers.delete(key);
      void insp.handle.terminate();
    }, this.opts.idleMs);
    insp.idle.unref();
  }
}
