import { sql } from 'drizzle-orm';
import type { Db, Executor } from './connection.ts';
import { settings } from './platform-schema.ts';
import { tableCache, tableChanged } from './table-cache.ts';

/**
 * The `settings` table (a handful of JSON documents: the loyalty rules, the security policy, keys made at
 * first start) is read by every cart, sale and staff request and written a few times a year: each app
 * copy keeps it in memory (table-cache.ts), read again when any copy writes it (the table's trigger).
 */
const cached = tableCache('settings', async (db) => {
  const rows = await db.select({ key: settings.key, value: settings.value }).from(settings);
  return new Map(rows.map((r) => [r.key, r.value]));
});

/** A setting's stored text, or null when none was saved. */
export async function settingValue(db: Executor, key: string): Promise<string | null> {
  return (await cached.get(db)).get(key) ?? null;
}

/** Save a setting (insert or replace); this copy's next read sees it at once, the others when the trigger's event arrives. */
export async function putSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
  tableChanged(db, 'settings');
}
