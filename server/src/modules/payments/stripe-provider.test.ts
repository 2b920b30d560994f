import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmAsBrowser, stripeDouble, STRIPE_TEST_CARDS, type StripeDouble } from '../../test/stripe-double.ts';
import { stripeCardProvider } from './stripe-provider.ts';
import { stripeSignature, stripeSignatureValid } from './stripe-signature.ts';
import type { CardProvider } from './provider.ts';

describe('Stripe as the card acquirer (against the local double)', () => {
  let double: StripeDouble;
  let stripe: CardProvider;
  let n = 0;
  const key = () => `checkout:cart_t:att_${++n}`;

  beforeAll(async () => {
    double = await stripeDouble();
    stripe = stripeCardProvider({ ...double.providerOptions(), timeoutMs: 2000 });
  });
  afterAll(() => double.close());

  /** An intent the shopper confirmed with this card in her browser, then authorised by our server. */
  async function paid(amount: number, number: string = STRIPE_TEST_CARDS.visa) {
    const k = key();
    const { chargeId, clientSecret } = await stripe.begin!({ amount, idempotencyKey: k });
    const confirmed = await confirmAsBrowser(double, clientSecret, number);
    return {
      k,
      chargeId,
      confirmed,
      auth: await stripe.authorize({ amount, card: { token: chargeId }, idempotencyKey: k }),
    };
  }

  it('an intent in yen with manual capture, confirmed in the browser, is authorised with the last four digits', async () => {
    const { chargeId, auth } = await paid(3980);
    expect(auth).toEqual({ ok: true, chargeId, last4: '4242' });
    const pi = double.intents.get(chargeId)!;
    expect(pi).toMatchObject({ amount: 3980, currency: 'jpy', capture_method: 'manual', status: 'requires_capture' });
  });

  it('JCB is taken, and a card needing 3-D Secure is authorised once the shopper passed the challenge', async () => {
    expect((await paid(1200, STRIPE_TEST_CARDS.jcb)).auth).toMatchObject({ ok: true, last4: '0505' });
    const secure = await paid(1200, STRIPE_TEST_CARDS.threeDSecure);
    expect(secure.auth).toMatchObject({ ok: true, last4: '3184' });
  });

  it('declines come back with their reason: a plain decline, insufficient funds, nothing confirmed yet', async () => {
    const declined = await paid(500, STRIPE_TEST_CARDS.declined);
    expect(declined.confirmed.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    expect(declined.auth).toEqual({ ok: false, code: 'card_declined' });
    const poor = await paid(500, STRIPE_TEST_CARDS.insufficientFunds);
    expect(poor.auth).toEqual({ ok: false, code: 'insufficient_funds' });
    const k = key();
    const { chargeId } = await stripe.begin!({ amount: 500, idempotencyKey: k });
    expect(await stripe.authorize({ amount: 500, card: { token: chargeId }, idempotencyKey: k })).toEqual({
      ok: false,
      code: 'not_confirmed',
    });
  });

  it("another checkout's intent, or one for another amount, is not this payment", async () => {
    const { chargeId, k } = await paid(2000);
    expect(await stripe.authorize({ amount: 2000, card: { token: chargeId }, idempotencyKey: key() })).toMatchObject({
      ok: false,
      code: 'not_confirmed',
    });
    expect(await stripe.authorize({ amount: 1999, card: { token: chargeId }, idempotencyKey: k })).toMatchObject({
      ok: false,
      code: 'not_confirmed',
    });
    expect(
      await stripe.authorize({ amount: 2000, card: { number: STRIPE_TEST_CARDS.visa }, idempotencyKey: k }),
    ).toEqual({
      ok: false,
      code: 'invalid_card',
    });
  });

  it('captures in part (the rest released), a second capture is a no-op; refunds by key never exceed what was taken', async () => {
    const { chargeId } = await paid(5000);
    await stripe.capture(chargeId, 4200);
    await stripe.capture(chargeId, 4200);
    expect(double.intents.get(chargeId)).toMatchObject({
      status: 'succeeded',
      amount_received: 4200,
      amount_capturable: 0,
    });
    await stripe.refund(chargeId, 1000, 'ret_1');
    await stripe.refund(chargeId, 1000, 'ret_1'); // the same refund asked again
    const charge = double.charges.get(double.intents.get(chargeId)!.latest_charge!)!;
    expect(charge.amount_refunded).toBe(1000);
    await expect(stripe.refund(chargeId, 3201, 'ret_2')).rejects.toThrow(/amount_too_large/);
    await stripe.refund(chargeId, 3200, 'ret_3');
    expect(charge).toMatchObject({ amount_refunded: 4200, refunded: true });
  });

  it('voids an authorisation, twice without harm; voiding what was captured changes nothing', async () => {
    const a = await paid(800);
    await stripe.void(a.chargeId);
    await stripe.void(a.chargeId);
    expect(double.intents.get(a.chargeId)!.status).toBe('canceled');
    await expect(stripe.capture(a.chargeId, 800)).rejects.toThrow(/payment_intent_unexpected_state/);
    const b = await paid(800);
    await stripe.capture(b.chargeId, 800);
    await stripe.void(b.chargeId);
    expect(double.intents.get(b.chargeId)!.status).toBe('succeeded');
  });

  it('finds the intent a checkout made by its key (the sweep), and nothing for a key never sent', async () => {
    const { chargeId, k } = await paid(700);
    expect(await stripe.find(k)).toEqual({ chargeId, status: 'authorized' });
    await stripe.void(chargeId);
    expect(await stripe.find(k)).toEqual({ chargeId, status: 'voided' });
    expect(await stripe.find('checkout:cart_none:att_none')).toBeNull();
  });

  it('an answer lost on the way back is retried with the same key and replayed: one intent, one capture', async () => {
    const before = double.intents.size;
    const k = key();
    double.dropAnswers = 1;
    const first = await stripe.begin!({ amount: 900, idempotencyKey: k });
    expect(double.intents.size).toBe(before + 1);
    expect(await stripe.begin!({ amount: 900, idempotencyKey: k })).toEqual(first);
    expect(double.intents.size).toBe(before + 1);
    await confirmAsBrowser(double, first.clientSecret, STRIPE_TEST_CARDS.visa);
    double.dropAnswers = 1;
    await stripe.capture(first.chargeId, 900);
    expect(double.intents.get(first.chargeId)!.amount_received).toBe(900);
    // Every POST our server sent carried an Idempotency-Key.
    const ours = double.requests.filter((r) => r.method === 'POST' && !/confirm|authenticate/.test(r.path));
    expect(ours.length).toBeGreaterThan(10);
    expect(ours.every((r) => r.idempotencyKey)).toBe(true);
  });

  it('a network failure or a double that is gone is an error, within the time limit', async () => {
    const gone = stripeCardProvider({
      secretKey: double.secretKey,
      publishableKey: double.publishableKey,
      apiBase: 'http://127.0.0.1:9',
      jsUrl: `${double.url}/v3/`,
      timeoutMs: 500,
    });
    const started = Date.now();
    await expect(gone.find('x')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("Stripe's webhook signature", () => {
  const secret = 'whsec_test_secret';
  const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'payment_intent.amount_capturable_updated' }));
  const now = Math.floor(Date.now() / 1000);

  it('a body signed with the secret, just now, is valid', () => {
    expect(stripeSignatureValid(body, stripeSignature(body, secret, now), secret)).toBe(true);
    // Several v1 signatures (a secret being rolled): one matching is enough.
    const two = `${stripeSignature(body, 'whsec_old', now)},v1=${stripeSignature(body, secret, now).split('v1=')[1]}`;
    expect(stripeSignatureValid(body, two, secret)).toBe(true);
  });

  it('a tampered body, another secret, a missing or malformed header is not', () => {
    const sig = stripeSignature(body, secret, now);
    expect(stripeSignatureValid(Buffer.from(body.toString().replace('evt_1', 'evt_2')), sig, secret)).toBe(false);
    expect(stripeSignatureValid(body, stripeSignature(body, 'whsec_other', now), secret)).toBe(false);
    expect(stripeSignatureValid(body, undefined, secret)).toBe(false);
    expect(stripeSignatureValid(body, 'v1=abc', secret)).toBe(false);
    expect(stripeSignatureValid(body, `t=${now},v1=zz`, secret)).toBe(false);
  });

  it('a stale signature (older than five minutes) is a replay, however well signed', () => {
    expect(stripeSignatureValid(body, stripeSignature(body, secret, now - 301), secret, { now })).toBe(false);
    expect(stripeSignatureValid(body, stripeSignature(body, secret, now - 299), secret, { now })).toBe(true);
  });
});
