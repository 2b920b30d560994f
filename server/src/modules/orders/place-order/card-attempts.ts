import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { newId } from '../../../platform/ids.ts';
import { finishIn } from '../../inventory/service.ts';
import type { CardProvider } from '../../payments/service.ts';
import type { Principal } from '../../../platform/auth.ts';
import { ORDERS_ACTOR } from '../deps.ts';
import { cardAttempts } from '../schema.ts';
import type { CheckoutInput } from '../schemas.ts';

/**
 * How long a card attempt stays its owner's without a renewal; the owner renews it every third of that
 * while the checkout runs (a checkout that answers at once never renews). Shorter than the idempotency
 * lease (platform/http/idempotency.ts), so a retry that takes over a dead request's key finds the dead
 * attempt lapsed and can clean it up.
 */
export const ATTEMPT_LEASE_MS = 5_000;

/** A card attempt about to be recorded: its acquirer key and the ids its holds are made under. */
export interface NewAttempt {
  id: string;
  cartId: string;
  provider: string;
  providerKey: string;
  reservationIds: string[];
  /**
   * A card the shopper confirms in her browser: what checkout needs to place her order without her browser
   * (unattended.ts) — her checkout body and who she is. Cleared when the attempt ends.
   */
  resume?: { checkoutInput: CheckoutInput; actingAs: Principal } | undefined;
}

const leaseFor = (ms: number) => sql`now() + make_interval(secs => ${ms / 1000})`;

/** A new attempt's ids. The acquirer key is per attempt: a declined or voided attempt must not answer the next one. */
export function newCardAttempt(input: {
  cartId: string;
  provider: string;
  holds: number;
  resume?: NewAttempt['resume'];
}): NewAttempt {
  const id = newId('att');
  return {
    id,
    cartId: input.cartId,
    provider: input.provider,
    providerKey: `checkout:${input.cartId}:${id}`,
    reservationIds: Array.from({ length: input.holds }, () => newId('rsv')),
    resume: input.resume,
  };
}

/** Who she is, as kept on her attempt: enough to act as her again, without her session's token or device. */
export function actingAsOf(actor: Principal): Principal {
  if (actor.kind === 'customer') return { kind: 'customer', customerId: actor.customerId, deviceId: null };
  if (actor.kind === 'staff')
    return {
      kind: 'staff',
      staffId: actor.staffId,
      name: actor.name,
      role: actor.role,
      locationIds: actor.locationIds,
    };
  return { kind: 'anonymous' };
}

/**
 * The attempt's row, as an INSERT for the statement that makes its holds (hold-and-authorise.ts): the
 * record and the holds commit together, so a card checkout adds no round trip and no commit. The lease is
 * read from the database's clock, as the sweep's is.
 */
export function attemptInsert(a: NewAttempt, leaseMs = ATTEMPT_LEASE_MS): SQL {
  const resume = a.resume
    ? sql`${JSON.stringify(a.resume.checkoutInput)}::jsonb, ${JSON.stringify(a.resume.actingAs)}::jsonb`
    : sql`NULL, NULL`;
  return sql`INSERT INTO card_attempts (id, cart_id, provider_key, provider, reservation_ids, lease_until, checkout_input, acting_as)
    VALUES (${a.id}, ${a.cartId}, ${a.providerKey}, ${a.provider}, ${JSON.stringify(a.reservationIds)}::jsonb, ${leaseFor(leaseMs)}, ${resume})
    RETURNING *`;
}

/** Renew the attempt's lease every third of it while the checkout runs (one that answers at once never does); returns the stop. */
export function keepLease(db: Db, attemptId: string, leaseMs = ATTEMPT_LEASE_MS): () => void {
  const renewal = setInterval(
    () => {
      db.update(cardAttempts)
        .set({ leaseUntil: leaseFor(leaseMs) })
        .where(and(eq(cardAttempts.id, attemptId), eq(cardAttempts.status, 'authorising')))
        .catch(() => {}); // a missed renewal at worst lets the sweep void this attempt: the order is then refused
    },
    Math.max(Math.floor(leaseMs / 3), 50),
  );
  renewal.unref();
  return () => clearInterval(renewal);
}

/**
 * The order's statement marks its attempt placed, as a CTE of writeTogether's `with`: only while it is
 * still its owner's (`authorising`). `placedAttemptRefusal` refuses the order when the sweep took it
 * over first — its holds are released and its authorisation voided by then.
 */
export function placedAttemptCte(attemptId: string, orderId: string, chargeId: string): SQL {
  return sql`placed_attempt AS (
    UPDATE card_attempts SET status = 'placed', order_id = ${orderId}, charge_id = ${chargeId}, checkout_input = NULL, acting_as = NULL, updated_at = now()
     WHERE id = ${attemptId} AND status = 'authorising' RETURNING id)`;
}
export const placedAttemptMissing = sql`NOT EXISTS (SELECT 1 FROM placed_attempt)`;

/** What an attempt that ended no longer keeps: her checkout body and who she was (personal; set for Stripe). */
export const forgotten = { checkoutInput: null, actingAs: null };

/** The in-process undo's last step: the attempt is over, nothing of it is left (guarded: not after a takeover). */
export async function markVoided(db: Db, attemptId: string, chargeId: string | null): Promise<void> {
  await db
    .update(cardAttempts)
    .set({ status: 'voided', chargeId, ...forgotten, updatedAt: sql`now()` })
    .where(and(eq(cardAttempts.id, attemptId), eq(cardAttempts.status, 'authorising')));
}

interface Claimed {
  id: string;
  providerKey: string;
  reservationIds: string[];
  /** Known when the intent was made before the shopper confirmed it (browser-card.ts): no search needed. */
  chargeId: string | null;
}

/**
 * The sweep: card attempts whose owner stopped renewing them (killed, crashed, cut off) before the order
 * was written are taken over — one taker, by a guarded UPDATE that skips rows another copy is claiming —
 * and undone: the authorisation is found by its key and voided, the holds are released. Every step is
 * idempotent: a sweeper that dies midway leaves the attempt `voiding`, and its lease lapses again. With
 * `cartId`, only that cart's (a retry of the cart cleans up after its dead attempt before saying
 * "sold out"). `skip`: attempts still being placed without the browser (unattended.ts), left for the next
 * round. Claiming clears what the attempt kept for that (personal). Returns the attempts undone.
 */
export async function voidAbandonedAttempts(
  db: Db,
  provider: CardProvider,
  opts: { cartId?: string; batch?: number; leaseMs?: number; skip?: string[] } = {},
): Promise<number> {
  const forCart = opts.cartId ? sql`AND cart_id = ${opts.cartId}` : sql``;
  // Attempts whose order is still being placed without the browser (unattended.ts) wait for the next round.
  const skipped = opts.skip?.length
    ? sql`AND id NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(opts.skip)}::jsonb))`
    : sql``;
  const claimed = await query<Claimed>(
    db,
    sql`UPDATE card_attempts a SET status = 'voiding', checkout_input = NULL, acting_as = NULL, lease_until = ${leaseFor(opts.leaseMs ?? ATTEMPT_LEASE_MS)}, updated_at = now()
         WHERE a.id IN (
           SELECT id FROM card_attempts
            WHERE status IN ('authorising', 'voiding') AND lease_until < now() AND provider = ${provider.name} ${forCart} ${skipped}
            ORDER BY lease_until LIMIT ${opts.batch ?? 50} FOR UPDATE SKIP LOCKED)
           AND a.status IN ('authorising', 'voiding') AND a.lease_until < now()
        RETURNING a.id, a.provider_key AS "providerKey", a.reservation_ids AS "reservationIds", a.charge_id AS "chargeId"`,
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
  // A recorded intent is voided by its id (voiding is idempotent; Stripe's search lags by up to a minute).
  const charge = a.chargeId ? { chargeId: a.chargeId, status: 'authorized' } : await provider.find(a.providerKey);
  if (charge?.status === 'authorized') await provider.void(charge.chargeId);
  for (const id of a.reservationIds) {
    await inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, id, 'released', { alreadyEndedOk: true }));
  }
  await db
    .update(cardAttempts)
    .set({ status: 'voided', chargeId: charge?.chargeId ?? null, ...forgotten, updatedAt: sql`now()` })
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
