import { sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { type EventChannel, recordFact } from '../events/service.ts';
import { pointAllocations, pointEntries } from './schema.ts';

/**
 * Lots are where points live: every earn (and positive adjust) is a lot with an expiry, and every
 * debit consumes lots and says which in `point_allocations`. An allocation's points are what it took
 * from the lot (negative = given back), so for every lot `remaining = points − Σ allocations`, and the
 * customer's ledger balance equals the sum of `remaining` over their lots.
 *
 * Every function here expects the customer row to be locked by the caller (SELECT … FOR UPDATE), which
 * serialises all point changes of one customer: that, not the lot rows, is what prevents spending twice.
 */

type PointEntry = typeof pointEntries.$inferSelect;

/** The ledger balance: the sum of every entry, never stored. */
export async function pointBalance(tx: Executor, customerId: string): Promise<number> {
  const [row] = await query<{ balance: number }>(
    tx,
    sql`SELECT coalesce(sum(points), 0)::bigint AS balance FROM point_entries WHERE customer_id = ${customerId}`,
  );
  return Number(row?.balance ?? 0);
}

/**
 * A new lot for a credit, expiring `expiryMonths` calendar months after the entry was written. Month
 * arithmetic is done in UTC: timestamptz + months follows the session time zone, which differs between
 * servers, and Jan 31 + 1 month must not depend on it.
 */
export async function createLot(tx: Tx, entry: { id: string; points: number }, expiryMonths: number): Promise<Date> {
  const [lot] = await query<{ expiresAt: Date }>(
    tx,
    sql`INSERT INTO point_lots (id, customer_id, entry_id, points, remaining, earned_at, expires_at)
        SELECT ${newId('plt')}, customer_id, id, ${entry.points}::int, ${entry.points}::int, created_at,
               (created_at AT TIME ZONE 'UTC' + make_interval(months => ${expiryMonths})) AT TIME ZONE 'UTC'
          FROM point_entries WHERE id = ${entry.id}
        RETURNING expires_at AS "expiresAt"`,
  );
  return new Date(lot!.expiresAt);
}

export type NewEntry = Omit<typeof pointEntries.$inferInsert, 'id' | 'points' | 'createdAt'>;

/**
 * Book a debit: write the entry (−`points`) and take the points from the customer's live lots, oldest
 * expiry first (then earliest earned), or from `firstLotId` first when given (a reversed earn takes
 * back its own points before anyone else's). One statement: the running sum picks the lots; the lot
 * updates and the allocation rows follow from it. The caller has checked the balance, so a shortfall
 * here means the ledger and the lots disagree: it throws, and the transaction writes nothing.
 */
export async function bookDebit(
  tx: Tx,
  entry: NewEntry,
  points: number,
  firstLotId: string | null = null,
): Promise<PointEntry> {
  const id = newId('pte');
  const [row] = await query<PointEntry & { taken: number }>(
    tx,
    sql`WITH ent AS (
          INSERT INTO point_entries (id, customer_id, kind, points, reference, reason, spend, channel, location_id, staff_id, reverses)
          VALUES (${id}, ${entry.customerId}, ${entry.kind}, ${-points}::int, ${entry.reference}, ${entry.reason ?? null}::text, ${entry.spend ?? null}::int,
                  ${entry.channel ?? null}::text, ${entry.locationId ?? null}::text, ${entry.staffId ?? null}::text, ${entry.reverses ?? null}::text)
          RETURNING *),
        live AS (
          SELECT id, remaining,
                 sum(remaining) OVER (ORDER BY coalesce(id = ${firstLotId}::text, false) DESC, expires_at, earned_at, id) - remaining AS before
            FROM point_lots
           WHERE customer_id = ${entry.customerId} AND remaining > 0 AND expires_at > now()),
        take AS (SELECT id, LEAST(remaining, ${points}::int - before)::int AS n FROM live WHERE before < ${points}::int),
        upd AS (
          UPDATE point_lots l SET remaining = l.remaining - t.n FROM take t
           WHERE l.id = t.id AND l.remaining >= t.n
          RETURNING l.id, t.n),
        alloc AS (INSERT INTO point_allocations (entry_id, lot_id, points) SELECT ${id}::text, id, n FROM upd RETURNING 1)
        SELECT id, customer_id AS "customerId", kind, points, reference, reason, spend, channel, location_id AS "locationId",
               staff_id AS "staffId", reverses, created_at AS "createdAt",
               (SELECT coalesce(sum(n), 0) FROM upd)::int AS taken, (SELECT count(*) FROM alloc) AS allocations
          FROM ent`,
  );
  const { taken, ...booked } = row!;
  if (Number(taken) !== points)
    throw new Error(`point lots of ${entry.customerId} hold ${taken} of ${points} points the ledger promised`);
  return { ...booked, createdAt: new Date(booked.createdAt) };
}

/**
 * Give back what a redemption took, to the very lots it took from, for `entryId` (the reversal).
 * Lots that have expired since are not revived: those points are forfeited, as they would have lapsed
 * had they never been spent. Returns what was restored and what was forfeited.
 */
export async function restoreAllocations(
  tx: Tx,
  redeemEntryId: string,
  entryId: string,
): Promise<{ restored: number; forfeited: number }> {
  const rows = await query<{ lotId: string; points: number; live: boolean }>(
    tx,
    sql`SELECT a.lot_id AS "lotId", sum(a.points)::int AS points, bool_and(l.expires_at > now()) AS live
          FROM point_allocations a JOIN point_lots l ON l.id = a.lot_id
         WHERE a.entry_id = ${redeemEntryId} GROUP BY a.lot_id ORDER BY a.lot_id`,
  );
  let restored = 0;
  let forfeited = 0;
  for (const r of rows) {
    const points = Number(r.points);
    if (!r.live) {
      forfeited += points;
      continue;
    }
    await tx.execute(sql`UPDATE point_lots SET remaining = remaining + ${points} WHERE id = ${r.lotId}`);
    await tx.insert(pointAllocations).values({ entryId, lotId: r.lotId, points: -points });
    restored += points;
  }
  return { restored, forfeited };
}

interface DueLot {
  id: string;
  remaining: number;
  expiresAt: Date;
  channel: string | null;
  locationId: string | null;
}

/**
 * Expire the customer's lots that are past their date: one `expire` entry per lot, referencing the lot
 * so it can never expire twice. The entry is written now, not back-dated to the lot's expiry: the
 * ledger only ever grows forwards in time, so "what changed since T" (a merge undo, an export) never
 * misses a late-written row; the fact on the timeline carries the moment the points lapsed. Returns
 * the points expired.
 */
export async function expireDueLots(tx: Tx, customerId: string): Promise<number> {
  const due = await query<DueLot>(
    tx,
    sql`SELECT l.id, l.remaining, l.expires_at AS "expiresAt", e.channel, e.location_id AS "locationId"
          FROM point_lots l LEFT JOIN point_entries e ON e.id = l.entry_id
         WHERE l.customer_id = ${customerId} AND l.remaining > 0 AND l.expires_at <= now()
         ORDER BY l.expires_at, l.id`,
  );
  let total = 0;
  for (const lot of due) {
    const expiresAt = new Date(lot.expiresAt);
    const points = Number(lot.remaining);
    // Guarded: a lot another transaction already emptied is left alone.
    const emptied = await query<{ id: string }>(
      tx,
      sql`UPDATE point_lots SET remaining = 0 WHERE id = ${lot.id} AND remaining = ${points} RETURNING id`,
    );
    if (!emptied.length) continue;
    const entryId = newId('pte');
    const channel = (lot.channel ?? 'store') as EventChannel;
    await tx.insert(pointEntries).values({
      id: entryId,
      customerId,
      kind: 'expire',
      points: -points,
      reference: lot.id,
      channel,
      locationId: lot.locationId,
    });
    await tx.insert(pointAllocations).values({ entryId, lotId: lot.id, points });
    await recordFact(tx, {
      type: 'points_expired',
      customerId,
      channel,
      locationId: lot.locationId,
      source: 'loyalty',
      occurredAt: expiresAt,
      payload: { entryId, lotId: lot.id, points, expiredAt: expiresAt.toISOString() },
    });
    total += points;
  }
  return total;
}

/** Does the customer hold points past their expiry (cheap check before taking a lock on a read)? */
export async function hasDueLots(db: Executor, customerId: string): Promise<boolean> {
  const [row] = await query<{ due: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM point_lots WHERE customer_id = ${customerId} AND remaining > 0 AND expires_at <= now()) AS due`,
  );
  return !!row?.due;
}

/** Live lots expiring within `days`, soonest first, summed per expiry instant. */
export async function expiringSoon(
  db: Executor,
  customerId: string,
  days: number,
): Promise<Array<{ points: number; expiresAt: string }>> {
  const rows = await query<{ points: number; expiresAt: Date }>(
    db,
    sql`SELECT sum(remaining)::int AS points, expires_at AS "expiresAt" FROM point_lots
         WHERE customer_id = ${customerId} AND remaining > 0 AND expires_at > now() AND expires_at <= now() + make_interval(days => ${days})
         GROUP BY expires_at ORDER BY expires_at LIMIT 100`,
  );
  return rows.map((r) => ({ points: Number(r.points), expiresAt: new Date(r.expiresAt).toISOString() }));
}

/**
 * Every live lot of hers by the day (Asia/Tokyo) it lapses, soonest first: 「1月13日に129pt失効」. The first
 * instant of the day is kept, so "lapses on" is never later than the lot itself.
 */
export async function lotsByExpiryDay(
  db: Executor,
  customerId: string,
): Promise<Array<{ points: number; expiresAt: string }>> {
  const rows = await query<{ points: number; expiresAt: Date }>(
    db,
    sql`SELECT sum(remaining)::int AS points, min(expires_at) AS "expiresAt" FROM point_lots
         WHERE customer_id = ${customerId} AND remaining > 0 AND expires_at > now()
         GROUP BY (expires_at AT TIME ZONE 'Asia/Tokyo')::date ORDER BY 2 LIMIT 400`,
  );
  return rows.map((r) => ({ points: Number(r.points), expiresAt: new Date(r.expiresAt).toISOString() }));
}
