import { and, asc, eq, gt, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/connection.ts';
import { DomainError } from '../../../platform/errors.ts';
import type { CheckoutDeps } from '../deps.ts';
import { cardAttempts } from '../schema.ts';
import { orderView, type OrderView } from '../views.ts';
import { voidAbandonedAttempts } from './card-attempts.ts';
import { checkout } from './checkout.ts';

/**
 * How long a server-side completion owns a lapsed attempt before its renewals start (they start once
 * Stripe has answered): longer than Stripe's timeout, well inside the 60 s the holds outlive the window.
 */
const TAKEOVER_LEASE_SECONDS = 30;

/** What became of a confirmed card payment the server tried to turn into her order. */
export type Unattended =
  | { kind: 'placed'; order: OrderView }
  /** Already over (placed by her browser, or voided), or nothing kept to place it with: nothing done. */
  | { kind: 'not_waiting' }
  /** Refused for good (not confirmed, cart changed, stock gone): the payment is voided, the stock released. */
  | { kind: 'voided'; reason: string }
  /** Stripe (or the database) did not answer: still waiting; try again later. */
  | { kind: 'retry'; error: unknown };

/**
 * Place the order of a card payment the shopper confirmed in her browser (Stripe) when her browser did
 * not come back to do it: Stripe's webhook (`payment_intent.amount_capturable_updated`) and the sweep
 * call this. It is her checkout — the same code path, with the body and the actor kept on the attempt
 * and the intent's id as the card token — so the order, its events and her e-mail are the browser's.
 * Her browser racing it is harmless: the order's statement marks the attempt placed for exactly one of
 * them, and the other answers with that order without undoing anything. A lapsed attempt is taken over
 * first (guarded: only while still `authorising`), so the sweep cannot void it meanwhile.
 */
export async function placeUnattended(db: Db, deps: CheckoutDeps, attemptId: string): Promise<Unattended> {
  const [a] = await db.select().from(cardAttempts).where(eq(cardAttempts.id, attemptId));
  if (!a || a.status !== 'authorising' || !a.chargeId || !a.checkoutInput || !a.actingAs)
    return { kind: 'not_waiting' };
  await db
    .update(cardAttempts)
    .set({ leaseUntil: sql`now() + make_interval(secs => ${TAKEOVER_LEASE_SECONDS})` })
    .where(
      and(eq(cardAttempts.id, a.id), eq(cardAttempts.status, 'authorising'), lt(cardAttempts.leaseUntil, sql`now()`)),
    );
  let refusal: string;
  try {
    await checkout(db, deps, a.actingAs, a.cartId, {
      ...a.checkoutInput,
      payment: { method: 'card', card: { token: a.chargeId } },
    });
    refusal = 'cart.not_open'; // answered with an order, but maybe another one (her cart checked out otherwise)
  } catch (err) {
    const transient = !(err instanceof DomainError) || err.code === 'payment.provider_unavailable';
    if (transient) return { kind: 'retry', error: err };
    refusal = err.code;
  }
  const [after] = await db
    .select({ status: cardAttempts.status, orderId: cardAttempts.orderId })
    .from(cardAttempts)
    .where(eq(cardAttempts.id, a.id));
  if (after?.status === 'placed' && after.orderId) return { kind: 'placed', order: await orderView(db, after.orderId) };
  // Not this payment's order: nothing will ever capture it. Voided and its holds released now.
  await db
    .update(cardAttempts)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(and(eq(cardAttempts.id, a.id), eq(cardAttempts.status, 'authorising')));
  await voidAbandonedAttempts(db, deps.card, { cartId: a.cartId });
  return { kind: 'voided', reason: refusal };
}

/**
 * The sweep (every few seconds): with Stripe, a lapsed attempt whose intent she confirmed (its webhook
 * lost or late) becomes her order instead of being cancelled — checkout retrieves the intent and places
 * it only if it is `requires_capture`, while the holds, which outlive the window by a minute, still keep
 * her stock. Anything else is voided and released as before (voidAbandonedAttempts). Returns how many
 * were placed and how many undone.
 */
export async function sweepCardAttempts(
  db: Db,
  deps: CheckoutDeps,
  opts: { batch?: number } = {},
): Promise<{ placed: number; voided: number }> {
  let placed = 0;
  let voided = 0;
  const skip: string[] = [];
  if (deps.card.begin) {
    const confirmable = await db
      .select({ id: cardAttempts.id })
      .from(cardAttempts)
      .where(
        and(
          eq(cardAttempts.status, 'authorising'),
          eq(cardAttempts.provider, deps.card.name),
          lt(cardAttempts.leaseUntil, sql`now()`),
          isNotNull(cardAttempts.chargeId),
          isNotNull(cardAttempts.checkoutInput),
          // Long past its window (Stripe down for an hour, say): its holds are gone, it is only voided.
          gt(cardAttempts.createdAt, sql`now() - interval '1 hour'`),
        ),
      )
      .orderBy(asc(cardAttempts.leaseUntil))
      .limit(opts.batch ?? 50);
    for (const { id } of confirmable) {
      const done = await placeUnattended(db, deps, id);
      if (done.kind === 'placed') placed++;
      else if (done.kind === 'voided') voided++;
      else if (done.kind === 'retry') skip.push(id);
    }
  }
  voided += await voidAbandonedAttempts(db, deps.card, { skip, ...(opts.batch ? { batch: opts.batch } : {}) });
  return { placed, voided };
}
