import { sql } from 'drizzle-orm';
import { query, type Executor } from './db/connection.ts';

/**
 * News for integrations only (webhooks, NATS), written only while one listens. `event_demand` holds the
 * event names some integration wants now; the notifications module keeps the 'webhook' rows in step with
 * the active endpoints' filters and the composition root the 'nats' rows with NATS_URL. The stock and
 * points triggers (migration 0065) read the same table. A shop with no integration writes no such news:
 * not one outbox row per stock movement, and nothing of the demo's seeded past.
 */

/** Replace what `source` wants. Concurrent replacements leave at most extra rows (harmless: news nobody takes), never a missing one. */
export async function setEventDemand(db: Executor, source: string, events: readonly string[]): Promise<void> {
  await db.execute(sql`DELETE FROM event_demand WHERE source = ${source}`);
  if (events.length)
    await db.execute(
      sql`INSERT INTO event_demand (event, source)
          SELECT e, ${source} FROM jsonb_array_elements_text(${JSON.stringify([...new Set(events)])}::jsonb) AS t(e)
          ON CONFLICT DO NOTHING`,
    );
}

/** Whether any integration wants `name` now. */
export async function eventWanted(db: Executor, name: string): Promise<boolean> {
  const rows = await query<{ one: number }>(db, sql`SELECT 1 AS one FROM event_demand WHERE event = ${name} LIMIT 1`);
  return rows.length > 0;
}

/**
 * Write an integration event in the caller's transaction if an integration wants it: one statement either
 * way. A payload that costs a read to build is given as a function, built only when wanted.
 */
export async function emitIfWanted(
  tx: Executor,
  name: string,
  key: string,
  payload: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
  dedupeKey?: string,
): Promise<void> {
  if (typeof payload === 'function') {
    if (!(await eventWanted(tx, name))) return;
    payload = await payload();
  }
  await tx.execute(
    sql`INSERT INTO outbox (channel, recipient, template, payload, dedupe_key)
        SELECT 'event', ${key}, ${name}, ${JSON.stringify(payload)}::jsonb, ${dedupeKey ?? null}
         WHERE EXISTS (SELECT 1 FROM event_demand WHERE event = ${name})
        ON CONFLICT DO NOTHING`,
  );
}
