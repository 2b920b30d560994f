import { PgTransaction } from 'drizzle-orm/pg-core';
import { primaryOf, type Db, type Executor } from './connection.ts';

/**
 * A small, often-read, seldom-changed table kept in memory, per database: the automatic promotions are
 * read by every cart and checkout and changed a few times a day.
 *
 * - A trigger on the table (migration 0010, `musubi_table_changed`) sends a `table_changed` event on
 *   every write, in the writing transaction; each app copy's event hub hears it once the write commits
 *   and drops its copy (`tableChanged`). The writers in this process also call `tableChanged` themselves
 *   right after committing, so their own next request never sees the old rows.
 * - After `ttlMs` the table is read again anyway, in case an event was missed while the LISTEN
 *   connection was down.
 * - Inside a transaction the table is always read (the transaction may have changed it).
 */
export interface TableCache<T> {
  get(executor: Executor): Promise<T>;
  /** The kept value, or null inside a transaction: for a caller whose own narrow read suits a transaction better. */
  outsideTransaction(executor: Executor): Promise<T> | null;
}

interface Entry<T> {
  value: Promise<T>;
  at: number;
}

const caches = new Map<string, Array<{ drop(db: Db): void }>>();

export function tableCache<T>(
  table: string,
  load: (executor: Executor) => PromiseLike<T>,
  ttlMs = 30_000,
): TableCache<T> {
  const entries = new WeakMap<Db, Entry<T>>();
  const cache = {
    outsideTransaction(executor: Executor): Promise<T> | null {
      return executor instanceof PgTransaction ? null : cache.get(executor);
    },
    drop(db: Db) {
      entries.delete(db); // a read under way is not kept: it may predate the change
    },
    get(executor: Executor): Promise<T> {
      if (executor instanceof PgTransaction) return Promise.resolve(load(executor));
      const db = primaryOf(executor as Db);
      const hit = entries.get(db);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      // Awaited once here: a Drizzle query is a thenable that would run again on every await.
      const entry: Entry<T> = { value: (async () => await load(db))(), at: Date.now() };
      entries.set(db, entry);
      entry.value.catch(() => {
        if (entries.get(db) === entry) entries.delete(db); // a failed read is not kept either
      });
      return entry.value;
    },
  };
  caches.set(table, [...(caches.get(table) ?? []), cache]);
  return cache;
}

/** The table changed: every cache of it for this database reads it again on next use. */
export function tableChanged(db: Db, table: string): void {
  for (const cache of caches.get(table) ?? []) cache.drop(db);
}

/** Events may have been missed (the LISTEN connection was lost): every cached table is read again on next use. */
export function everyTableChanged(db: Db): void {
  for (const list of caches.values()) for (const cache of list) cache.drop(db);
}

/** The hub's `table_changed` event names the table its trigger fired on. */
export const TABLE_CHANGED_TOPIC = 'table_changed';
