import { and, eq, sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { walletTopUps } from './schema.ts';
import type { TopUpView } from './top-ups.ts';

/**
 * The leases of pending card top-ups (top-ups.ts writes and books them). A pending row is its owner's while
 * its lease runs: a few seconds renewed while the app's request calls the acquirer, or the confirmation
 * window when she confirms the card in her browser (Stripe.js). Once lapsed, the sweep takes it
 * (`claimLapsedTopUps`) and finishes it from what the acquirer knows.
 */

/** Keep a pending top-up its owner's while the acquirer answers (the sweep takes only lapsed ones). */
export async function renewTopUpLease(db: Db, id: string, leaseMs: number): Promise<void> {
  await db
    .update(walletTopUps)
    .set({ leaseUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
    .where(and(eq(walletTopUps.id, id), eq(walletTopUps.status, 'pending')));
}

export interface LapsedTopUp {
  id: string;
  providerKey: string;
  amount: number;
  /** The acquirer's id for it when recorded at the start (an intent the browser confirms): read by id, not searched. */
  chargeId: string | null;
}

/**
 * Pending card top-ups whose owner stopped renewing the lease (killed mid-call): taken by one sweeper —
 * the lease is extended in a guarded UPDATE that skips rows another copy is claiming — to be finished
 * (the charge was captured: credit it) or voided by the caller.
 */
export async function claimLapsedTopUps(
  db: Db,
  provider: string,
  opts: { leaseMs: number; batch?: number; customerId?: string },
): Promise<LapsedTopUp[]> {
  const hers = opts.customerId ? sql`AND customer_id = ${opts.customerId}` : sql``;
  return query<LapsedTopUp>(
    db,
    sql`UPDATE wallet_top_ups t SET lease_until = now() + make_interval(secs => ${opts.leaseMs / 1000})
         WHERE t.id IN (
           SELECT id FROM wallet_top_ups
            WHERE status = 'pending' AND lease_until < now() AND provider = ${provider} ${hers}
            ORDER BY lease_until LIMIT ${opts.batch ?? 50} FOR UPDATE SKIP LOCKED)
           AND t.status = 'pending' AND t.lease_until < now()
        RETURNING t.id, t.provider_key AS "providerKey", t.amount, t.charge_id AS "chargeId"`,
  );
}

/** A card top-up as its completion needs it: who, how much, and the acquirer's key and intent. */
export interface CardTopUpRow {
  id: string;
  customerId: string;
  amount: number;
  status: TopUpView['status'];
  failure: string | null;
  providerKey: string | null;
  chargeId: string | null;
  cardLast4: string | null;
  leaseUntil: Date | null;
}

/** A card top-up by id, with its acquirer's key and intent (undefined: no such top-up). */
export async function cardTopUpRow(db: Executor, id: string): Promise<CardTopUpRow | undefined> {
  const [row] = await db
    .select({
      id: walletTopUps.id,
      customerId: walletTopUps.customerId,
      amount: walletTopUps.amount,
      status: walletTopUps.status,
      failure: walletTopUps.failure,
      providerKey: walletTopUps.providerKey,
      chargeId: walletTopUps.chargeId,
      cardLast4: walletTopUps.cardLast4,
      leaseUntil: walletTopUps.leaseUntil,
    })
    .from(walletTopUps)
    .where(and(eq(walletTopUps.id, id), eq(walletTopUps.method, 'card')));
  return row;
}

/** The intent made for a pending top-up, recorded once (the same intent again is a no-op); false when it is pending no more. */
export async function recordTopUpIntent(db: Db, id: string, chargeId: string): Promise<boolean> {
  const done = await db
    .update(walletTopUps)
    .set({ chargeId })
    .where(
      and(
        eq(walletTopUps.id, id),
        eq(walletTopUps.status, 'pending'),
        sql`(${walletTopUps.chargeId} IS NULL OR ${walletTopUps.chargeId} = ${chargeId})`,
      ),
    )
    .returning({ id: walletTopUps.id });
  return done.length > 0;
}

/**
 * A pending top-up's window kept open while its completion runs: the lease is extended (never shortened —
 * a decline leaves her the rest of her confirmation window), only while it has not lapsed. False: lapsed
 * (the sweep's to finish) or no longer pending.
 */
export async function holdTopUpOpen(db: Db, id: string, leaseMs: number): Promise<boolean> {
  const held = await db
    .update(walletTopUps)
    .set({ leaseUntil: sql`greatest(${walletTopUps.leaseUntil}, now() + make_interval(secs => ${leaseMs / 1000}))` })
    .where(and(eq(walletTopUps.id, id), eq(walletTopUps.status, 'pending'), sql`${walletTopUps.leaseUntil} > now()`))
    .returning({ id: walletTopUps.id });
  return held.length > 0;
}

/**
 * Her unfinished card top-ups whose intent was made (she may still be confirming it), but not `exceptKey`'s,
 * lapsed now so the sweep's steps finish them: starting another top-up gives their room back.
 */
export async function lapseUnfinishedTopUps(
  db: Db,
  input: { customerId: string; provider: string; exceptKey: string },
): Promise<number> {
  const lapsed = await db
    .update(walletTopUps)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(
      and(
        eq(walletTopUps.customerId, input.customerId),
        eq(walletTopUps.status, 'pending'),
        eq(walletTopUps.provider, input.provider),
        sql`${walletTopUps.key} <> ${input.exceptKey} AND ${walletTopUps.chargeId} IS NOT NULL`,
      ),
    )
    .returning({ id: walletTopUps.id });
  return lapsed.length;
}
