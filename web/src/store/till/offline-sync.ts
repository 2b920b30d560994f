/**
 * The till's link to the server, kept once per tab: whether the server answers, the offline pack of the
 * store (refreshed every five minutes while online, read from IndexedDB when not), and the queue of sales
 * rung up offline, sent in order as soon as the server answers again. Two tabs never send at once (a Web
 * Lock); a sale sent twice is one sale anyway (the server's clientTransactionId).
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, call } from '../../shared/api/client';
import type { TillOfflinePack } from '../../shared/api/types';
import { allQueued, dequeue, loadPack, markRefused, savePack } from './offline-db';

export interface SyncState {
  /** The server answered the last request (false: a network error or the proxy's 502–504). */
  online: boolean;
  /** Sales rung up offline not yet taken by the server (refused ones not counted). */
  pending: number;
  /** Sales the server refused: kept for the manager. */
  refused: number;
  /** While sending: how many of how many. */
  sending: { done: number; of: number } | null;
}

let state: SyncState = {
  online: typeof navigator === 'undefined' || navigator.onLine,
  pending: 0,
  refused: 0,
  sending: null,
};
const listeners = new Set<() => void>();
function set(patch: Partial<SyncState>) {
  state = { ...state, ...patch };
  listeners.forEach((l) => l());
}

/** An error that means "no server", not "the server said no". */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return err instanceof TypeError;
  return err.problem.status === 0 || [502, 503, 504].includes(err.problem.status);
}

/** A request failed for want of the server: the till sells offline until it answers again. */
export function reportUnreachable(): void {
  if (state.online) set({ online: false });
}

function reportReachable(): void {
  if (!state.online) set({ online: true });
}

async function count(): Promise<void> {
  const all = await allQueued();
  set({ pending: all.filter((s) => !s.refused).length, refused: all.filter((s) => s.refused).length });
}

/** After a sale was queued: count it, and send it at once if the server is back. */
export async function queueChanged(): Promise<void> {
  await count();
  void syncNow();
}

let running: Promise<void> | null = null;

/** Send the queue in order; stop at the first sale the network did not carry (the rest wait for it). */
export function syncNow(): Promise<void> {
  running ??= (async () => {
    try {
      const send = async () => {
        const list = (await allQueued()).filter((s) => !s.refused);
        if (!list.length) return;
        set({ sending: { done: 0, of: list.length } });
        for (const [i, sale] of list.entries()) {
          try {
            await call(api.POST('/api/pos/sales', { body: sale.body }));
            await dequeue(sale.id);
            reportReachable();
          } catch (err) {
            if (isUnreachable(err)) {
              reportUnreachable();
              break;
            }
            // The server refused it (a 4xx): never dropped, kept with the reason for the manager.
            const problem = err instanceof ApiError ? err.problem : null;
            await markRefused(sale.id, { title: problem?.title ?? String(err), detail: problem?.detail ?? '' });
          }
          set({ sending: { done: i + 1, of: list.length } });
        }
      };
      // One tab at a time sends (another tab's sync finishes first); without Web Locks, this tab alone.
      if (navigator.locks) await navigator.locks.request('musubi-till-sync', send);
      else await send();
    } finally {
      set({ sending: null });
      await count();
      running = null;
    }
  })();
  return running;
}

/** Is the server there? (while offline, every few seconds; a success sends the queue) */
async function probe(): Promise<void> {
  try {
    const res = await fetch('/livez', { cache: 'no-store' });
    if (res.ok) {
      reportReachable();
      void syncNow();
    } else reportUnreachable();
  } catch {
    reportUnreachable();
  }
}

let started = false;
/** Start the tab's watch (idempotent): counts the queue, probes while offline, sends when back. */
export function startTillSync(): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  void count().then(() => (state.pending ? syncNow() : undefined));
  window.addEventListener('online', () => void probe());
  window.addEventListener('offline', reportUnreachable);
  setInterval(() => {
    if (!state.online || state.pending) void probe();
  }, 5_000);
}

export function useTillSync(): SyncState {
  useEffect(startTillSync, []);
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

/**
 * The store's offline pack: fetched (and kept in IndexedDB) while online, every five minutes; offline,
 * the kept one. Null while there is none (a till never online since it was installed).
 */
export function useOfflinePack(locationId: string) {
  return useQuery<TillOfflinePack | null>({
    queryKey: ['till-offline-pack', locationId],
    queryFn: async () => {
      try {
        const pack = await call(api.GET('/api/pos/offline-pack', { params: { query: { locationId } } }));
        reportReachable();
        await savePack(pack);
        return pack;
      } catch (err) {
        if (!isUnreachable(err)) throw err;
        reportUnreachable();
        return loadPack(locationId);
      }
    },
    staleTime: 5 * 60_000,
    refetchInterval: 5 * 60_000,
    retry: false,
  });
}
