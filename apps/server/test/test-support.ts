/**
 * Helpers of the server's integration tests: a server on a temporary data directory (real SQLite file, real
 * job manager with worker threads), a small JSON client, socket.io clients, and the specs the tests run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@flowstate/api';
import { io as connect, type Socket } from 'socket.io-client';
import { createServer, type FlowstateServer } from '../src/app';
import { type Env, loadEnv } from '../src/env';

export const KEYS = ['alpha', 'beta', 'gamma', 'delta'];

/** datagen (choice keys, rate-limited, unbounded) → keyBy → rolling COUNT/SUM → collect. */
export function countingSpec(
  opts: { name?: string; rowsPerSecond?: number; settings?: Record<string, unknown> } = {},
) {
  return {
    specVersion: 1,
    name: opts.name ?? 'key-counts',
    ...(opts.settings ? { settings: opts.settings } : {}),
    nodes: [
      {
        id: 'events',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: opts.rowsPerSecond ?? 2000,
          seed: 42,
          fields: {
            key: { kind: 'choice', values: KEYS },
            amount: { kind: 'random', min: 1, max: 10 },
          },
        },
        schema: { key: 'string', amount: 'int' },
      },
      { id: 'byKey', kind: 'keyBy', key: ['key'] },
      { id: 'totals', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(amount)' } },
      { id: 'out', kind: 'sink', connector: { type: 'collect', maxRows: 10_000 } },
    ],
    edges: [
      { from: 'events', to: 'byKey' },
      { from: 'byKey', to: 'totals' },
      { from: 'totals', to: 'out' },
    ],
  };
}

/** A map whose CAST fails on one value in three; with rowErrors 'fail' the operator throws. */
export function throwingSpec(maxAttempts: number) {
  return {
    specVersion: 1,
    name: 'throws',
    settings: {
      rowErrors: 'fail',
      restart: { strategy: 'fixed-delay', maxAttempts, delayMs: 50 },
    },
    nodes: [
      {
        id: 'src',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: 500,
          fields: { s: { kind: 'choice', values: ['1', '2', 'three'] } },
        },
        schema: { s: 'string' },
      },
      { id: 'parse', kind: 'map', fields: { n: 'CAST(s AS INT)' } },
      { id: 'out', kind: 'sink', connector: { type: 'collect' } },
    ],
    edges: [
      { from: 'src', to: 'parse' },
      { from: 'parse', to: 'out' },
    ],
  };
}

export interface TestServer {
  server: FlowstateServer;
  url: string;
  env: Env;
  api: Api;
  close(): Promise<void>;
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-server-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startServer(
  dataDir: string,
  vars: Record<string, string> = {},
  extra: Partial<Parameters<typeof createServer>[0]> = {},
): Promise<TestServer> {
  const env = loadEnv({ FLOWSTATE_DATA_DIR: dataDir, PORT: '0', ...vars });
  const server = await createServer({ env, checkResponses: true, ...extra });
  const url = await server.listen();
  return {
    server,
    url,
    env,
    api: new Api(url, vars.FLOWSTATE_TOKEN),
    close: () => server.close(),
  };
}

/** Answers are read loosely in tests: the response schemas are checked by the server itself (checkResponses). */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

export interface Answer<T = Loose> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client: every call answers `{ status, body }` (never throws on 4xx/5xx). */
export class Api {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  async request<T = Loose>(
    method: string,
    p: string,
    opts: {
      json?: unknown;
      raw?: string | Buffer;
      headers?: Record<string, string>;
      token?: string | null;
    } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === null ? undefined : (opts.token ?? this.token);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    } else if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] ??= 'application/json';
    }
    const r = await fetch(this.url + p, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: r.status, body: parsed as T, headers: r.headers };
  }

  get = <T = Loose>(p: string, opts?: Parameters<Api['request']>[2]) => this.request<T>('GET', p, opts);
  post = <T = Loose>(p: string, json?: unknown, opts?: Parameters<Api['request']>[2]) =>
    this.request<T>('POST', p, { ...opts, ...(json !== undefined ? { json } : {}) });
  put = <T = Loose>(p: string, json?: unknown) =>
    this.request<T>('PUT', p, json !== undefined ? { json } : {});
  del = <T = Loose>(p: string) => this.request<T>('DELETE', p);
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A connected socket.io client (websocket transport), or the connect error. */
export function openSocket(url: string, opts: { token?: string; origin?: string } = {}): Promise<TestSocket> {
  const socket: TestSocket = connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    ...(opts.token ? { auth: { token: opts.token } } : {}),
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

/** Emits with an acknowledgement and resolves with the answer. */
export function ask(socket: TestSocket, event: string, payload: unknown): Promise<Ack> {
  return (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<Ack> } })
    .timeout(5000)
    .emitWithAck(event, payload);
}

/** Resolves with the first `event` payload that satisfies `pred`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  pred: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const s = socket as unknown as {
      on(e: string, f: (p: unknown) => void): void;
      off(e: string, f: (p: unknown) => void): void;
    };
    const timer = setTimeout(() => {
      s.off(event, listener);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (p: unknown) => {
      const payload = p as Parameters<ServerToClientEvents[E]>[0];
      if (!pred(payload)) return;
      clearTimeout(timer);
      s.off(event, listener);
      resolve(payload);
    };
    s.on(event, listener);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (returned), or fails after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await sleep(50);
  }
}

/** State entries as a map key → value. */
export function byKey(
  entries: Array<{ key: unknown; value: unknown }>,
): Map<string, { n: number; total: number }> {
  return new Map(entries.map((e) => [String(e.key), e.value as { n: number; total: number }]));
}
