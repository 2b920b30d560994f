/**
 * What the till keeps in the browser (IndexedDB, database `musubi-till`) to sell without the server:
 * each store's offline pack (GET /api/pos/offline-pack: prices, tax rates, automatic promotions, the
 * receipt header, the limit) and the queue of sales rung up offline, in the order they were rung up,
 * until the server has taken each one (POST /api/pos/sales, idempotent by its transaction id). A sale
 * the server refused stays in the queue, marked, for the manager: nothing taken offline is ever dropped.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Receipt, TillOfflinePack, TillSaleBody } from '../../shared/api/types';

/** A sale rung up offline, waiting to be sent. */
export interface QueuedSale {
  /** Its clientTransactionId, printed on the receipt as 取引番号. */
  id: string;
  locationId: string;
  /** When it was rung up (ms): the queue's order. */
  at: number;
  total: number;
  body: TillSaleBody;
  /** The receipt printed at the till. */
  receipt: Receipt;
  /** Refused by the server (a 4xx): kept, with the reason, for the manager. */
  refused?: { title: string; detail: string } | undefined;
}

interface TillDb extends DBSchema {
  packs: { key: string; value: TillOfflinePack };
  queue: { key: string; value: QueuedSale; indexes: { byLocation: [string, number] } };
}

let opened: Promise<IDBPDatabase<TillDb>> | null = null;
function db(): Promise<IDBPDatabase<TillDb>> {
  opened ??= openDB<TillDb>('musubi-till', 1, {
    upgrade(d) {
      d.createObjectStore('packs', { keyPath: 'locationId' });
      d.createObjectStore('queue', { keyPath: 'id' }).createIndex('byLocation', ['locationId', 'at']);
    },
  });
  return opened;
}

export async function savePack(pack: TillOfflinePack): Promise<void> {
  await (await db()).put('packs', pack);
}

export async function loadPack(locationId: string): Promise<TillOfflinePack | null> {
  return (await (await db()).get('packs', locationId)) ?? null;
}

export async function enqueue(sale: QueuedSale): Promise<void> {
  await (await db()).put('queue', sale);
}

/** The store's queued sales, oldest first (refused ones included). */
export async function queued(locationId: string): Promise<QueuedSale[]> {
  const range = IDBKeyRange.bound([locationId, 0], [locationId, Number.MAX_SAFE_INTEGER]);
  return (await db()).getAllFromIndex('queue', 'byLocation', range);
}

/** Every store's queued sales (a till may have served two stores), oldest first. */
export async function allQueued(): Promise<QueuedSale[]> {
  return (await (await db()).getAll('queue')).sort((a, b) => a.at - b.at);
}

export async function dequeue(id: string): Promise<void> {
  await (await db()).delete('queue', id);
}

export async function markRefused(id: string, refused: { title: string; detail: string }): Promise<void> {
  const d = await db();
  const sale = await d.get('queue', id);
  if (sale) await d.put('queue', { ...sale, refused });
}
