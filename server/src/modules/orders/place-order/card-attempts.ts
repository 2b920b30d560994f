import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { DomainError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { finishIn } from '../../inventory/service.ts';
import type { CardProvider } from '../../payments/service.ts';
import { ORDERS_ACTOR } from '../deps.ts';
import { cardAttempts } from '../schema.ts';

/**
 * How long a card attempt stays its owner's without a renewal; the owner renews it every third of that
 * while the checkout runs (a checkout that answers at once never renews). Shorter than the idempotency
 * lease (platform/http/idempotency.ts), so a retry that takes over a dead request's key finds the dead
 * attempt lapsed and can clean it up.
 */
export const ATTEMPT_LEASE_MS = 5_000;

/** A card attempt in progress: its acquirer key and the ids its holds are made under. */
export interface OpenAttempt {
  id: string;
  providerKey: string;
  reservationIds: string[];
  /** Stop renewing the lease (the checkout answered, or failed). */
  end(): void;
}

const leaseFor = (ms: number) => sql`now() + make_interval(secs => ${ms / 1000})`;

/**
 * Record a card attempt before anything is held or authorised — the one write a card checkout adds — and
 * renew its lease while the checkout runs. The key is per attempt: a declined or voided attempt must not
 * answer the next one.
 */
export async function beginCardAttempt(
  db: Db,
  input: { cartId: string; provider: string; holds: number },
  leaseMs = ATTEMPT_LEASE_MS,
): Promise<OpenAttempt> {
  const id = newId('att');
  const attempt = {
    id,
    providerKey: `checkout:${input.cartId}:${id}`,
    reservationIds: Array.from({ length: input.holds }, () => newId('rsv')),
  };
  await db.insert(cardAttempts).values({
    ...attempt,
    cartId: input.cartId,
    provider: input.provider,
    leaseUntil: leaseFor(leaseMs),
  });
  const renewal = setInterval(
    () => {
      db.update(cardAttempts)
        .set({ leaseUntil: leaseFor(leaseMs) })
        .where(and(eq(cardAttempts.id, id), eq(cardAttempts.status, 'authorising')))
        .catch(() => {}); // a missed renewal at worst lets the sweep void this attempt: the order is then refused
    },
    Math.max(Math.floor(leaseMs / 3), 50),
  );
  renewal.unref();
  return { ...attempt, end: () => clearInterval(renewal) };
}

/**
 * The order's statement marks its attempt placed, as a CTE of writeTogether's `with`: only while it is
 * still its owner's (`authorising`). `placedAttemptRefusal` refuses the order when the sweep took it
 * over first — its holds are released and its authorisation voided by then.
 */
export function placedAttemptCte(attemptId: string, orderId: string, chargeId: string): SQL {
  return sql`placed_attempt AS (
    UPDATE card_attempts SET status = 'placed', order_id = ${orderId}, charge_id = ${chargeId}, updated_at = now()
     WHERE id = ${attemptId} AND status = 'authorising' RETURNING id)`;
}
export const placedAttemptMissing = sql`NOT EXISTS (SELECT 1 FROM placed_attempt)`;

/** The in-process undo's last step: the attempt is over, nothing of it is left (guarded: not after a takeover). */
export async function markVoided(db: Db, attemptId: string, chargeId: string | null): Promise<void> {
  await db
    .update(cardAttempts)
    .set({ status: 'voided', chargeId, updatedAt: sql`now()` })
    .where(and(eq(cardAttempts.id, attemptId), eq(cardAttempts.status, 'authorising')));
}

interface Claimed {
  id: string;
  providerKey: string;
  reservationIds: string[];
}

/**
 * The sweep: card attempts whose owner stopped renewing them (killed, crashed, cut off) before the order
 * was written are taken over — one taker, by a guarded UPDATE that skips rows another copy is claiming —
 * and undone: the authorisation is found by its key and voided, the holds are released. Every step is
 * idempotent: a sweeper that dies midway leaves the attempt `voiding`, and its lease lapses again. With
 * `cartId`, only that cart's (a retry of the cart cleans up after its dead attempt before saying
 * "sold out"). Returns the attempts undone.
 */
export async function voidAbandonedAttempts(
  db: Db,
  provider: CardProvider,
  opts: { cartId?: string; batch?: number; leaseMs?: number } = {},
): Promise<number> {
  const forCart = opts.cartId ? sql`AND cart_id = ${opts.cartId}` : sql``;
  const claimed = await query<Claimed>(
    db,
    sql`UPDATE card_attempts a SET status = 'voiding', lease_until = ${leaseFor(opts.leaseMs ?? ATTEMPT_LEASE_MS)}, updated_at = now()
         WHERE a.id IN (
           SELECT id FROM card_attempts
            WHERE status IN ('authorising', 'voiding') AND lease_until < now() AND provider = ${provider.name} ${forCart}
            ORDER BY lease_until LIMIT ${opts.batch ?? 50} FOR UPDATE SKIP LOCKED)
           AND a.status IN ('authorising', 'voiding') AND a.lease_until < now()
        RETURNING a.id, a.provider_key AS "providerKey", a.reservation_ids AS "reservationIds"`,
  );
  let failed: unknown;
  for (const a of claimed) {
    try {
      await undoAttempt(db, provider, a);
    } catch (err) {
      failed ??= err; // the others are still undone; this one's lease lapses and it is taken again
    }
  }
  if (failed) throw failed;
  return claimed.length;
}

async function undoAttempt(db: Db, provider: CardProvider, a: Claimed): Promise<void> {
  const charge = await provider.find(a.providerKey);
  if (charge?.status === 'authorized') await provider.void(charge.chargeId);
  for (const id of a.reservationIds) {
    await inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, id, 'released', { alreadyEndedOk: true })).catch(
      (err: unknown) => {
        // Killed before this hold was made: nothing to give back.
        if (!(err instanceof DomainError && err.code === 'inventory.reservation_not_found')) throw err;
      },
    );
  }
  await db
    .update(cardAttempts)
    .set({ status: 'voided', chargeId: charge?.chargeId ?? null, updatedAt: sql`now()` })
    .where(and(eq(cardAttempts.id, a.id), eq(cardAttempts.status, 'voiding')));
}

/** Forget finished attempts after `days` (placed ones are on their order; voided ones are done). */
export async function purgeCardAttempts(db: Db, days = 7): Promise<number> {
  const gone = await db
    .delete(cardAttempts)
    .where(
      and(
        sql`${cardAttempts.status} IN ('placed', 'voided')`,
        lt(cardAttempts.createdAt, sql`now() - make_interval(days => ${days})`),
      ),
    )
    .returning({ id: cardAttempts.id });
  return gone.length;
}
