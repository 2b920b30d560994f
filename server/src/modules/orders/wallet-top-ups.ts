import type { Db } from '../../platform/db/connection.ts';
import { DomainError, defineProblems, type CodesOf } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import {
  beginCardTopUp,
  claimLapsedTopUps,
  creditCardTopUp,
  failCardTopUp,
  getRules,
  renewTopUpLease,
  walletBalance,
  type LapsedTopUp,
  type TopUpResult,
} from '../loyalty/service.ts';
import type { CardInput, CardProvider } from '../payments/service.ts';

/**
 * チャージ in the app by card: three short steps, no database transaction open while the acquirer is called
 * (a slow acquirer must never stall the app — docs/architecture.md). 1. the pending top-up row (loyalty),
 * which holds its room under the balance cap; 2. authorise and capture; 3. credit the wallet. A process
 * that dies between 2 and 3 leaves the row pending with a lapsing lease: `finishLapsedTopUps` (a job) finds
 * the charge by its key and credits it when it was captured, voids it when it was only authorised.
 */

export const topUpProblems = defineProblems({
  'top_up.unconfirmed': {
    status: 503,
    ja: {
      title: 'チャージの結果を確認できませんでした',
      detail:
        'カード会社からの応答がありませんでした。請求が確定していれば数分以内に残高に反映され、確定していなければ取り消されます。',
    },
    en: {
      title: 'The top-up could not be confirmed',
      detail:
        'The card company did not answer. If the charge went through it reaches the balance within minutes; if not, it is cancelled.',
    },
  },
  'top_up.expired': {
    status: 409,
    ja: {
      title: 'チャージの確認時間が過ぎました',
      detail: 'カードの確認が時間内に終わらなかったため、このチャージは取り消されます。もう一度チャージしてください。',
    },
    en: {
      title: 'The top-up timed out',
      detail: 'The card was not confirmed in time, so this top-up is cancelled. Please top up again.',
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof topUpProblems> {}
}

/** How long a pending top-up stays its owner's without a renewal (renewed every third while it runs). */
export const TOP_UP_LEASE_MS = 5_000;

export interface CardTopUpInput {
  amount: number;
  card: CardInput;
  /** The app's Idempotency-Key: the same key is the same top-up (one charge, one credit). */
  idempotencyKey: string;
}

/**
 * What the app offers: card top-up only with an acquirer configured, and the limits. With an acquirer whose
 * card is confirmed in the browser (Stripe) the app starts the top-up, confirms it with Stripe.js and
 * completes it (browser-top-ups.ts); with the test acquirer it sends the card number in one call.
 */
export async function topUpOptions(db: Db, card: CardProvider, actor: Principal) {
  const me = requireCustomer(actor);
  const rules = await getRules(db);
  return {
    card: card.available,
    testCards: card.name === 'test',
    stripe: card.browser ? { publishableKey: card.browser.publishableKey, scriptUrl: card.browser.scriptUrl } : null,
    maxTopUp: rules.wallet.maxTopUp,
    maxBalance: rules.wallet.maxBalance,
    balance: await walletBalance(db, me.customerId),
  };
}

/** POST /api/account/wallet/top-ups: authorise → capture → credit; a decline leaves nothing (402). */
export async function topUpWithCard(
  db: Db,
  card: CardProvider,
  actor: Principal,
  input: CardTopUpInput,
  leaseMs = TOP_UP_LEASE_MS,
): Promise<TopUpResult> {
  const me = requireCustomer(actor);
  if (!card.available) throw new DomainError('payment.card_unavailable');
  // Stripe never sees a card number from us: the app starts the top-up and Stripe.js confirms it.
  if (card.browser)
    throw new DomainError('platform.validation', {}, [{ field: 'card', message: 'confirmed_in_browser' }]);
  const { row, existing } = await beginCardTopUp(db, {
    customerId: me.customerId,
    amount: input.amount,
    key: `app:${me.customerId}:${input.idempotencyKey}`,
    provider: card.name,
    leaseMs,
  });
  if (existing) {
    if (row.status === 'pending') throw new DomainError('wallet.top_up_in_progress', { topUpId: row.id });
    if (row.status === 'failed') throw failure(row.failure);
    return creditCardTopUp(db, row.id, { chargeId: row.chargeId!, last4: row.cardLast4 }); // credited: a replay
  }
  const renewal = setInterval(
    () => renewTopUpLease(db, row.id, leaseMs).catch(() => {}),
    Math.max(Math.floor(leaseMs / 3), 50),
  );
  renewal.unref();
  try {
    const auth = await card
      .authorize({ amount: input.amount, card: input.card, idempotencyKey: row.providerKey! })
      .catch(unconfirmed);
    if (!auth.ok) {
      await failCardTopUp(db, row.id, auth.code);
      throw failure(auth.code);
    }
    // A capture that fails leaves the row pending: the sweep learns from the acquirer whether it went through.
    await card.capture(auth.chargeId, input.amount).catch(unconfirmed);
    return await creditCardTopUp(db, row.id, { chargeId: auth.chargeId, last4: auth.last4 });
  } finally {
    clearInterval(renewal);
  }
}

export function failure(code: string | null): DomainError {
  return code === 'voided'
    ? new DomainError('wallet.top_up_failed', {})
    : new DomainError('payment.declined', { declineCode: code ?? 'card_declined' });
}

export function unconfirmed(err: unknown): never {
  throw new DomainError('top_up.unconfirmed', { cause: String(err).slice(0, 200) });
}

/**
 * The sweep (a job, every few seconds): pending top-ups whose owner died — or whose confirmation window
 * lapsed — are finished from what the acquirer knows: captured: credited; authorised: voided; never
 * reached it: failed. Returns how many.
 */
export async function finishLapsedTopUps(
  db: Db,
  card: CardProvider,
  leaseMs = TOP_UP_LEASE_MS,
  customerId?: string,
): Promise<number> {
  const lapsed = await claimLapsedTopUps(db, card.name, { leaseMs, ...(customerId ? { customerId } : {}) });
  let failed: unknown;
  for (const t of lapsed) {
    try {
      await finishTopUp(db, card, t);
    } catch (err) {
      failed ??= err; // the others are still finished; this one's lease lapses and it is taken again
    }
  }
  if (failed) throw failed;
  return lapsed.length;
}

/**
 * One lapsed top-up: the acquirer decides. Voiding comes first and the charge is read again after it, so a
 * capture that raced the void (its owner, or her browser's completion, still running) is credited, never
 * failed: whichever of capture and void reached the acquirer first is the outcome, booked once.
 */
async function finishTopUp(db: Db, card: CardProvider, t: LapsedTopUp): Promise<void> {
  let charge = await card.find(t.providerKey, t.chargeId);
  if (charge?.status === 'authorized') {
    await card.void(charge.chargeId);
    charge = await card.find(t.providerKey, charge.chargeId);
  }
  if (charge?.status === 'captured') await creditCardTopUp(db, t.id, { chargeId: charge.chargeId, last4: null });
  else if (charge?.status === 'authorized') throw new Error(`top-up ${t.id}: charge ${charge.chargeId} not voided`);
  else await failCardTopUp(db, t.id, 'voided', charge?.chargeId ?? null);
}
