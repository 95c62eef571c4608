/**
 * socket.io on the REST port (path /socket.io): the studio's live view of jobs.
 *
 * - Handshake: only the studio's origins (browsers send Origin; other clients send none and rely on the
 *   token), and `auth.token` when FLOWSTATE_TOKEN is set.
 * - Inbound messages (`job:subscribe`, `job:unsubscribe`, `state:subscribe`, `state:unsubscribe`) are parsed
 *   with the contract's zod schemas and answered through the acknowledgement callback; a bad one gets
 *   `{ ok: false, error }` and the socket stays connected.
 * - Job rooms (`job:<id>`) get status, metrics, checkpoint, output and log events; state rooms
 *   (`state:<job>:<node>`) get `state:changes` (coalesced once, by the engine). This is the one fan-out of live
 *   state: one engine subscription per (job, node), taken when a first socket joins the node's room and
 *   released when the room is empty (the last socket left or disconnected) — socket.io's room is the count.
 */
import type { Server as HttpServer } from 'node:http';
import {
  type Ack,
  CLIENT_MESSAGES,
  type ClientMessageName,
  type ClientToServerEvents,
  type ErrorCode,
  jobRoom,
  type ServerToClientEvents,
  type StateChangesEvent,
  stateRoom,
} from '@flowstate/api';
import { Server, type Socket } from 'socket.io';
import type { Db } from '../db/index';
import { issuesOf } from '../http/errors';
import { hostProblem, tokenMatches } from '../http/safety';
import { type JobManager, JobManagerError } from '../jobs/index';
import { tolerantParser } from './parser';

export interface SocketHubOptions {
  token: string | undefined;
  studioOrigins: readonly string[];
  /** Host names the handshake's Host header may carry (see http/safety.ts). */
  allowedHosts: ReadonlySet<string>;
  db: Db;
  manager: JobManager;
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

type Io = Server<ClientToServerEvents, ServerToClientEvents>;
type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** Subscriptions one socket may hold at most (rooms and state nodes each). */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 64;
/** Largest inbound message (bytes) we handle; ours are tiny. A larger one gets an error answer. */
const MAX_MESSAGE_BYTES = 16 * 1024;
/**
 * What socket.io itself accepts per packet (engine.io closes the connection past it): well above our limit, so
 * an oversized message gets an answer instead of a disconnect.
 */
const MAX_PACKET_BYTES = 1024 * 1024;

class MessageError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const stateKey = (jobId: string, nodeId: string) => `${jobId}\u0000${nodeId}`;

export class SocketHub {
  readonly io: Io;
  /** The engine subscription of each (job, node) some socket watches. */
  private readonly stateSubs = new Map<string, { jobId: string; nodeId: string; unsubscribe: () => void }>();
  /** Per socket: the state keys it holds a reference on. */
  private readonly socketStates = new WeakMap<ClientSocket, Set<string>>();

  constructor(
    httpServer: HttpServer,
    private readonly opts: SocketHubOptions,
  ) {
    const allowed = new Set(opts.studioOrigins);
    this.io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: MAX_PACKET_BYTES,
      parser: tolerantParser,
      cors: { origin: [...opts.studioOrigins], methods: ['GET', 'POST'] },
      allowRequest: (req, callback) => {
        const bad = hostProblem(req.headers.host, opts.allowedHosts);
        if (bad !== null) {
          callback(bad, false);
          return;
        }
        const origin = req.headers.origin;
        if (origin !== undefined && !allowed.has(origin)) {
          callback(`origin '${origin}' is not allowed (FLOWSTATE_STUDIO_ORIGIN)`, false);
          return;
        }
        callback(null, true);
      },
    });
    if (opts.token !== undefined) {
      const token = opts.token;
      this.io.use((socket, next) => {
        const presented = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
        if (tokenMatches(presented, token)) next();
        else
          next(
            new Error(
              presented === undefined
                ? 'unauthorized: this server needs a token: connect with auth: { token: <FLOWSTATE_TOKEN> }'
                : 'unauthorized: the token is not the one this server was started with',
            ),
          );
      });
    }
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  // ------------------------------------------------------------------------------------ inbound

  private onConnection(socket: ClientSocket): void {
    this.socketStates.set(socket, new Set());
    const known = new Set(Object.keys(CLIENT_MESSAGES));
    socket.onAny((event: string, ...args: unknown[]) => {
      if (known.has(event)) return;
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (a: Ack) => void) : undefined;
      this.answer(
        socket,
        event,
        ack,
        new MessageError(
          'invalid-request',
          `unknown event '${event}' (send one of: ${[...known].join(', ')})`,
        ),
      );
    });
    for (const name of Object.keys(CLIENT_MESSAGES) as ClientMessageName[]) {
      // Registered loosely typed: whatever a client sends is parsed, never trusted.
      (socket as unknown as { on(ev: string, fn: (...args: unknown[]) => void): void }).on(
        name,
        (...args: unknown[]) => {
          const ack =
            typeof args[args.length - 1] === 'function' ? (args.pop() as (a: Ack) => void) : undefined;
          void this.handle(socket, name, args[0]).then(
            () => this.answer(socket, name, ack, null),
            (e: unknown) => this.answer(socket, name, ack, e),
          );
        },
      );
    }
    socket.on('disconnect', () => {
      // socket.io has taken the socket out of its rooms by now.
      const mine = this.socketStates.get(socket);
      this.socketStates.delete(socket);
      for (const key of mine ?? []) this.releaseIfUnwatched(key);
    });
  }

  private answer(socket: ClientSocket, event: string, ack: ((a: Ack) => void) | undefined, e: unknown): void {
    if (e === null) {
      ack?.({ ok: true });
      return;
    }
    let err: MessageError;
    if (e instanceof MessageError) err = e;
    else {
      this.opts.log.error({ err: e, event }, 'socket message failed');
      err = new MessageError('internal', `the server failed: ${(e as Error)?.message ?? String(e)}`);
    }
    const error = {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    };
    if (ack) ack({ ok: false, error });
    else socket.emit('client:error', { event, error });
  }

  private async handle(socket: ClientSocket, name: ClientMessageName, payload: unknown): Promise<void> {
    const size = jsonSize(payload);
    if (size > MAX_MESSAGE_BYTES) {
      throw new MessageError(
        'invalid-request',
        `${name}: the message is ${size} bytes, more than the ${MAX_MESSAGE_BYTES} this server reads`,
      );
    }
    const parsed = CLIENT_MESSAGES[name].safeParse(payload);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error, 'payload');
      throw new MessageError(
        'invalid-request',
        `${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    const msg = parsed.data as { jobId: string; nodeId?: string };
    switch (name) {
      case 'job:subscribe': {
        const job = await this.opts.db.jobs.get(msg.jobId);
        if (!job) throw new MessageError('job-not-found', `there is no job '${msg.jobId}'`);
        if (!socket.rooms.has(jobRoom(msg.jobId)) && this.jobRooms(socket) >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          throw new MessageError(
            'invalid-request',
            `a socket follows at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} jobs`,
          );
        }
        await socket.join(jobRoom(msg.jobId));
        // The current status first, so a view never waits for the next change to show it.
        const live = this.opts.manager.status(msg.jobId);
        socket.emit('job:status', {
          jobId: msg.jobId,
          status: live?.status ?? job.status,
          cause: live ? (live.cause ?? null) : job.failureCause,
          restarts: live?.restarts ?? job.restarts,
          at: Date.now(),
        });
        return;
      }
      case 'job:unsubscribe':
        await socket.leave(jobRoom(msg.jobId));
        return;
      case 'state:subscribe':
        return this.subscribeState(socket, msg.jobId, msg.nodeId!);
      case 'state:unsubscribe': {
        const key = stateKey(msg.jobId, msg.nodeId!);
        const mine = this.socketStates.get(socket);
        if (mine?.delete(key)) {
          await socket.leave(stateRoom(msg.jobId, msg.nodeId!));
          this.releaseIfUnwatched(key);
        }
        return;
      }
    }
  }

  private jobRooms(socket: ClientSocket): number {
    let n = 0;
    for (const r of socket.rooms) if (r.startsWith('job:')) n++;
    return n;
  }

  private async subscribeState(socket: ClientSocket, jobId: string, nodeId: string): Promise<void> {
    const mine = this.socketStates.get(socket);
    if (!mine) return; // disconnected meanwhile
    const key = stateKey(jobId, nodeId);
    if (mine.has(key)) return;
    if (mine.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new MessageError(
        'invalid-request',
        `a socket watches the state of at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} nodes`,
      );
    }
    if (!this.stateSubs.has(key)) {
      const job = await this.opts.db.jobs.get(jobId);
      if (!job) throw new MessageError('job-not-found', `there is no job '${jobId}'`);
      // Disconnected, or subscribed by a concurrent message, while we read: nothing to take for it.
      if (this.socketStates.get(socket) !== mine || mine.has(key)) return;
      if (!this.stateSubs.has(key)) {
        let unsubscribe: () => void;
        try {
          unsubscribe = this.opts.manager.subscribeState(jobId, nodeId);
        } catch (e) {
          throw managerMessageError(e, jobId, job.status);
        }
        this.stateSubs.set(key, { jobId, nodeId, unsubscribe });
      }
    }
    // In the room at once (no await before it since the check above): a disconnect from here on releases it.
    mine.add(key);
    void socket.join(stateRoom(jobId, nodeId));
  }

  /** Ends the engine subscription of (job, node) when no socket is in its room any more. */
  private releaseIfUnwatched(key: string): void {
    const sub = this.stateSubs.get(key);
    if (!sub) return;
    if (this.io.sockets.adapter.rooms.get(stateRoom(sub.jobId, sub.nodeId))?.size) return;
    this.stateSubs.delete(key);
    try {
      sub.unsubscribe();
    } catch (e) {
      this.opts.log.warn({ err: e }, 'state unsubscribe failed');
    }
  }

  // ------------------------------------------------------------------------------------ outbound

  toJob<E extends keyof ServerToClientEvents>(
    jobId: string,
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    const room = jobRoom(jobId);
    // socket.io encodes a broadcast before it looks for members: skip rooms nobody is in.
    if (!this.io.sockets.adapter.rooms.get(room)?.size) return;
    this.io.to(room).emit(event, ...payload);
  }

  /** A state delivery from the manager (coalesced by the engine): to the node's room. */
  state(d: StateChangesEvent): void {
    if (!this.stateSubs.has(stateKey(d.jobId, d.nodeId))) return;
    this.io.to(stateRoom(d.jobId, d.nodeId)).emit('state:changes', d);
  }

  /** Connected sockets and engine state subscriptions held (health, tests). */
  stats(): { sockets: number; stateSubscriptions: number } {
    return { sockets: this.io.engine.clientsCount, stateSubscriptions: this.stateSubs.size };
  }

  close(): void {
    for (const sub of this.stateSubs.values()) {
      try {
        sub.unsubscribe();
      } catch {
        // the manager may be gone already
      }
    }
    this.stateSubs.clear();
    // Not io.close(): it would also close the HTTP server and wait for every keep-alive connection; Fastify
    // owns the server and closes it (idle connections included) after this.
    this.io.disconnectSockets(true);
    this.io.engine.close();
  }
}

function managerMessageError(e: unknown, jobId: string, status: string): MessageError {
  if (e instanceof JobManagerError) {
    switch (e.code) {
      case 'NO_SUCH_NODE':
      case 'NO_KEYED_STATE':
        return new MessageError('node-not-found', e.message);
      case 'UNKNOWN_JOB':
      case 'NOT_RUNNING':
      case 'WORKER_CRASHED':
        return new MessageError(
          'job-not-running',
          `job '${jobId}' is not running on this server (${status}): its live state is gone; read a checkpoint's state instead`,
        );
      default:
        return new MessageError('operation-failed', e.message);
    }
  }
  return new MessageError('internal', (e as Error)?.message ?? String(e));
}

/** Bytes of a payload as JSON (what it cost to send); oversize-safe for anything socket.io decoded. */
function jsonSize(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '');
  } catch {
    return 0;
  }
}
