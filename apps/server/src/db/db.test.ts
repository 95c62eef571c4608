import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FLINK_DEPLOYMENT_STATUSES, FLINK_JOB_STATUSES } from '@flowstate/api';
import { JobStatus as FlinkJobStatus } from '@flowstate/flink-local';
import { JOB_STATUSES } from '@flowstate/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FlinkDeploymentStatus as PrismaFlinkDeploymentStatus,
  JobStatus as PrismaJobStatus,
} from './generated/enums';
import {
  type CheckpointRow,
  DB_FILE_NAME,
  type Db,
  DbError,
  INTERRUPTED_CHECKPOINT_REASON,
  type JobEventRow,
  openDb,
} from './index';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const spec = (n: number) => ({
  version: 1,
  name: `p${n}`,
  nodes: [{ id: 'src', type: 'source', n }],
  edges: [],
});

let dir: string;
let db: Db;
const opened: Db[] = [];

async function open(opts: { dataDir?: string; databaseUrl?: string } = {}): Promise<Db> {
  const d = await openDb({
    dataDir: opts.dataDir ?? dir,
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
  });
  opened.push(d);
  return d;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowstate-db-'));
  db = await open();
});

afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
  rmSync(dir, { recursive: true, force: true });
});

function checkpoint(
  jobId: string,
  number: number,
  over: Partial<CheckpointRow> = {},
): Omit<CheckpointRow, 'id'> {
  return {
    jobId,
    number,
    kind: 'checkpoint',
    trigger: 'periodic',
    status: 'pending',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, number)),
    durationMs: null,
    sizeBytes: null,
    fullSizeBytes: null,
    incrementalSizeBytes: null,
    path: null,
    failureReason: null,
    details: { operators: [] },
    ...over,
  };
}

async function expectDbError(p: Promise<unknown>, code: DbError['code'], message?: RegExp): Promise<DbError> {
  const e = await p.then(
    () => {
      throw new Error('expected a DbError');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DbError);
  expect((e as DbError).code).toBe(code);
  if (message) expect((e as DbError).message).toMatch(message);
  return e as DbError;
}

describe('pipelines', () => {
  it('creates a pipeline with version 1 and reads it back', async () => {
    const p = await db.pipelines.create({
      name: 'Word count',
      description: 'counts',
      spec: spec(1),
      message: 'first',
    });
    expect(p).toMatchObject({ name: 'Word count', description: 'counts', latestVersion: 1, spec: spec(1) });
    expect(p.createdAt).toBeInstanceOf(Date);
    expect(await db.pipelines.get(p.id)).toEqual(p);
    expect(await db.pipelines.list()).toEqual([
      {
        id: p.id,
        name: 'Word count',
        description: 'counts',
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        latestVersion: 1,
      },
    ]);
    const [v1] = (await db.pipelines.versions(p.id))!;
    expect(v1).toMatchObject({ pipelineId: p.id, number: 1, spec: spec(1), message: 'first' });
    expect(await db.pipelines.version(p.id, 1)).toEqual(v1);
  });

  it('answers null / false for unknown ids and numbers', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(1) });
    expect(await db.pipelines.get('nope')).toBeNull();
    expect(await db.pipelines.update('nope', { name: 'x', spec: spec(2) })).toBeNull();
    expect(await db.pipelines.delete('nope')).toBe(false);
    expect(await db.pipelines.versions('nope')).toBeNull();
    expect(await db.pipelines.version(p.id, 2)).toBeNull();
    expect(await db.pipelines.version(p.id, 1.5)).toBeNull();
    expect(await db.pipelines.version('nope', 1)).toBeNull();
  });

  it('renames without a new version; a spec makes a new version; description null clears it', async () => {
    const p = await db.pipelines.create({ name: 'a', description: 'd', spec: spec(1) });
    const renamed = await db.pipelines.update(p.id, { name: 'b', message: 'ignored without a spec' });
    expect(renamed).toMatchObject({ name: 'b', description: 'd', latestVersion: 1, spec: spec(1) });
    expect(renamed!.updatedAt.getTime()).toBeGreaterThanOrEqual(p.updatedAt.getTime());

    const v2 = await db.pipelines.update(p.id, { spec: spec(2), message: 'second', description: null });
    expect(v2).toMatchObject({ name: 'b', description: null, latestVersion: 2, spec: spec(2) });
    const versions = (await db.pipelines.versions(p.id))!;
    expect(versions.map((v) => [v.number, v.message])).toEqual([
      [2, 'second'],
      [1, null],
    ]);
    expect((await db.pipelines.get(p.id))!.spec).toEqual(spec(2));
  });

  it('keeps versions immutable: later versions and mutated results do not change a stored spec', async () => {
    const original = spec(1);
    const p = await db.pipelines.create({ name: 'a', spec: original });
    original.nodes[0]!.n = 99; // the caller's object is not stored by reference
    const got = (await db.pipelines.version(p.id, 1))!;
    (got.spec as { name: string }).name = 'mutated';
    await db.pipelines.update(p.id, { spec: spec(2) });
    await db.pipelines.update(p.id, { spec: spec(3) });
    const v1 = (await db.pipelines.version(p.id, 1))!;
    expect(v1.spec).toEqual(spec(1));
    expect(v1.createdAt).toEqual(got.createdAt);
    expect(v1.id).toBe(got.id);
  });

  it('stores specs as JSON text and refuses values JSON cannot hold', async () => {
    const odd = {
      s: 'quote " backslash \\ unicode ✓ </script>',
      n: [0, -1.5, 1e21],
      nested: { a: null, b: true },
    };
    const p = await db.pipelines.create({ name: 'a', spec: odd });
    expect((await db.pipelines.get(p.id))!.spec).toEqual(odd);
    await expectDbError(
      db.pipelines.create({ name: 'b', spec: { n: 1n } }),
      'INVALID_INPUT',
      /spec cannot be stored/,
    );
    await expectDbError(
      db.pipelines.create({ name: 'b', spec: undefined }),
      'INVALID_INPUT',
      /spec is missing/,
    );
    expect(await db.pipelines.list()).toHaveLength(1);
  });

  it('lists the most recently changed first, each with its latest version number', async () => {
    const a = await db.pipelines.create({ name: 'a', spec: spec(1) });
    const b = await db.pipelines.create({ name: 'b', spec: spec(1) });
    await new Promise((r) => setTimeout(r, 5));
    await db.pipelines.update(a.id, { spec: spec(2) });
    const list = await db.pipelines.list();
    expect(list.map((p) => [p.id, p.latestVersion])).toEqual([
      [a.id, 2],
      [b.id, 1],
    ]);
  });

  it('gives concurrent spec updates distinct, consecutive version numbers', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(0) });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => db.pipelines.update(p.id, { spec: spec(i + 1) })),
    );
    const numbers = results.map((r) => r!.latestVersion).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
    const versions = (await db.pipelines.versions(p.id))!;
    expect(versions.map((v) => v.number)).toEqual(Array.from({ length: 26 }, (_, i) => 26 - i));
  });

  it('gives distinct version numbers when two server processes update the same pipeline at once', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(0) });
    const child = spawn(
      path.join(SERVER_DIR, 'node_modules/.bin/tsx'),
      [path.join(SERVER_DIR, 'src/db/concurrent-writer.fixture.ts'), dir, p.id, '40'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const ready = new Promise<void>((r) =>
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready\n')) r();
      }),
    );
    await Promise.race([ready, exited]);
    // Both processes now write at the same time.
    const ours: number[] = [];
    for (let i = 0; i < 40; i++)
      ours.push((await db.pipelines.update(p.id, { spec: spec(i + 1) }))!.latestVersion);
    expect(await exited, err).toBe(0);
    const theirs = JSON.parse(out.slice(out.indexOf('ready\n') + 6)) as number[];
    expect(theirs).toHaveLength(40);
    const all = [...ours, ...theirs].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 80 }, (_, i) => i + 2));
    const versions = (await db.pipelines.versions(p.id))!;
    expect(versions).toHaveLength(all.length + 1);
  }, 60_000);

  it('deletes a pipeline with its versions; its jobs stay, unlinked, with their checkpoints and events', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(1) });
    await db.pipelines.update(p.id, { spec: spec(2) });
    const v2 = (await db.pipelines.version(p.id, 2))!;
    const job = await db.jobs.create({ versionId: v2.id, spec: spec(2) });
    await db.checkpoints.upsert(checkpoint(job.id, 1, { status: 'completed' }));
    await db.events.add({ jobId: job.id, level: 'info', type: 'job.started', message: 'started' });
    const keep = await db.pipelines.create({ name: 'keep', spec: spec(1) });

    expect(await db.pipelines.delete(p.id)).toBe(true);
    expect(await db.pipelines.get(p.id)).toBeNull();
    expect(await db.pipelines.versions(p.id)).toBeNull();
    expect(await db.pipelines.version(p.id, 1)).toBeNull();
    expect((await db.pipelines.list()).map((x) => x.id)).toEqual([keep.id]);

    const orphan = (await db.jobs.get(job.id))!;
    expect(orphan).toMatchObject({ pipelineId: null, versionId: null, versionNumber: null, spec: spec(2) });
    expect(await db.checkpoints.list(job.id)).toHaveLength(1);
    expect(await db.events.list(job.id)).toHaveLength(1);
    expect(await db.pipelines.delete(p.id)).toBe(false);
  });
});

describe('jobs', () => {
  it('creates an ad-hoc job with an id usable as a directory name', async () => {
    const job = await db.jobs.create({ spec: spec(1) });
    expect(job.id).toMatch(/^[a-z0-9]+$/);
    expect(job).toMatchObject({
      pipelineId: null,
      versionId: null,
      versionNumber: null,
      spec: spec(1),
      status: 'created',
      failureCause: null,
      restarts: 0,
      restoredFromCheckpoint: null,
      restoredFromPath: null,
      startedAt: null,
      endedAt: null,
    });
    expect(await db.jobs.get(job.id)).toEqual(job);
    expect(await db.jobs.get('nope')).toBeNull();
  });

  it('creates a job of a version (its pipeline is taken from the version) and restored from a checkpoint', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(1) });
    await db.pipelines.update(p.id, { spec: spec(2) });
    const v2 = (await db.pipelines.version(p.id, 2))!;
    const job = await db.jobs.create({
      versionId: v2.id,
      spec: v2.spec,
      restoredFromCheckpoint: 7,
      restoredFromPath: '/data/checkpoints/x/chk-7',
    });
    expect(job).toMatchObject({
      pipelineId: p.id,
      versionId: v2.id,
      versionNumber: 2,
      spec: spec(2),
      restoredFromCheckpoint: 7,
      restoredFromPath: '/data/checkpoints/x/chk-7',
    });
    const same = await db.jobs.create({ pipelineId: p.id, versionId: v2.id, spec: v2.spec });
    expect(same.versionNumber).toBe(2);
    const latestOnly = await db.jobs.create({ pipelineId: p.id, spec: spec(2) });
    expect(latestOnly).toMatchObject({ pipelineId: p.id, versionId: null, versionNumber: null });
  });

  it('refuses unknown or mismatched pipeline and version ids', async () => {
    const a = await db.pipelines.create({ name: 'a', spec: spec(1) });
    const b = await db.pipelines.create({ name: 'b', spec: spec(1) });
    const va = (await db.pipelines.version(a.id, 1))!;
    await expectDbError(
      db.jobs.create({ pipelineId: 'nope', spec: {} }),
      'INVALID_REFERENCE',
      /no pipeline nope/,
    );
    await expectDbError(
      db.jobs.create({ versionId: 'nope', spec: {} }),
      'INVALID_REFERENCE',
      /no pipeline version/,
    );
    await expectDbError(
      db.jobs.create({ pipelineId: b.id, versionId: va.id, spec: {} }),
      'INVALID_REFERENCE',
      /belongs to pipeline/,
    );
    expect(await db.jobs.list()).toEqual([]);
  });

  it('updates status, cause, restarts and times; unknown ids give null', async () => {
    const job = await db.jobs.create({ spec: spec(1) });
    const startedAt = new Date(Date.UTC(2026, 1, 2, 3, 4, 5, 678));
    const running = await db.jobs.update(job.id, { status: 'running', startedAt });
    expect(running).toMatchObject({ status: 'running', startedAt });
    const restarting = await db.jobs.update(job.id, {
      status: 'restarting',
      restarts: 1,
      failureCause: 'boom',
    });
    expect(restarting).toMatchObject({ status: 'restarting', restarts: 1, failureCause: 'boom', startedAt });
    const endedAt = new Date(startedAt.getTime() + 1000);
    const done = await db.jobs.update(job.id, { status: 'finished', failureCause: null, endedAt });
    expect(done).toMatchObject({ status: 'finished', failureCause: null, restarts: 1, startedAt, endedAt });
    expect(await db.jobs.get(job.id)).toEqual(done);
    expect(await db.jobs.update('nope', { status: 'failed' })).toBeNull();
  });

  it('lists newest first, by pipeline and by status', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(1) });
    const j1 = await db.jobs.create({ pipelineId: p.id, spec: spec(1) });
    const j2 = await db.jobs.create({ spec: spec(2) });
    const j3 = await db.jobs.create({ pipelineId: p.id, spec: spec(3) });
    await db.jobs.update(j3.id, { status: 'running' });
    await db.jobs.update(j2.id, { status: 'failed' });
    expect((await db.jobs.list()).map((j) => j.id)).toEqual([j3.id, j2.id, j1.id]);
    expect((await db.jobs.list({ pipelineId: p.id })).map((j) => j.id)).toEqual([j3.id, j1.id]);
    expect((await db.jobs.list({ status: ['running', 'failed'] })).map((j) => j.id)).toEqual([j3.id, j2.id]);
    expect((await db.jobs.list({ pipelineId: p.id, status: ['created'] })).map((j) => j.id)).toEqual([j1.id]);
    expect(await db.jobs.list({ status: [] })).toEqual([]);
  });

  it('interrupted lists the jobs a previous server left created, running or restarting, and fails their pending checkpoints', async () => {
    const running = await db.jobs.create({ spec: spec(1) });
    const restarting = await db.jobs.create({ spec: spec(2) });
    const finished = await db.jobs.create({ spec: spec(3) });
    const created = await db.jobs.create({ spec: spec(4) });
    await db.jobs.update(running.id, { status: 'running', startedAt: new Date() });
    await db.jobs.update(restarting.id, { status: 'restarting', restarts: 2 });
    const endedAt = new Date(Date.UTC(2026, 0, 1));
    await db.jobs.update(finished.id, { status: 'finished', endedAt });
    await db.checkpoints.upsert(checkpoint(running.id, 1, { status: 'completed' }));
    await db.checkpoints.upsert(checkpoint(running.id, 2, { status: 'pending' }));
    await db.checkpoints.upsert(checkpoint(finished.id, 1, { status: 'pending' }));
    await db.close();

    // A new server process: the jobs keep their rows (they are resumed), oldest first.
    db = await open();
    const found = await db.jobs.interrupted();
    expect(found.map((j) => [j.id, j.status, j.restarts])).toEqual([
      [running.id, 'running', 0],
      [restarting.id, 'restarting', 2],
      [created.id, 'created', 0],
    ]);
    expect(await db.jobs.get(finished.id)).toMatchObject({ status: 'finished', failureCause: null, endedAt });
    expect((await db.checkpoints.list(running.id)).map((c) => [c.number, c.status, c.failureReason])).toEqual(
      [
        [2, 'failed', INTERRUPTED_CHECKPOINT_REASON],
        [1, 'completed', null],
      ],
    );
    expect((await db.checkpoints.get(finished.id, 1))!.status).toBe('pending');
  });
});

describe('checkpoints', () => {
  it('inserts, then replaces by (job, number); lists newest first', async () => {
    const job = await db.jobs.create({ spec: spec(1) });
    const details = { operators: [{ id: 'count', subtask: 0, bytes: 123, keyGroups: [0, 127] }] };
    const c1 = await db.checkpoints.upsert(checkpoint(job.id, 1, { details }));
    expect(c1).toMatchObject({ jobId: job.id, number: 1, status: 'pending', details, sizeBytes: null });
    const done = await db.checkpoints.upsert(
      checkpoint(job.id, 1, {
        status: 'completed',
        durationMs: 42,
        sizeBytes: 5_000_000_000, // more than a 32-bit integer
        path: '/data/chk-1',
        details,
      }),
    );
    expect(done).toMatchObject({ id: c1.id, status: 'completed', durationMs: 42, sizeBytes: 5_000_000_000 });
    expect(done).toMatchObject({ fullSizeBytes: null, incrementalSizeBytes: null }); // not incremental
    const sp = await db.checkpoints.upsert(
      checkpoint(job.id, 2, {
        kind: 'savepoint',
        trigger: 'stop',
        status: 'failed',
        failureReason: 'timeout',
      }),
    );
    await db.checkpoints.upsert(checkpoint(job.id, 3, { trigger: 'manual', status: 'discarded' }));
    expect((await db.checkpoints.list(job.id)).map((c) => c.number)).toEqual([3, 2, 1]);
    expect(await db.checkpoints.get(job.id, 2)).toEqual(sp);
    expect(await db.checkpoints.get(job.id, 1)).toEqual(done);
    expect(await db.checkpoints.get(job.id, 9)).toBeNull();
    expect(await db.checkpoints.list('nope')).toEqual([]);
  });

  it('keeps an incremental checkpoint’s full and incremental size (past 32 bits too)', async () => {
    const job = await db.jobs.create({ spec: spec(1) });
    const pending = await db.checkpoints.upsert(checkpoint(job.id, 1));
    expect(pending).toMatchObject({ sizeBytes: null, fullSizeBytes: null, incrementalSizeBytes: null });
    const inc = await db.checkpoints.upsert(
      checkpoint(job.id, 1, {
        status: 'completed',
        durationMs: 42,
        sizeBytes: 4_301,
        fullSizeBytes: 6_000_000_000,
        incrementalSizeBytes: 405_000,
        path: '/data/chk-1',
      }),
    );
    expect(inc).toMatchObject({
      sizeBytes: 4_301,
      fullSizeBytes: 6_000_000_000,
      incrementalSizeBytes: 405_000,
    });
    expect(await db.checkpoints.get(job.id, 1)).toEqual(inc);
    await expectDbError(
      db.checkpoints.upsert(checkpoint(job.id, 2, { status: 'completed', fullSizeBytes: -1 })),
      'INVALID_INPUT',
      /fullSizeBytes must be a whole number of bytes, got -1/,
    );
  });

  it('refuses a checkpoint of an unknown job', async () => {
    await expectDbError(db.checkpoints.upsert(checkpoint('nope', 1)), 'INVALID_REFERENCE', /no job nope/);
  });
});

describe('events', () => {
  it('adds events and lists them newest first, with a limit and a time cursor', async () => {
    const job = await db.jobs.create({ spec: spec(1) });
    const other = await db.jobs.create({ spec: spec(2) });
    const added: JobEventRow[] = [];
    for (let i = 0; i < 12; i++) {
      added.push(
        await db.events.add({
          jobId: job.id,
          level: i % 3 === 0 ? 'warn' : 'info',
          type: 'checkpoint.completed',
          message: `checkpoint ${i}`,
          ...(i % 2 ? { data: { i, bytes: [1, 2] } } : {}),
        }),
      );
      if (i === 5) await new Promise((r) => setTimeout(r, 5));
    }
    await db.events.add({ jobId: other.id, level: 'error', type: 'job.failed', message: 'x' });
    expect(added[1]).toMatchObject({ jobId: job.id, level: 'info', data: { i: 1, bytes: [1, 2] } });
    expect(added[0]!.data).toBeNull();
    expect(typeof added[0]!.id).toBe('string');

    const all = await db.events.list(job.id);
    expect(all.map((e) => e.message)).toEqual(added.map((e) => e.message).reverse());
    expect(all[0]).toEqual(added[11]);
    expect((await db.events.list(job.id, { limit: 3 })).map((e) => e.message)).toEqual([
      'checkpoint 11',
      'checkpoint 10',
      'checkpoint 9',
    ]);
    const older = await db.events.list(job.id, { before: added[6]!.at });
    expect(older.every((e) => e.at < added[6]!.at)).toBe(true);
    expect(older.map((e) => e.message)).toEqual(
      added
        .slice(0, 6)
        .map((e) => e.message)
        .reverse(),
    );
    expect(await db.events.list(job.id, { limit: 0 })).toHaveLength(1);
    expect(await db.events.list('nope')).toEqual([]);
  });

  it('refuses an event of an unknown job', async () => {
    await expectDbError(
      db.events.add({ jobId: 'nope', level: 'info', type: 't', message: 'm' }),
      'INVALID_REFERENCE',
      /no job nope/,
    );
  });
});

describe('openDb', () => {
  it('keeps everything across a restart (close, reopen the same data dir)', async () => {
    const p = await db.pipelines.create({ name: 'a', description: 'd', spec: spec(1) });
    await db.pipelines.update(p.id, { spec: spec(2), message: 'v2' });
    const v2 = (await db.pipelines.version(p.id, 2))!;
    const job = await db.jobs.create({ versionId: v2.id, spec: v2.spec });
    await db.jobs.update(job.id, { status: 'finished', startedAt: new Date(), endedAt: new Date() });
    await db.checkpoints.upsert(checkpoint(job.id, 1, { status: 'completed', sizeBytes: 10 }));
    await db.events.add({
      jobId: job.id,
      level: 'info',
      type: 'job.finished',
      message: 'done',
      data: { rows: 3 },
    });
    const snapshot = async (d: Db) => ({
      pipelines: await d.pipelines.list(),
      pipeline: await d.pipelines.get(p.id),
      versions: await d.pipelines.versions(p.id),
      jobs: await d.jobs.list(),
      checkpoints: await d.checkpoints.list(job.id),
      events: await d.events.list(job.id),
    });
    const before = await snapshot(db);
    await db.close();
    await db.close(); // idempotent

    db = await open();
    expect(await snapshot(db)).toEqual(before);
    const v3 = await db.pipelines.update(p.id, { spec: spec(3) });
    expect(v3!.latestVersion).toBe(3);
  });

  it('creates a missing data dir (nested) and puts flowstate.db in it', async () => {
    const nested = path.join(dir, 'a', 'b', 'c');
    const d = await open({ dataDir: nested });
    await d.pipelines.create({ name: 'x', spec: {} });
    const again = await open({ dataDir: nested });
    expect(await again.pipelines.list()).toHaveLength(1);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(nested, DB_FILE_NAME))).toBe(true);
  });

  it('uses a DATABASE_URL file: URL instead of the data dir file', async () => {
    const file = path.join(dir, 'elsewhere', 'other.db');
    const d = await open({ dataDir: path.join(dir, 'data'), databaseUrl: pathToFileURL(file).href });
    await d.pipelines.create({ name: 'x', spec: {} });
    const byPlainPath = await open({ dataDir: path.join(dir, 'data2'), databaseUrl: `file:${file}` });
    expect(await byPlainPath.pipelines.list()).toHaveLength(1);
    expect(await (await open({ dataDir: path.join(dir, 'data') })).pipelines.list()).toHaveLength(0);
  });

  it('refuses PostgreSQL and other non-file URLs with a clear error', async () => {
    await expectDbError(
      openDb({ dataDir: dir, databaseUrl: 'postgresql://u:p@127.0.0.1:5432/flowstate' }),
      'UNSUPPORTED_DATABASE',
      /PostgreSQL.*SQLite only.*Column type 'name' could not be deserialized.*docs\/persistence\.md/s,
    );
    await expectDbError(openDb({ dataDir: dir, databaseUrl: 'postgres://x/y' }), 'UNSUPPORTED_DATABASE');
    const mysql = await expectDbError(
      openDb({ dataDir: dir, databaseUrl: 'mysql://user:secret@host/db' }),
      'UNSUPPORTED_DATABASE',
      /file: URL/,
    );
    expect(mysql.message).not.toContain('secret');
    await expectDbError(
      openDb({ dataDir: dir, databaseUrl: 'file::memory:' }),
      'UNSUPPORTED_DATABASE',
      /in-memory/,
    );
  });

  it('says clearly when the data dir cannot be used', async () => {
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    await expectDbError(openDb({ dataDir: file }), 'DATA_DIR_UNUSABLE', /not-a-dir.*FLOWSTATE_DATA_DIR/);
    await expectDbError(
      openDb({ dataDir: path.join(file, 'sub') }),
      'DATA_DIR_UNUSABLE',
      /FLOWSTATE_DATA_DIR/,
    );
  });

  it('says clearly when the database file is not a database (corrupt) or cannot be opened', async () => {
    const corrupt = path.join(dir, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(path.join(corrupt, DB_FILE_NAME), 'this is not a SQLite database '.repeat(200));
    await expectDbError(
      openDb({ dataDir: corrupt }),
      'DATABASE_UNUSABLE',
      /corrupt\/flowstate\.db.*not a database.*move the file away/s,
    );

    const blocked = path.join(dir, 'blocked');
    mkdirSync(path.join(blocked, DB_FILE_NAME), { recursive: true }); // a directory where the file should be
    await expectDbError(openDb({ dataDir: blocked }), 'DATABASE_UNUSABLE', /blocked\/flowstate\.db/);
  });
});

describe('the schema and the job contract', () => {
  it("prisma's JobStatus enum has exactly the contract's statuses (@flowstate/spec JOB_STATUSES)", () => {
    expect(Object.values(PrismaJobStatus)).toEqual([...JOB_STATUSES]);
  });

  it("prisma's FlinkDeploymentStatus is the contract's, whose Flink part is Flink's JobStatus (flink-local)", () => {
    expect(Object.values(PrismaFlinkDeploymentStatus)).toEqual([...FLINK_DEPLOYMENT_STATUSES]);
    expect([...FLINK_JOB_STATUSES]).toEqual(FlinkJobStatus.options);
  });
});

describe('flink deployments', () => {
  const deployment = (pipelineId: string, version = 1) => ({
    pipelineId,
    version,
    name: 'wc',
    gatewayUrl: 'http://127.0.0.1:8083',
    restUrl: null,
    sql: 'INSERT INTO x SELECT 1;',
    notes: [{ nodeId: 'src', message: 'a note' }],
  });

  it('records a deployment, follows its status, lists newest first, by pipeline and with a limit', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(1) });
    const other = await db.pipelines.create({ name: 'b', spec: spec(1) });
    const d1 = await db.flinkDeployments.create(deployment(p.id));
    expect(d1).toMatchObject({
      pipelineId: p.id,
      version: 1,
      status: 'SUBMITTING',
      flinkJobId: null,
      restUrl: null,
      error: null,
      endedAt: null,
      notes: [{ nodeId: 'src', message: 'a note' }],
    });
    const ended = new Date(Date.UTC(2026, 11, 7, 12));
    const updated = await db.flinkDeployments.update(d1.id, {
      status: 'FINISHED',
      flinkJobId: 'f'.repeat(32),
      restUrl: 'http://127.0.0.1:8081',
      endedAt: ended,
    });
    expect(updated).toMatchObject({ status: 'FINISHED', flinkJobId: 'f'.repeat(32), endedAt: ended });
    expect(await db.flinkDeployments.get(d1.id)).toEqual(updated);
    const d2 = await db.flinkDeployments.create(deployment(p.id, 2));
    const d3 = await db.flinkDeployments.create(deployment(other.id));
    expect((await db.flinkDeployments.list()).map((d) => d.id)).toEqual([d3.id, d2.id, d1.id]);
    expect((await db.flinkDeployments.list({ pipelineId: p.id })).map((d) => d.id)).toEqual([d2.id, d1.id]);
    expect((await db.flinkDeployments.list({ pipelineId: p.id, limit: 1 })).map((d) => d.id)).toEqual([
      d2.id,
    ]);
    expect(await db.flinkDeployments.get('nope')).toBeNull();
    expect(await db.flinkDeployments.update('nope', { status: 'RUNNING' })).toBeNull();
    await expectDbError(
      db.flinkDeployments.create(deployment('nope')),
      'INVALID_REFERENCE',
      /no pipeline nope/,
    );
  });

  it('marks deployments left SUBMITTING as SUBMIT_FAILED at start; a deleted pipeline leaves them unlinked', async () => {
    const p = await db.pipelines.create({ name: 'a', spec: spec(1) });
    const cut = await db.flinkDeployments.create(deployment(p.id));
    const running = await db.flinkDeployments.create(deployment(p.id));
    await db.flinkDeployments.update(running.id, { status: 'RUNNING', flinkJobId: 'a'.repeat(32) });
    expect(await db.flinkDeployments.failInterrupted('cut off')).toBe(1);
    expect(await db.flinkDeployments.get(cut.id)).toMatchObject({
      status: 'SUBMIT_FAILED',
      error: 'cut off',
    });
    expect((await db.flinkDeployments.get(cut.id))?.endedAt).toBeInstanceOf(Date);
    expect((await db.flinkDeployments.get(running.id))?.status).toBe('RUNNING');

    expect(await db.pipelines.delete(p.id)).toBe(true);
    expect(await db.flinkDeployments.get(running.id)).toMatchObject({ pipelineId: null, status: 'RUNNING' });
  });
});
