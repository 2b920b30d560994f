import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import type { TestApp } from '../../test/harness.ts';

/** Shared by loyalty.test.ts and wallet.test.ts: staff accounts, bookings over HTTP, ledger invariants. */

export { newStaff } from '../../test/harness.ts';

let refs = 0;
/** A fresh reference (order or receipt id) for a booking. */
export const ref = (prefix = 'ord') => `${prefix}_${Date.now().toString(36)}_${++refs}`;

type Body = Record<string, unknown>;

export async function points(
  app: TestApp,
  body: Body,
  opts: { token?: string; headers?: Record<string, string> } = {},
) {
  return app.api('POST', '/api/loyalty/transactions', { body: { reference: ref(), ...body }, ...opts });
}

/** Book and expect 201; returns the result body. */
export async function book(app: TestApp, body: Body) {
  const res = await points(app, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    entry: { id: string; points: number; spend: number | null; reference: string };
    balance: number;
    tier: string;
    unrecovered: number;
    forfeited: number;
  };
}

export async function wallet(
  app: TestApp,
  body: Body,
  opts: { token?: string; headers?: Record<string, string> } = {},
) {
  return app.api('POST', '/api/wallet/transactions', { body: { reference: ref('pay'), ...body }, ...opts });
}

export async function summary(app: TestApp, customerId: string, qs = '') {
  const res = await app.api('GET', `/api/customers/${customerId}/loyalty${qs}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    balance: number;
    tier: string;
    tierSpend12m: number;
    nextTier: { tier: string; spendNeeded: number } | null;
    expiringSoon: Array<{ points: number; expiresAt: string }>;
    history: Array<{ id: string; kind: string; points: number; reference: string; createdAt: string }>;
    nextCursor: string | null;
  };
}

export async function lotsOf(app: TestApp, customerId: string) {
  return query<{ id: string; entry_id: string; points: number; remaining: number; expires_at: Date }>(
    app.server.database.db,
    sql`SELECT id, entry_id, points, remaining, expires_at FROM point_lots WHERE customer_id = ${customerId} ORDER BY earned_at, id`,
  );
}

/**
 * The points invariants: the ledger sum is the balance and equals what the lots hold, every lot holds
 * its points less what allocations took from it, and nothing is negative.
 */
export async function expectPointsConsistent(app: TestApp, customerId: string) {
  const [row] = await query<{ ledger: number; lots: number; bad_lots: number; negative: number }>(
    app.server.database.db,
    sql`SELECT (SELECT coalesce(sum(points), 0)::int FROM point_entries WHERE customer_id = ${customerId}) AS ledger,
               (SELECT coalesce(sum(remaining), 0)::int FROM point_lots WHERE customer_id = ${customerId}) AS lots,
               (SELECT count(*)::int FROM point_lots l WHERE l.customer_id = ${customerId}
                   AND l.remaining <> l.points - (SELECT coalesce(sum(a.points), 0) FROM point_allocations a WHERE a.lot_id = l.id)) AS bad_lots,
               (SELECT count(*)::int FROM point_lots WHERE customer_id = ${customerId} AND remaining < 0) AS negative`,
  );
  expect(Number(row!.ledger)).toBeGreaterThanOrEqual(0);
  expect(Number(row!.ledger)).toBe(Number(row!.lots));
  expect(Number(row!.bad_lots)).toBe(0);
  expect(Number(row!.negative)).toBe(0);
  return Number(row!.ledger);
}

/** Move the whole history of a customer's points back in time (lots, entries), as if `days` had passed. */
export async function age(app: TestApp, customerId: string, days: number) {
  const db = app.server.database.db;
  await db.execute(
    sql`UPDATE point_entries SET created_at = created_at - make_interval(days => ${days}) WHERE customer_id = ${customerId}`,
  );
  await db.execute(
    sql`UPDATE point_lots SET earned_at = earned_at - make_interval(days => ${days}), expires_at = expires_at - make_interval(days => ${days}) WHERE customer_id = ${customerId}`,
  );
}

export async function factsOf(app: TestApp, customerId: string, type: string) {
  return query<{ type: string; payload: Record<string, unknown>; channel: string }>(
    app.server.database.db,
    sql`SELECT type, payload, channel FROM customer_events WHERE customer_id = ${customerId} AND type = ${type} ORDER BY occurred_at, id`,
  );
}
