import { and, desc, eq, ne, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import type { EventChannel } from '../events/service.ts';
import { loadCustomer, type Tier } from '../customers/service.ts';
import { pointEntries, walletEntries } from './schema.ts';
import { expiringSoon, hasDueLots, lotsByExpiryDay, pointBalance } from './lots.ts';
import { entryView, lockForPoints, type PointEntryView } from './points.ts';
import { getRules, nextTier, tierForSpend } from './rules.ts';
import { recomputeTier, tierSpend12m } from './tiers.ts';
import { walletBalance, walletEntryView, type WalletEntryView } from './wallet.ts';
import { expireDueTopUps, hasDueTopUps, walletExpiringSoon } from './wallet-expiry.ts';

export interface Page {
  limit: number;
  cursor?: string | undefined;
}

export interface LoyaltySummary {
  balance: number;
  tier: Tier;
  tierSpend12m: number;
  nextTier: ReturnType<typeof nextTier>;
  expiringSoon: Array<{ points: number; expiresAt: string }>;
  /** Every live lot by the day it lapses, soonest first (FIFO: the points spent first lapse first). */
  lots: Array<{ points: number; expiresAt: string }>;
  history: PointEntryView[];
  nextCursor: string | null;
}

export interface WalletSummary {
  balance: number;
  expiringSoon: Array<{ amount: number; expiresAt: string }>;
  history: WalletEntryView[];
  nextCursor: string | null;
}

// The cursor carries the row's created_at to the microsecond, as Postgres printed it: a JS Date would
// round it to the millisecond and skip or repeat rows written in the same millisecond.
const atText = (column: PgColumn) =>
  sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(at)) {
    throw new DomainError('platform.validation', {}, [{ field: 'cursor', message: 'bad_cursor' }]);
  }
  return { at, id };
}

const encodeCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`).toString('base64url');

/** Newest first, keyset on (created_at, id). */
function before(createdAt: PgColumn, id: PgColumn, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const c = decodeCursor(cursor);
  return sql`(${createdAt}, ${id}) < (${c.at}::timestamptz, ${c.id}::text)`;
}

function paged<T extends { at: string; row: { id: string } }>(
  rows: T[],
  limit: number,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.row.id) : null };
}

/**
 * A customer's points at a glance. Expired lots are expired and the tier is brought up to date
 * (rolling spend ages out, thresholds change) before anything is read, so the screen never shows
 * points that are gone or a tier that no longer applies. `viewer` is the channel that looks (the
 * timeline records a tier change there).
 */
export async function loyaltySummary(
  db: Db,
  customerId: string,
  page: Page,
  viewer: EventChannel,
): Promise<LoyaltySummary> {
  const customer = await loadCustomer(db, customerId, { active: true });
  const rules = await getRules(db);
  let tier = customer.tier;
  let spend12m = await tierSpend12m(db, customer.id);
  if ((await hasDueLots(db, customer.id)) || tierForSpend(spend12m, rules) !== tier) {
    ({ tier, spend12m } = await inTransaction(db, async (tx) =>
      recomputeTier(tx, (await lockForPoints(tx, customer.id)).customer, rules, { channel: viewer, source: 'loyalty' }),
    ));
  }
  const rows = await db
    .select({ row: pointEntries, at: atText(pointEntries.createdAt) })
    .from(pointEntries)
    .where(and(eq(pointEntries.customerId, customer.id), before(pointEntries.createdAt, pointEntries.id, page.cursor)))
    .orderBy(desc(pointEntries.createdAt), desc(pointEntries.id))
    .limit(page.limit + 1);
  const { page: items, nextCursor } = paged(rows, page.limit);
  return {
    balance: await pointBalance(db, customer.id),
    tier,
    tierSpend12m: spend12m,
    nextTier: nextTier(spend12m, rules),
    expiringSoon: await expiringSoon(db, customer.id, rules.points.expiringSoonDays),
    lots: await lotsByExpiryDay(db, customer.id),
    history: items.map((r) => entryView(r.row)),
    nextCursor,
  };
}

/** A customer's wallet: balance (after lazy expiry), value lapsing soon, and the ledger newest first. */
export async function walletSummary(db: Db, customerId: string, page: Page): Promise<WalletSummary> {
  const customer = await loadCustomer(db, customerId, { active: true });
  const rules = await getRules(db);
  if (await hasDueTopUps(db, customer.id)) {
    await inTransaction(db, async (tx) =>
      expireDueTopUps(tx, (await loadCustomer(tx, customer.id, { active: true, forUpdate: true })).id),
    );
  }
  const rows = await db
    .select({ row: walletEntries, at: atText(walletEntries.createdAt) })
    .from(walletEntries)
    .where(
      and(
        eq(walletEntries.customerId, customer.id),
        // A ¥0 expiry only marks a top-up that was spent in full before it lapsed: nothing to show.
        or(ne(walletEntries.kind, 'expire'), ne(walletEntries.amount, 0)),
        before(walletEntries.createdAt, walletEntries.id, page.cursor),
      ),
    )
    .orderBy(desc(walletEntries.createdAt), desc(walletEntries.id))
    .limit(page.limit + 1);
  const { page: items, nextCursor } = paged(rows, page.limit);
  return {
    balance: await walletBalance(db, customer.id),
    expiringSoon: await walletExpiringSoon(db, customer.id, rules.points.expiringSoonDays),
    history: items.map((r) => walletEntryView(r.row)),
    nextCursor,
  };
}
