import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import { DomainError } from '../../../platform/errors.ts';
import type { Principal } from '../../../platform/auth.ts';
import { finishIn, getReservation, type Reservation } from '../../inventory/service.ts';
import type { CardProvider } from '../../payments/service.ts';
import { loadCartWithLines, type CartLine } from '../carts.ts';
import { ORDERS_ACTOR, type CheckoutDeps } from '../deps.ts';
import { cardAttempts } from '../schema.ts';
import type { CheckoutInput } from '../schemas.ts';
import {
  actingAsOf,
  ATTEMPT_LEASE_MS,
  forgotten,
  keepLease,
  newCardAttempt,
  voidAbandonedAttempts,
} from './card-attempts.ts';
import { chooseDeadline } from './deadline.ts';
import { holdWithAttempt, type Authorised } from './hold-and-authorise.ts';
import { readCheckout, sourcesOf, type SourceGroup } from './read-checkout.ts';

/** How long the shopper has to confirm her card in the browser, unless configured (STRIPE_CONFIRM_SECONDS). */
export const CONFIRM_SECONDS = 600;
/** The holds outlive the attempt's lease by this much: the sweep cancels the intent before the stock is given back. */
const HOLD_MARGIN_SECONDS = 60;

export interface CardPayment {
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  /** Until when the stock waits for her confirmation. */
  holdUntil: string;
}

/**
 * The first half of a card checkout when the shopper confirms the card in her browser (Stripe.js, 3-D
 * Secure included): the cart read and priced as checkout does, the stock held for the confirmation window
 * with the attempt's record (one statement), then the acquirer's intent created — outside any transaction —
 * and its id recorded on the attempt. The browser confirms it with the client secret; checkout, called
 * with the intent's id as the card token, then places the order — or, when her browser never comes back,
 * Stripe's webhook or the sweep does (unattended.ts, with the checkout body and actor kept on the attempt).
 * Never confirmed: the sweep cancels the intent and releases the stock when the window lapses. An earlier unconfirmed intent of the cart is
 * cancelled first, so a shopper starting again is not refused by her own holds.
 */
export async function beginCardPayment(
  db: Db,
  deps: CheckoutDeps,
  actor: Principal,
  cartId: string,
  input: CheckoutInput,
): Promise<CardPayment> {
  const provider = deps.card;
  let read = await loadCartWithLines(db, actor, cartId); // whose cart: checked before anything is touched
  // Her own earlier holds must not make the stock look sold out: read again once they are released.
  if (provider.begin && (await cancelUnconfirmed(db, provider, cartId)))
    read = await loadCartWithLines(db, actor, cartId);
  const c = await readCheckout(db, read, input);
  if (c.payment?.method !== 'card' || c.rest <= 0)
    throw new DomainError('platform.validation', {}, [{ field: 'payment.method', message: 'card_only' }]);
  if (!provider.available) throw new DomainError('payment.card_unavailable');
  // The built-in test acquirer takes the number at checkout: there is nothing for a browser to confirm.
  if (!provider.begin)
    throw new DomainError('platform.validation', {}, [
      { field: 'payment.method', message: 'not_confirmed_in_browser' },
    ]);
  await chooseDeadline(db, c.choice, c.locationId, deps.pickupDays); // the slot must still be offered
  const { groups, unavailable } = await sourcesOf(db, c, read.lines);

  const seconds = deps.cardConfirmSeconds ?? CONFIRM_SECONDS;
  // What checkout needs is kept with it: the webhook places her order if her browser never comes back.
  const attempt = newCardAttempt({
    cartId,
    provider: provider.name,
    holds: groups.length,
    resume: { checkoutInput: { ...input, payment: { method: 'card', card: {} } }, actingAs: actingAsOf(actor) },
  });
  try {
    await holdWithAttempt(
      db,
      attempt,
      groups.map((g) => g.reserve),
      { holdSeconds: seconds + HOLD_MARGIN_SECONDS, leaseMs: seconds * 1000 },
    );
  } catch (err) {
    if (err instanceof DomainError && err.code === 'inventory.insufficient_stock')
      throw await unavailable(String(err.params.variantId), String(err.params.locationId ?? c.locationId), err.params);
    throw err;
  }
  try {
    const intent = await provider.begin({ amount: c.rest, idempotencyKey: attempt.providerKey });
    await db
      .update(cardAttempts)
      .set({ chargeId: intent.chargeId, updatedAt: sql`now()` })
      .where(and(eq(cardAttempts.id, attempt.id), eq(cardAttempts.status, 'authorising')));
    return {
      paymentIntentId: intent.chargeId,
      clientSecret: intent.clientSecret,
      amount: c.rest,
      holdUntil: new Date(Date.now() + seconds * 1000).toISOString(),
    };
  } catch (err) {
    // No intent (or none we know of): give the stock back now; the sweep finds a stray intent by its key.
    await lapseAttempt(db, attempt.id);
    await voidAbandonedAttempts(db, provider, { cartId }).catch(() => {});
    throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
  }
}

/**
 * The second half: checkout with `card.token` = the intent's id. The attempt must still be waiting (not
 * lapsed and undone by the sweep), the intent confirmed (`requires_capture`) for this amount and this
 * checkout. A decline leaves the attempt waiting (she may confirm again with another card); anything else
 * is undone only by whoever takes the attempt over — so two completions of the same payment (her browser
 * twice, or after a lost answer) never void the one that placed the order.
 */
export async function authoriseConfirmed(
  db: Db,
  provider: CardProvider,
  input: { cartId: string; amount: number; token: string | undefined; lines: CartLine[] },
): Promise<{ authorised: Authorised; groups: SourceGroup[] }> {
  if (!input.token)
    throw new DomainError('platform.validation', {}, [{ field: 'payment.card.token', message: 'required' }]);
  const [attempt] = await db
    .select()
    .from(cardAttempts)
    .where(
      and(
        eq(cardAttempts.cartId, input.cartId),
        eq(cardAttempts.chargeId, input.token),
        eq(cardAttempts.status, 'authorising'),
        gt(cardAttempts.leaseUntil, sql`now()`),
      ),
    );
  if (!attempt) throw new DomainError('cart.checkout_interrupted', { cartId: input.cartId });
  // Stripe not answering: 502, and the attempt still waits for her (a retry asks again).
  const auth = await provider
    .authorize({ amount: input.amount, card: { token: input.token }, idempotencyKey: attempt.providerKey })
    .catch((err: unknown) => {
      throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
    });
  if (!auth.ok) throw new DomainError('payment.declined', { declineCode: auth.code });
  const holds = await Promise.all(attempt.reservationIds.map((id) => getReservation(db, ORDERS_ACTOR, id)));
  // Her cart changed since she confirmed (another tab): the held stock is not what she is buying.
  if (!sameQuantities(holds, input.lines)) {
    await undoAttempt(db, provider, attempt, auth.chargeId);
    throw new DomainError('cart.checkout_interrupted', { cartId: input.cartId });
  }
  // From here the attempt is this request's: its lease is renewed while the order is written.
  await db
    .update(cardAttempts)
    .set({ leaseUntil: sql`now() + make_interval(secs => ${ATTEMPT_LEASE_MS / 1000})` })
    .where(and(eq(cardAttempts.id, attempt.id), eq(cardAttempts.status, 'authorising')));
  const end = keepLease(db, attempt.id);
  const groups: SourceGroup[] = holds.map((h) => ({
    locationId: h.lines[0]!.locationId,
    variantIds: h.lines.map((l) => l.variantId),
    reserve: { lines: h.lines, reason: h.reason as 'order', reference: h.reference ?? input.cartId },
  }));
  const authorised: Authorised = {
    held: holds,
    charge: auth,
    attemptId: attempt.id,
    end,
    undo: () => undoAttempt(db, provider, attempt, auth.chargeId),
  };
  return { authorised, groups };
}

/** Each variant held in the quantity her cart has now. */
function sameQuantities(holds: Reservation[], lines: CartLine[]): boolean {
  const held = new Map<string, number>();
  for (const l of holds.flatMap((h) => h.lines)) held.set(l.variantId, (held.get(l.variantId) ?? 0) + l.quantity);
  return held.size === lines.length && lines.every((l) => held.get(l.variantId) === l.quantity);
}

/**
 * Undo a confirmed payment's attempt — only by a request that takes it over: not one whose twin placed
 * the order (her browser twice, or a retry after a lost answer), whose holds are the order's now.
 */
async function undoAttempt(
  db: Db,
  provider: CardProvider,
  attempt: { id: string; reservationIds: string[] },
  chargeId: string,
): Promise<void> {
  const [mine] = await db
    .update(cardAttempts)
    .set({ status: 'voiding', ...forgotten, updatedAt: sql`now()` })
    .where(and(eq(cardAttempts.id, attempt.id), eq(cardAttempts.status, 'authorising')))
    .returning({ id: cardAttempts.id });
  if (!mine) return;
  let clean = true;
  await provider.void(chargeId).catch(() => (clean = false));
  for (const id of attempt.reservationIds)
    await inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, id, 'released', { alreadyEndedOk: true })).catch(
      () => (clean = false),
    );
  // Anything left undone: the lease lapses and the sweep finishes it.
  await db
    .update(cardAttempts)
    .set(clean ? { status: 'voided', updatedAt: sql`now()` } : { leaseUntil: sql`now()` })
    .where(and(eq(cardAttempts.id, attempt.id), eq(cardAttempts.status, 'voiding')));
}
/**
 * The cart's intents still waiting for a confirmation: cancelled and their holds released (by the sweep's
 * own steps). Returns how many there were.
 */
export async function cancelUnconfirmed(db: Db, provider: CardProvider, cartId: string): Promise<number> {
  const lapsed = await db
    .update(cardAttempts)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(
      and(
        eq(cardAttempts.cartId, cartId),
        eq(cardAttempts.status, 'authorising'),
        sql`${cardAttempts.chargeId} IS NOT NULL`,
      ),
    )
    .returning({ id: cardAttempts.id });
  if (!lapsed.length) return 0;
  await voidAbandonedAttempts(db, provider, { cartId });
  return lapsed.length;
}

async function lapseAttempt(db: Db, attemptId: string) {
  await db
    .update(cardAttempts)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(and(eq(cardAttempts.id, attemptId), eq(cardAttempts.status, 'authorising')));
}
