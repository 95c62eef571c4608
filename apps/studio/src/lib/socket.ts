'use client';
/**
 * The studio's one socket.io connection (same origin, `/socket.io`, proxied to the server by next.config.ts)
 * and hooks over it. Subscriptions are reference-counted, so several components may watch the same job or
 * node, and they are sent again after every reconnect (the server forgets rooms with the old connection).
 */
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@flowstate/api';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';

export type StudioSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: StudioSocket | null = null;

export function getSocket(): StudioSocket {
  if (!socket) {
    socket = io({
      path: '/socket.io',
      // Long-polling first, then the websocket upgrade: both go through the Next.js rewrite (tested in e2e).
      transports: ['polling', 'websocket'],
      reconnectionDelayMax: 5000,
    });
    socket.on('connect', () => {
      for (const sub of subs.values()) send(sub.event, sub.payload);
    });
  }
  return socket;
}

type SubEvent = 'job:subscribe' | 'state:subscribe';
interface Sub {
  event: SubEvent;
  payload: { jobId: string; nodeId?: string };
  count: number;
}
const subs = new Map<string, Sub>();

function send(event: SubEvent | 'job:unsubscribe' | 'state:unsubscribe', payload: Sub['payload']): void {
  const s = getSocket();
  if (!s.connected) return; // sent on connect
  const ack = (a: Ack) => {
    if (!a.ok) console.warn(`[flowstate] ${event} refused: ${a.error.message}`);
  };
  if (event === 'job:subscribe' || event === 'job:unsubscribe') s.emit(event, { jobId: payload.jobId }, ack);
  else s.emit(event, { jobId: payload.jobId, nodeId: payload.nodeId ?? '' }, ack);
}

function retain(event: SubEvent, payload: Sub['payload']): () => void {
  const id = `${event}:${payload.jobId}:${payload.nodeId ?? ''}`;
  const existing = subs.get(id);
  if (existing) existing.count++;
  else {
    subs.set(id, { event, payload, count: 1 });
    send(event, payload);
  }
  return () => {
    const sub = subs.get(id);
    if (!sub) return;
    if (--sub.count > 0) return;
    subs.delete(id);
    send(event === 'job:subscribe' ? 'job:unsubscribe' : 'state:unsubscribe', payload);
  };
}

export type ConnectionState = 'connected' | 'connecting' | 'offline';

function subscribeConnection(onChange: () => void): () => void {
  const s = getSocket();
  const events = ['connect', 'disconnect', 'connect_error'] as const;
  for (const e of events) s.on(e, onChange);
  s.io.on('reconnect_attempt', onChange);
  return () => {
    for (const e of events) s.off(e, onChange);
    s.io.off('reconnect_attempt', onChange);
  };
}

function connectionSnapshot(): ConnectionState {
  const s = getSocket();
  if (s.connected) return 'connected';
  return s.active ? 'connecting' : 'offline';
}

/** Whether the live connection is up (for the "live" indicator). */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeConnection, connectionSnapshot, () => 'connecting');
}

type Handlers = Partial<{ [K in keyof ServerToClientEvents]: ServerToClientEvents[K] }>;

/** Listen to server events while mounted (handlers may change between renders without re-subscribing). */
export function useSocketEvents(handlers: Handlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const s = getSocket();
    const names = Object.keys(ref.current) as (keyof ServerToClientEvents)[];
    const bound = names.map((name) => {
      const fn = (payload: unknown) => (ref.current[name] as ((p: unknown) => void) | undefined)?.(payload);
      s.on(name, fn as never);
      return [name, fn] as const;
    });
    return () => {
      for (const [name, fn] of bound) s.off(name, fn as never);
    };
  }, []);
}

/** Join a job's room while mounted: `job:status`, `job:metrics`, `checkpoint:*`, `output:rows`, `job:event`. */
export function useJobRoom(jobId: string | null): void {
  useEffect(() => {
    if (!jobId) return;
    return retain('job:subscribe', { jobId });
  }, [jobId]);
}

/** Receive `state:changes` of one window/aggregate node while mounted. */
export function useStateRoom(jobId: string | null, nodeId: string | null): void {
  useEffect(() => {
    if (!jobId || !nodeId) return;
    return retain('state:subscribe', { jobId, nodeId });
  }, [jobId, nodeId]);
}
