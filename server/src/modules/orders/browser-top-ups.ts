import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import {
  beginCardTopUp,
  cardTopUpRow,
  creditCardTopUp,
  failCardTopUp,
  getTopUp,
  holdTopUpOpen,
  lapseUnfinishedTopUps,
  recordTopUpIntent,
  walletBalance,
  type CardTopUpRow,
  type TopUpResult,
} from '../loyalty/service.ts';
import type { CardProvider } from '../payments/service.ts';
import { CONFIRM_SECONDS } from './place-order/browser-card.ts';
import { failure, finishLapsedTopUps, TOP_UP_LEASE_MS, unconfirmed } from './wallet-top-ups.ts';

/**
 * チャージ by card when she confirms the card in her browser (Stripe.js, 3-D Secure included — card numbers
 * never reach us), in the two halves checkout has (place-order/browser-card.ts):
 *
 * 1. `beginBrowserTopUp`: the pending top-up row — its room under the balance cap held from then on — with
 *    the confirmation window as its lease, then the intent (manual capture) made outside any transaction
 *    with the row's key, its id recorded on the row. The browser confirms it with the client secret.
 * 2. `completeBrowserTopUp` (her browser, or Stripe's webhook when her browser never came back): the intent
 *    retrieved — `requires_capture` for this amount and this top-up — captured, then the wallet credited.
 *
 * Manual capture, so the money is taken only by a completion that is about to credit it: a top-up that
 * lapsed is cancelled on her card (an authorisation let go), never refunded; and the acquirer is where a
 * completion and the sweep meet — a captured intent cannot be cancelled nor a cancelled one captured — so
 * exactly one of "captured and credited" or "cancelled and failed" happens, whoever races. Credit is once
 * whatever the number of completions (creditCardTopUp books under the customer lock, guarded by status).
 */

export interface BrowserTopUp {
  topUpId: string;
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  /** Until when her confirmation is awaited; then the sweep cancels the intent and gives the room back. */
  confirmUntil: string;
}

const TOP_UP_PREFIX = 'wallet-top-up:';

/** The top-up an intent was made for, from its key (`wallet-top-up:<id>`); null when it is not a top-up's. */
export function topUpOfKey(key: string | undefined): string | null {
  return key?.startsWith(TOP_UP_PREFIX) ? key.slice(TOP_UP_PREFIX.length) : null;
}

/**
 * POST /api/account/wallet/top-ups/card-payment: the top-up started and its intent made; the same
 * Idempotency-Key is the same top-up (the same intent and secret). Her earlier unfinished card top-up no
 * longer fits under the cap beside this one (she changed the amount after a decline): it is cancelled first.
 */
export async function beginBrowserTopUp(
  db: Db,
  card: CardProvider,
  actor: Principal,
  input: { amount: number; idempotencyKey: string; confirmSeconds?: number | undefined },
): Promise<BrowserTopUp> {
  const me = requireCustomer(actor);
  if (!card.available) throw new DomainError('payment.card_unavailable');
  if (!card.begin)
    throw new DomainError('platform.validation', {}, [{ field: 'card', message: 'not_confirmed_in_browser' }]);
  const seconds = input.confirmSeconds ?? CONFIRM_SECONDS;
  const key = `app:${me.customerId}:${input.idempotencyKey}`;
  const start = () =>
    beginCardTopUp(db, {
      customerId: me.customerId,
      amount: input.amount,
      key,
      provider: card.name,
      leaseMs: seconds * 1000,
    });
  const { row, existing } = await start().catch(async (err: unknown) => {
    if (!(err instanceof DomainError && err.code === 'wallet.balance_limit')) throw err;
    const released = await lapseUnfinishedTopUps(db, {
      customerId: me.customerId,
      provider: card.name,
      exceptKey: key,
    });
    if (!released) throw err;
    await finishLapsedTopUps(db, card, TOP_UP_LEASE_MS, me.customerId).catch(unavailable);
    return start();
  });
  if (existing && row.status === 'failed') throw failure(row.failure);
  let intent: { chargeId: string; clientSecret: string };
  try {
    // The same key again answers the same intent (Stripe's idempotency), so a repeat gets the same secret.
    intent = await card.begin({ amount: row.amount, idempotencyKey: row.providerKey! });
  } catch (err) {
    // No intent we know of: nobody can confirm one without its secret, so the room is given back now.
    if (!existing) await failCardTopUp(db, row.id, 'voided');
    throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
  }
  if (row.status === 'pending' && !(await recordTopUpIntent(db, row.id, intent.chargeId))) {
    const now = await getTopUp(db, row.id); // finished meanwhile (the sweep, or a twin's completion)
    if (now.status === 'failed') throw failure(now.failure);
  }
  return {
    topUpId: row.id,
    paymentIntentId: intent.chargeId,
    clientSecret: intent.clientSecret,
    amount: row.amount,
    confirmUntil: (row.leaseUntil ?? new Date()).toISOString(),
  };
}

/**
 * POST /api/account/wallet/top-ups/{id}/complete, after Stripe.js confirmed the card (and Stripe's webhook,
 * with no actor): authorise (the intent is `requires_capture` for this amount) → capture → credit. Once:
 * a repeat answers the same top-up (`replayed`). A decline leaves the top-up waiting for another card
 * until its window ends; after the window it is the sweep's (cancelled), and 409 `top_up.expired`.
 */
export async function completeBrowserTopUp(
  db: Db,
  card: CardProvider,
  actor: Principal | null,
  topUpId: string,
): Promise<TopUpResult> {
  const customerId = actor ? requireCustomer(actor).customerId : null;
  const row = await cardTopUpRow(db, topUpId);
  // Another member's top-up is as good as none (no id guessing).
  if (!row || (customerId && row.customerId !== customerId))
    throw new DomainError('wallet.top_up_not_found', { topUpId });
  if (row.status !== 'pending') return settled(db, row);
  if (!row.chargeId || !row.providerKey) throw new DomainError('payment.declined', { declineCode: 'not_confirmed' }); // begun, but no intent yet
  if (!(await holdTopUpOpen(db, row.id, TOP_UP_LEASE_MS))) {
    const now = (await cardTopUpRow(db, topUpId))!;
    if (now.status !== 'pending') return settled(db, now);
    throw new DomainError('top_up.expired', { topUpId });
  }
  const renewal = setInterval(
    () => holdTopUpOpen(db, row.id, TOP_UP_LEASE_MS).catch(() => {}),
    Math.floor(TOP_UP_LEASE_MS / 3),
  );
  renewal.unref();
  try {
    const auth = await card
      .authorize({ amount: row.amount, card: { token: row.chargeId }, idempotencyKey: row.providerKey })
      .catch(unavailable);
    if (!auth.ok) return await notCapturable(db, card, row, auth.code);
    // Canceled meanwhile (the window lapsed and the sweep got there first): the capture is refused.
    const captured = await card.capture(auth.chargeId, row.amount).then(
      () => true,
      () => false,
    );
    if (!captured) return await notCapturable(db, card, row, 'not_confirmed');
    return await creditCardTopUp(db, row.id, { chargeId: auth.chargeId, last4: auth.last4 || null });
  } finally {
    clearInterval(renewal);
  }
}

/**
 * The intent is not waiting for a capture: captured already (a twin completion, or the webhook, got
 * there first) — credited, once; cancelled (the sweep) — failed; otherwise not (yet) confirmed, or
 * declined — she may confirm again with another card.
 */
async function notCapturable(db: Db, card: CardProvider, row: CardTopUpRow, code: string): Promise<TopUpResult> {
  const charge = await card.find(row.providerKey!, row.chargeId).catch(unconfirmed);
  if (charge?.status === 'captured') return creditCardTopUp(db, row.id, { chargeId: charge.chargeId, last4: null });
  if (charge?.status === 'voided') {
    await failCardTopUp(db, row.id, 'voided', charge.chargeId);
    throw failure('voided');
  }
  throw new DomainError('payment.declined', { declineCode: code });
}

/** A finished top-up asked again: its outcome. */
async function settled(db: Db, row: CardTopUpRow): Promise<TopUpResult> {
  if (row.status === 'failed') throw failure(row.failure);
  const topUp = await getTopUp(db, row.id);
  return { topUp, balance: await walletBalance(db, row.customerId), replayed: true };
}

function unavailable(err: unknown): never {
  throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
}

/**
 * Stripe's webhook, for an intent of a top-up that reached `requires_capture` (her browser may never come
 * back): completed here as her browser would, idempotently. An intent of a top-up of ours that does not
 * wait for it (another intent recorded) is cancelled, as checkout's are (cancelling what is captured is a
 * no-op). One no top-up here has the key of — another installation's on the same Stripe account (the row
 * is written before its intent is made) — is left alone. Stripe not answering: thrown, so the event comes again.
 */
export async function topUpAuthorised(db: Db, card: CardProvider, intentId: string, key: string): Promise<string> {
  const id = topUpOfKey(key)!;
  const row = await cardTopUpRow(db, id);
  if (!row || row.providerKey !== key) return 'not_ours';
  if (row.chargeId && row.chargeId !== intentId) {
    await card.void(intentId).catch(unavailable);
    return 'cancelled';
  }
  try {
    const done = await completeBrowserTopUp(db, card, null, id);
    return done.replayed ? 'already' : 'credited';
  } catch (err) {
    if (
      !(err instanceof DomainError) ||
      err.code === 'payment.provider_unavailable' ||
      err.code === 'top_up.unconfirmed'
    )
      throw err;
    return err.code; // declined, expired (the sweep cancels it), failed: nothing for the webhook to do
  }
}

/**
 * Stripe's webhook, `payment_intent.succeeded` for a top-up's intent: captured — by her completion, which
 * credits it itself, or by one that died between the capture and the credit (its lease runs to the end of
 * her confirmation window). That one is credited now rather than when the window lapses and the sweep
 * finds it. Once: creditCardTopUp books under the customer lock, guarded by status. The capture is read
 * back from Stripe (this intent, with this top-up's key), not taken from the event's word.
 */
export async function topUpCaptured(db: Db, card: CardProvider, intentId: string, key: string): Promise<string> {
  const row = await cardTopUpRow(db, topUpOfKey(key)!);
  if (!row || row.providerKey !== key) return 'not_ours';
  if (row.status !== 'pending') return 'already';
  if (row.chargeId && row.chargeId !== intentId) return 'other_intent'; // only the recorded one is ever captured
  const charge = await card.find(key, intentId).catch(unavailable);
  if (charge?.status !== 'captured') return 'not_captured';
  const done = await creditCardTopUp(db, row.id, { chargeId: charge.chargeId, last4: null });
  return done.replayed ? 'already' : 'credited';
}
