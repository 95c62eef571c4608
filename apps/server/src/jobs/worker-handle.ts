import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { JobManagerError } from './errors';
import {
  type Command,
  type CommandName,
  type CommandResult,
  type ManagerEvent,
  type Request,
  type RestoredFrom,
  ResultSchemas,
  WORKER_DATA_KEY,
  type WorkerInit,
  WorkerMessageSchema,
} from './protocol';

/** Plain JS: registers tsx, then imports `worker.ts` (see the file for why). */
const WORKER_ENTRY = new URL('./worker-bootstrap.mjs', import.meta.url);

interface Pending {
  cmd: CommandName;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Main-thread time spent on what workers send (decoding aside: that happens before the handler runs). */
export interface MainThreadLoad {
  messages: number;
  totalMs: number;
  maxMs: number;
}

export interface WorkerHandleHooks {
  /** An event the worker pushed (already validated). */
  onEvent(e: ManagerEvent): void;
  /**
   * The worker is gone. `expected`: the manager terminated it (or it ended after a failed start); otherwise it
   * crashed (`error` is WORKER_CRASHED with the cause).
   */
  onGone(error: JobManagerError, expected: boolean): void;
  /** A message that is not the protocol (a bug): reported, never thrown. */
  onProtocolError(message: string): void;
}

/**
 * The main thread's side of one worker: request/response with ids and timeouts, validation of everything the
 * worker sends, and prompt rejection of every pending request when the worker dies.
 */
export class WorkerHandle {
  readonly worker: Worker;
  /**
   * Resolves when the worker hosts its job (or checkpoint), with the checkpoint the job started from (null when
   * from the beginning); rejects with why it could not.
   */
  readonly ready: Promise<RestoredFrom>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the worker cannot answer any more: what requests reject with. */
  private gone: JobManagerError | null = null;
  private terminating = false;
  private crashCause: string | null = null;
  private settleReady!: (e?: JobManagerError, restoredFrom?: RestoredFrom) => void;

  private readonly timeoutMs: number;
  private readonly load: MainThreadLoad;
  private readonly memoryMb: number | undefined;
  /** How messages name what the worker hosts. */
  private readonly label: string;

  constructor(
    init: WorkerInit,
    private readonly hooks: WorkerHandleHooks,
    opts: {
      /** Default timeout of a request. */
      timeoutMs: number;
      /** How long starting may take (tsx compiling the engine, restoring a checkpoint). */
      startTimeoutMs: number;
      load?: MainThreadLoad;
      /** The worker's heap limit (V8's old generation, MiB); past it the worker stops with OUT_OF_MEMORY. */
      memoryMb?: number;
    },
  ) {
    this.timeoutMs = opts.timeoutMs;
    this.load = opts.load ?? { messages: 0, totalMs: 0, maxMs: 0 };
    this.memoryMb = opts.memoryMb;
    this.label = init.mode === 'job' ? `job '${init.jobId}'` : 'the checkpoint inspection';
    const startTimeoutMs = opts.startTimeoutMs;
    this.ready = new Promise<RestoredFrom>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        this.settleReady(
          new JobManagerError('TIMEOUT', `the worker did not start within ${startTimeoutMs} ms`),
        );
        void this.terminate();
      }, startTimeoutMs);
      this.settleReady = (e, restoredFrom) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (e) reject(e);
        else resolve(restoredFrom ?? null);
      };
    });
    this.ready.catch(() => {}); // whoever awaits it sees the error; an unawaited one is not "unhandled"
    // execArgv: [] — the same clean start under tsx, Vitest and plain node (the bootstrap registers tsx).
    this.worker = new Worker(WORKER_ENTRY, {
      workerData: { [WORKER_DATA_KEY]: init },
      execArgv: [],
      name: init.mode === 'job' ? `flowstate job ${init.jobId}` : 'flowstate checkpoint inspection',
      ...(opts.memoryMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb } } : {}),
    });
    this.worker.on('message', (m: unknown) => {
      const t0 = performance.now();
      try {
        this.onMessage(m);
      } finally {
        const ms = performance.now() - t0;
        this.load.messages++;
        this.load.totalMs += ms;
        if (ms > this.load.maxMs) this.load.maxMs = ms;
      }
    });
    this.worker.on('messageerror', (e) => this.hooks.onProtocolError(`undecodable message: ${e.message}`));
    this.worker.on('error', (e) => {
      // An uncaught exception, or the heap limit: the worker is dying ('exit' follows). Pending requests fail now.
      if ((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') this.outOfMemory = true;
      this.crashCause = e instanceof Error ? e.message : String(e);
      this.markGone(this.crashError(null));
    });
    this.worker.on('exit', (code) => {
      const expected = this.terminating;
      const err = expected
        ? (this.gone ?? new JobManagerError('NOT_RUNNING', 'the worker was stopped'))
        : this.crashError(code);
      this.markGone(err);
      this.settleReady(err);
      this.hooks.onGone(err, expected);
    });
  }

  get alive(): boolean {
    return this.gone === null;
  }

  private outOfMemory = false;

  private crashError(code: number | null): JobManagerError {
    if (this.outOfMemory) {
      return new JobManagerError(
        'OUT_OF_MEMORY',
        `${this.label} ran out of memory: its worker reached the heap limit of ${this.memoryMb ?? '?'} MiB (FLOWSTATE_JOB_MEMORY_MB) and was stopped`,
      );
    }
    return new JobManagerError(
      'WORKER_CRASHED',
      this.crashCause !== null
        ? `the job's worker crashed: ${this.crashCause}`
        : `the job's worker exited unexpectedly${code !== null ? ` (exit code ${code})` : ''}`,
    );
  }

  private markGone(err: JobManagerError): void {
    if (!this.gone) this.gone = err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(this.gone);
    }
  }

  private onMessage(raw: unknown): void {
    const parsed = WorkerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const p = typeof id === 'number' ? this.pending.get(id) : undefined;
      const message = `invalid message from the worker: ${z.prettifyError(parsed.error)}`;
      if (p && typeof id === 'number') this.settle(id, p, new JobManagerError('FAILED', message));
      else this.hooks.onProtocolError(message);
      return;
    }
    const m = parsed.data;
    switch (m.kind) {
      case 'ready':
        this.settleReady(undefined, m.restoredFrom ?? null);
        return;
      case 'init-failed':
        // Nothing to host: the worker is stopped (an expected exit).
        this.gone = JobManagerError.fromWire(m.error);
        this.settleReady(this.gone);
        void this.terminate();
        return;
      case 'event':
        this.hooks.onEvent(m.event);
        return;
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return; // timed out meanwhile
        if (!m.ok) {
          this.settle(m.id, p, JobManagerError.fromWire(m.error));
          return;
        }
        const r = ResultSchemas[p.cmd].safeParse(m.result);
        if (r.success) this.settle(m.id, p, null, r.data);
        else {
          const message = `invalid answer to '${p.cmd}' from the worker: ${z.prettifyError(r.error)}`;
          this.settle(m.id, p, new JobManagerError('FAILED', message));
        }
        return;
      }
    }
  }

  private settle(id: number, p: Pending, error: Error | null, value?: unknown): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (error) p.reject(error);
    else p.resolve(value);
  }

  /** Sends a command; resolves with its validated result, rejects with a JobManagerError. */
  request<C extends CommandName>(
    command: Extract<Command, { cmd: C }>,
    timeoutMs = this.timeoutMs,
  ): Promise<CommandResult<C>> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<CommandResult<C>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new JobManagerError('TIMEOUT', `the worker did not answer '${command.cmd}' within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.pending.set(id, {
        cmd: command.cmd,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
      });
      const msg: Request = { kind: 'request', id, command };
      this.worker.postMessage(msg);
    });
  }

  /** Stops the worker (an expected exit: not a crash). */
  async terminate(): Promise<void> {
    this.terminating = true;
    if (!this.gone) this.gone = new JobManagerError('NOT_RUNNING', 'the worker was stopped');
    await this.worker.terminate();
  }
}
