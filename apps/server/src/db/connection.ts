/**
 * The libSQL driver adapter for Prisma, on ONE SQLite connection.
 *
 * Why: `@libsql/client` (0.8) hands its connection to each `transaction()` and lazily opens a new one for what
 * follows, without ever closing the old one: every Prisma transaction (a new pipeline version, nested
 * writes) left two file descriptors open until a garbage collection (measured: 1000 updates → +2000 fds), and
 * per-connection settings (busy timeout, foreign keys) were lost with the first transaction. Prisma's adapter
 * already serializes all access to its client behind one mutex, held for the whole of a transaction, so a
 * single connection is enough: `transaction()` here is BEGIN … COMMIT on that same connection.
 *
 * libSQL runs each statement synchronously on the calling thread. Open ONE Db per database file per process:
 * two connections of the same process would wait for each other's lock while blocking the thread that has to
 * release it (the busy timeout, then SQLITE_BUSY). Several processes on one file are fine.
 */
import {
  type Client,
  type Config,
  createClient,
  type InStatement,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';
import { PrismaLibSQL } from '@prisma/adapter-libsql';

/** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Prisma's adapter asks for "deferred" transactions. Ours all write (a new version, recovery, nested writes),
 * so they take the write lock at BEGIN (IMMEDIATE): with another process on the file, a deferred transaction
 * that read first would fail with SQLITE_BUSY when it came to write; an immediate one waits its turn
 * (busy timeout) instead.
 */
const BEGIN: Record<TransactionMode, string> = {
  write: 'BEGIN IMMEDIATE',
  read: 'BEGIN TRANSACTION READONLY',
  deferred: 'BEGIN IMMEDIATE',
};

/** Prisma's libSQL adapter factory, whose client keeps a single, configured connection. */
export class SingleConnectionPrismaLibSQL extends PrismaLibSQL {
  override createClient(config: Config): Client {
    return new SingleConnectionClient(createClient(config));
  }
}

export class SingleConnectionClient implements Client {
  readonly #inner: Client;
  readonly #ready: Promise<unknown>;
  #inTransaction = false;

  constructor(inner: Client) {
    this.#inner = inner;
    // Outside any transaction: PRAGMA foreign_keys does nothing inside one. synchronous = NORMAL: in WAL mode
    // (openDb sets it) a commit no longer waits for an fsync — libSQL runs statements synchronously, so each
    // fsync (~2 ms here) stalled the event loop; the database stays consistent, and only a power loss or OS
    // crash (not a crash of the server) can forget the last commits.
    this.#ready = inner
      .execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
      .then(() => inner.execute('PRAGMA foreign_keys = ON'))
      .then(() => inner.execute('PRAGMA synchronous = NORMAL'));
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  get protocol(): string {
    return this.#inner.protocol;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    await this.#ready;
    return this.#inner.execute(stmt);
  }

  async batch(stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    await this.#ready;
    return this.#inner.batch(stmts, mode);
  }

  async executeMultiple(sql: string): Promise<void> {
    await this.#ready;
    return this.#inner.executeMultiple(sql);
  }

  async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    await this.#ready;
    if (this.#inTransaction) {
      // Cannot happen behind Prisma's adapter (it holds a mutex for the whole transaction); say so if it does.
      throw new Error('a transaction is already open on this connection');
    }
    await this.#inner.execute(BEGIN[mode]);
    this.#inTransaction = true;
    return new SameConnectionTransaction(this.#inner, () => {
      this.#inTransaction = false;
    });
  }

  sync(): Promise<void> {
    return this.#inner.sync();
  }

  close(): void {
    this.#inner.close();
  }
}

class SameConnectionTransaction implements Transaction {
  #open = true;

  constructor(
    private readonly inner: Client,
    private readonly onEnd: () => void,
  ) {}

  get closed(): boolean {
    return !this.#open;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    this.#check();
    return this.inner.execute(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    const results: ResultSet[] = [];
    for (const s of stmts) results.push(await this.execute(s));
    return results;
  }

  async executeMultiple(): Promise<void> {
    // The client's executeMultiple rolls back any open transaction when it ends, so it cannot run inside one.
    throw new Error('executeMultiple is not supported inside a transaction on a single connection');
  }

  async commit(): Promise<void> {
    this.#check();
    try {
      await this.inner.execute('COMMIT');
    } catch (e) {
      await this.inner.execute('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      this.#end();
    }
  }

  async rollback(): Promise<void> {
    if (!this.#open) return;
    try {
      await this.inner.execute('ROLLBACK');
    } finally {
      this.#end();
    }
  }

  close(): void {
    if (this.#open) void this.rollback().catch(() => {});
  }

  #check(): void {
    if (!this.#open) throw new Error('the transaction is closed');
  }

  #end(): void {
    this.#open = false;
    this.onEnd();
  }
}
