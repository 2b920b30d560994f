import type { AuthorizeResult, CardProvider, DeclineCode, FoundCharge } from './provider.ts';
import { StripeError, stripeApi } from './stripe-api.ts';

export interface StripeOptions {
  secretKey: string;
  publishableKey: string;
  /** https://api.stripe.com (STRIPE_API_BASE): tests point it at the double on 127.0.0.1. */
  apiBase: string;
  /** Where the browser loads Stripe.js from (STRIPE_JS_URL). */
  jsUrl: string;
  timeoutMs: number;
}

/** The fields of a PaymentIntent this adapter reads. */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'requires_capture'
    | 'canceled'
    | 'succeeded';
  client_secret: string;
  metadata: Record<string, string>;
  last_payment_error: { code?: string; decline_code?: string } | null;
  latest_charge:
    string | null | { id: string; payment_method_details?: { card?: { last4?: string; brand?: string } } | null };
}

/** Our idempotency key, kept on the intent: `find` searches by it, `authorize` checks the intent is this checkout's. */
export const KEY_FIELD = 'musubi_key';

/**
 * Stripe as the card acquirer: PaymentIntents in JPY (a zero-decimal currency: the amount is yen) with
 * manual capture. The browser confirms the intent with Stripe.js (3-D Secure included), so card numbers
 * never reach us; `authorize` then only checks the intent is `requires_capture` for the amount. Every
 * POST carries an Idempotency-Key; no brand is restricted (JCB is taken).
 */
export function stripeCardProvider(opts: StripeOptions): CardProvider {
  const api = stripeApi(opts);
  const retrieve = (id: string) =>
    api.get<PaymentIntent>(`/v1/payment_intents/${encodeURIComponent(id)}`, { expand: ['latest_charge'] });
  /** A POST that Stripe refused because the intent already moved on: fine when it moved where we wanted. */
  async function settled(err: unknown, id: string, done: (pi: PaymentIntent) => boolean): Promise<void> {
    if (!(err instanceof StripeError) || err.code !== 'payment_intent_unexpected_state') throw err;
    if (!done(await retrieve(id))) throw err;
  }
  return {
    name: 'stripe',
    available: true,
    browser: {
      kind: 'stripe',
      publishableKey: opts.publishableKey,
      scriptUrl: opts.jsUrl,
      apiOrigin: new URL(opts.apiBase).origin,
    },
    async begin({ amount, idempotencyKey }) {
      const pi = await api.post<PaymentIntent>(
        '/v1/payment_intents',
        {
          amount,
          currency: 'jpy',
          capture_method: 'manual',
          payment_method_types: ['card'],
          metadata: { [KEY_FIELD]: idempotencyKey },
        },
        idempotencyKey,
      );
      return { chargeId: pi.id, clientSecret: pi.client_secret };
    },
    async authorize({ amount, card, idempotencyKey }): Promise<AuthorizeResult> {
      if (!card.token?.startsWith('pi_')) return { ok: false, code: 'invalid_card' };
      let pi: PaymentIntent;
      try {
        pi = await retrieve(card.token);
      } catch (err) {
        if (err instanceof StripeError && err.status === 404) return { ok: false, code: 'invalid_card' };
        throw err;
      }
      // Another checkout's intent, or one for another amount (the cart changed): not this payment.
      if (pi.metadata[KEY_FIELD] !== idempotencyKey || pi.amount !== amount || pi.currency !== 'jpy')
        return { ok: false, code: 'not_confirmed' };
      if (pi.status === 'requires_capture') {
        const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
        return { ok: true, chargeId: pi.id, last4: charge?.payment_method_details?.card?.last4 ?? '' };
      }
      if (pi.last_payment_error) return { ok: false, code: declineCode(pi.last_payment_error) };
      return { ok: false, code: 'not_confirmed' };
    },
    async capture(chargeId, amount) {
      try {
        await api.post(
          `/v1/payment_intents/${encodeURIComponent(chargeId)}/capture`,
          { amount_to_capture: amount },
          `capture:${chargeId}`,
        );
      } catch (err) {
        await settled(err, chargeId, (pi) => pi.status === 'succeeded' && pi.amount_received >= amount);
      }
    },
    async void(chargeId) {
      try {
        await api.post(`/v1/payment_intents/${encodeURIComponent(chargeId)}/cancel`, {}, `cancel:${chargeId}`);
      } catch (err) {
        // Cancelled already, or captured (voiding what is captured is a no-op, as with the test acquirer).
        await settled(err, chargeId, (pi) => pi.status === 'canceled' || pi.status === 'succeeded');
      }
    },
    async refund(chargeId, amount, idempotencyKey) {
      await api.post('/v1/refunds', { payment_intent: chargeId, amount }, `refund:${idempotencyKey}`);
    },
    async find(idempotencyKey, chargeId): Promise<FoundCharge | null> {
      if (chargeId) {
        const pi = await retrieve(chargeId).catch((err: unknown) => {
          if (err instanceof StripeError && err.status === 404) return null;
          throw err;
        });
        return pi && pi.metadata[KEY_FIELD] === idempotencyKey ? { chargeId: pi.id, status: foundStatus(pi) } : null;
      }
      // Stripe's search is eventually consistent (about a minute): the sweep uses the charge id it recorded when it has one.
      const found = await api.get<{ data: PaymentIntent[] }>('/v1/payment_intents/search', {
        query: `metadata['${KEY_FIELD}']:'${idempotencyKey.replace(/'/g, "\\'")}'`,
      });
      const pi = found.data[0];
      return pi ? { chargeId: pi.id, status: foundStatus(pi) } : null;
    },
  };
}

function foundStatus(pi: PaymentIntent): FoundCharge['status'] {
  if (pi.status === 'canceled') return 'voided';
  if (pi.status === 'succeeded') return 'captured';
  return 'authorized'; // not captured, whether confirmed or not: cancelling it is what undoes it
}

/** Stripe's decline codes as ours; anything else is a plain decline. */
export function declineCode(e: { code?: string | undefined; decline_code?: string | undefined }): DeclineCode {
  if (e.decline_code === 'insufficient_funds') return 'insufficient_funds';
  if (e.code === 'incorrect_number' || e.code === 'invalid_number' || e.code === 'expired_card') return 'invalid_card';
  return 'card_declined';
}
