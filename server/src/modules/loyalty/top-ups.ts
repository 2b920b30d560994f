import { and, eq, sql } from 'drizzle-orm';
import { query, type Db, type Executor, type Tx } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { walletTopUps } from './schema.ts';
import { getRules } from './rules.ts';
import { assertTopUpFits, creditTopUp, lockForWallet, walletBalance } from './wallet.ts';
import './problems.ts';

/**
 * Top-ups (チャージ) as the till and the app take them: a row per top-up in `wallet_top_ups`, idempotent by
 * its key. Cash at the till is one transaction (row + wallet entry). A card top-up is three steps, none
 * holding a transaction over the acquirer (orders/wallet-top-ups.ts calls them): `beginCardTopUp` writes
 * the pending row — its amount counts against the cap from then on — `creditCardTopUp` books it after the
 * capture, `failCardTopUp` lets it go. `claimLapsedTopUps` hands the sweep those whose owner died.
 */

type TopUpRow = typeof walletTopUps.$inferSelect;

export interface TopUpView {
  id: string;
  customerId: string;
  method: 'cash' | 'card';
  amount: number;
  status: 'pending' | 'credited' | 'failed';
  channel: string;
  locationId: string | null;
  cashReceived: number | null;
  change: number | null;
  cardLast4: string | null;
  failure: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface TopUpResult {
  topUp: TopUpView;
  /** The wallet balance after it (now, for a replay). */
  balance: number;
  /** The same key again: the first top-up, nothing booked twice. */
  replayed: boolean;
}

export const topUpView = (r: TopUpRow): TopUpView => ({
  id: r.id,
  customerId: r.customerId,
  method: r.method,
  amount: r.amount,
  status: r.status,
  channel: r.channel,
  locationId: r.locationId,
  cashReceived: r.cashReceived,
  change: r.change,
  cardLast4: r.cardLast4,
  failure: r.failure,
  createdAt: r.createdAt.toISOString(),
  completedAt: r.completedAt?.toISOString() ?? null,
});

async function byKey(db: Executor, key: string): Promise<TopUpRow | undefined> {
  const [row] = await db.select().from(walletTopUps).where(eq(walletTopUps.key, key));
  return row;
}

/** A key names one top-up of one member: the same key for another member or amount is a client bug (422). */
function assertSameTopUp(row: TopUpRow, customerId: string, amount: number): void {
  if (row.customerId !== customerId || row.amount !== amount)
    throw new DomainError('wallet.top_up_key_reused', { topUpId: row.id });
}

/** Two requests raced to the same key before either committed: the unique index let one in. */
async function keyTaken<T>(db: Db, key: string, run: () => Promise<T>, replay: (row: TopUpRow) => Promise<T>) {
  try {
    return await run();
  } catch (err) {
    if (sqlState(err) !== '23505') throw err;
    const row = await byKey(db, key);
    if (!row) throw err;
    return replay(row);
  }
}

export interface CashTopUpInput {
  customerId: string;
  locationId: string;
  amount: number;
  cashReceived: number;
  /** The till's own id for this top-up: a double-tap or a resend is one top-up. */
  clientTransactionId: string;
}

/** チャージ in cash at the till: the wallet credited and the drawer's cash recorded, in one transaction. */
export async function topUpWithCash(db: Db, actor: Principal, input: CashTopUpInput): Promise<TopUpResult> {
  const staff = assertCanActAt(actor, input.locationId);
  await assertLocationsExist(db, [input.locationId]);
  if (input.cashReceived < input.amount)
    throw new DomainError('platform.validation', {}, [{ field: 'cashReceived', message: 'cash_short' }]);
  const key = `till:${input.locationId}:${input.clientTransactionId}`;
  const replay = async (row: TopUpRow, on: Executor = db): Promise<TopUpResult> => {
    assertSameTopUp(row, input.customerId, input.amount);
    return { topUp: topUpView(row), balance: await walletBalance(on, row.customerId), replayed: true };
  };
  return keyTaken(
    db,
    key,
    () =>
      inTransaction(db, async (tx) => {
        const id = newId('wtu');
        const state = await lockForWallet(tx, input.customerId, { kind: 'top_up', reference: id });
        const existing = await byKey(tx, key);
        if (existing) return replay(existing, tx);
        const rules = await getRules(tx);
        assertTopUpFits(rules, state, input.amount);
        const credited = await creditTopUp(tx, rules, state, {
          customerId: input.customerId,
          amount: input.amount,
          method: 'cash',
          reference: id,
          channel: 'store',
          locationId: input.locationId,
          staffId: staff.staffId,
        });
        const [row] = await tx
          .insert(walletTopUps)
          .values({
            id,
            customerId: state.customer.id,
            key,
            method: 'cash',
            amount: input.amount,
            status: 'credited',
            channel: 'store',
            locationId: input.locationId,
            staffId: staff.staffId,
            cashReceived: input.cashReceived,
            change: input.cashReceived - input.amount,
            entryId: credited.entry.id,
            completedAt: sql`now()`,
          })
          .returning();
        return { topUp: topUpView(row!), balance: credited.balance, replayed: false };
      }),
    (row) => replay(row),
  );
}

export interface BeginCardTopUp {
  customerId: string;
  amount: number;
  key: string;
  provider: string;
  leaseMs: number;
}

/**
 * A card top-up's first step: the pending row, under the customer lock and within the limits (the row's
 * amount holds its room under the cap until it is credited or fails). The same key again answers the row
 * already there (`existing`), whatever its state: the caller replays it or says it is still running.
 */
export async function beginCardTopUp(db: Db, input: BeginCardTopUp): Promise<{ row: TopUpRow; existing: boolean }> {
  const found = async (row: TopUpRow) => {
    assertSameTopUp(row, input.customerId, input.amount);
    return { row, existing: true };
  };
  return keyTaken(
    db,
    input.key,
    () =>
      inTransaction(db, async (tx) => {
        const id = newId('wtu');
        const state = await lockForWallet(tx, input.customerId, { kind: 'top_up', reference: id });
        const existing = await byKey(tx, input.key);
        if (existing) return found(existing);
        assertTopUpFits(await getRules(tx), state, input.amount);
        const [row] = await tx
          .insert(walletTopUps)
          .values({
            id,
            customerId: state.customer.id,
            key: input.key,
            method: 'card',
            amount: input.amount,
            status: 'pending',
            channel: 'app',
            provider: input.provider,
            providerKey: `wallet-top-up:${id}`,
            leaseUntil: sql`now() + make_interval(secs => ${input.leaseMs / 1000})`,
          })
          .returning();
        return { row: row!, existing: false };
      }),
    found,
  );
}

/**
 * The card was charged: book the top-up (its room was held by the pending row, so no cap check). Owner
 * and sweep may both get here; under the customer lock the second finds it credited and answers the same.
 */
export async function creditCardTopUp(
  db: Db,
  id: string,
  charge: { chargeId: string; last4: string | null },
): Promise<TopUpResult> {
  return inTransaction(db, async (tx: Tx) => {
    const [first] = await tx.select().from(walletTopUps).where(eq(walletTopUps.id, id));
    if (!first) throw new DomainError('wallet.top_up_not_found', { topUpId: id });
    // No claim: a second caller finds the top-up credited (below) rather than its entry a duplicate.
    const state = await lockForWallet(tx, first.customerId, null);
    const [row] = await tx.select().from(walletTopUps).where(eq(walletTopUps.id, id));
    if (row!.status === 'credited') return { topUp: topUpView(row!), balance: state.balance, replayed: true };
    if (row!.status === 'failed') throw new DomainError('wallet.top_up_failed', { topUpId: id });
    const credited = await creditTopUp(tx, await getRules(tx), state, {
      customerId: row!.customerId,
      amount: row!.amount,
      method: 'card',
      reference: id,
      channel: 'app',
    });
    const [done] = await tx
      .update(walletTopUps)
      .set({
        status: 'credited',
        chargeId: charge.chargeId,
        cardLast4: charge.last4,
        entryId: credited.entry.id,
        leaseUntil: null,
        completedAt: sql`now()`,
      })
      .where(eq(walletTopUps.id, id))
      .returning();
    return { topUp: topUpView(done!), balance: credited.balance, replayed: false };
  });
}

/** The card was declined or its charge voided: nothing credited, the room under the cap given back. */
export async function failCardTopUp(
  db: Db,
  id: string,
  failure: string,
  chargeId: string | null = null,
): Promise<TopUpView | null> {
  const [row] = await db
    .update(walletTopUps)
    .set({ status: 'failed', failure, chargeId, leaseUntil: null, completedAt: sql`now()` })
    .where(and(eq(walletTopUps.id, id), eq(walletTopUps.status, 'pending')))
    .returning();
  return row ? topUpView(row) : null;
}

/** A top-up by id (the owner, after the acquirer answered). */
export async function getTopUp(db: Executor, id: string): Promise<TopUpView> {
  const [row] = await db.select().from(walletTopUps).where(eq(walletTopUps.id, id));
  if (!row) throw new DomainError('wallet.top_up_not_found', { topUpId: id });
  return topUpView(row);
}

/** Cash top-ups taken at a store in a window: the till report's 「チャージ（現金）」 (cash in the drawer, not a sale). */
export async function cashTopUpTotals(
  db: Executor,
  window: { locationId: string; from: Date; until: Date },
): Promise<{ count: number; amount: number }> {
  const [row] = await query<{ count: unknown; amount: unknown }>(
    db,
    sql`SELECT count(*) AS count, coalesce(sum(amount), 0) AS amount FROM wallet_top_ups
         WHERE method = 'cash' AND status = 'credited' AND location_id = ${window.locationId}
           AND completed_at >= ${window.from.toISOString()}::timestamptz AND completed_at <= ${window.until.toISOString()}::timestamptz`,
  );
  return { count: Number(row?.count ?? 0), amount: Number(row?.amount ?? 0) };
}
