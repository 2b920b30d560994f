import { afterAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { describeEachDatabase, stockedStore, type TestApp } from '../../test/harness.ts';
import { confirmAsBrowser, stripeDouble, STRIPE_TEST_CARDS } from '../../test/stripe-double.ts';
import { stripeCardProvider } from '../payments/service.ts';
import { stripeSignature } from '../payments/stripe-signature.ts';
import { voidAbandonedAttempts } from './place-order/card-attempts.ts';

const double = await stripeDouble();
afterAll(() => double.close());
const stripe = stripeCardProvider({ ...double.providerOptions(), timeoutMs: 5000 });

const guest = { name: '山田 花子', email: 'hanako@example.jp' };
const body = { payment: { method: 'card', card: {} }, guest };

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

async function pickupCart(app: TestApp, variantId: string, store: string, quantity = 1) {
  const cart = (await app.api('POST', '/api/carts', { token: null, body: { deviceId: 'device-stripe' } })).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
    token: null,
    body: { type: 'pickup', locationId: store },
  });
  return cart.id as string;
}

const begin = (app: TestApp, cartId: string) =>
  app.api('POST', `/api/carts/${cartId}/card-payment`, { token: null, body });
const complete = (app: TestApp, cartId: string, paymentIntentId: string) =>
  app.api('POST', `/api/carts/${cartId}/checkout`, {
    token: null,
    body: { ...body, payment: { method: 'card', card: { token: paymentIntentId } } },
  });

describeEachDatabase(
  'checkout with Stripe (card confirmed in the browser)',
  (ctx) => {
    it('says the card is confirmed with Stripe.js, and from where it loads; the policy allows exactly that origin', async () => {
      const app = ctx();
      const res = await app.api('GET', '/api/checkout/payment-methods', { token: null });
      expect(res.json()).toEqual({
        card: true,
        testCards: false,
        stripe: { publishableKey: double.publishableKey, scriptUrl: `${double.url}/v3/` },
      });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain(`script-src 'self' ${double.url};`);
      expect(csp).toMatch(new RegExp(`frame-src ${double.url}(;|$)`));
      expect(csp).toContain(`connect-src 'self' ${double.url};`);
    });

    it('holds the stock while she confirms; the order is placed once the intent is authorised', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 3);
      const cartId = await pickupCart(app, variantId, store, 2);
      const started = await begin(app, cartId);
      expect(started.statusCode).toBe(201);
      const { paymentIntentId, clientSecret, amount } = started.json();
      expect(double.intents.get(paymentIntentId)).toMatchObject({ amount, currency: 'jpy', capture_method: 'manual' });
      expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 2 });
      // Not confirmed yet: refused, and still waiting for her.
      const early = await complete(app, cartId, paymentIntentId);
      expect(early.statusCode).toBe(402);
      expect(early.json().code).toBe('payment.declined');
      expect((await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.jcb)).status).toBe('requires_capture');
      const placed = await complete(app, cartId, paymentIntentId);
      expect(placed.statusCode).toBe(201);
      const order = placed.json();
      expect(order.payments[0]).toMatchObject({ method: 'card', amount, status: 'authorized' });
      expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 2 });
      // Her browser sends it again (a lost answer): the same order, and the payment is not voided.
      const again = await complete(app, cartId, paymentIntentId);
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(order.id);
      expect(double.intents.get(paymentIntentId)!.status).toBe('requires_capture');
    });

    it('a declined card leaves her payment waiting: she confirms again with another card and the order is placed', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const { paymentIntentId, clientSecret } = (await begin(app, cartId)).json();
      const declined = await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.insufficientFunds);
      expect(declined.error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
      const refused = await complete(app, cartId, paymentIntentId);
      expect(refused.json()).toMatchObject({ code: 'payment.declined' });
      expect(refused.json().detail).toContain('ご利用可能額が不足しています');
      await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.threeDSecure);
      expect((await complete(app, cartId, paymentIntentId)).statusCode).toBe(201);
    });

    it('Stripe not answering when she completes: 502, her payment still waits, and the retry places the order', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const { paymentIntentId, clientSecret } = (await begin(app, cartId)).json();
      await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.visa);
      double.unavailable = true;
      const down = await complete(app, cartId, paymentIntentId).finally(() => (double.unavailable = false));
      expect(down.statusCode).toBe(502);
      expect(down.json().code).toBe('payment.provider_unavailable');
      expect(double.intents.get(paymentIntentId)!.status).toBe('requires_capture');
      expect((await complete(app, cartId, paymentIntentId)).statusCode).toBe(201);
    });

    it('never confirmed: when the window lapses the sweep cancels the intent and the stock is back on sale', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const { paymentIntentId } = (await begin(app, cartId)).json();
      await db.execute(
        sql`UPDATE card_attempts SET lease_until = now() - interval '1 second' WHERE cart_id = ${cartId}`,
      );
      expect(await voidAbandonedAttempts(db, stripe)).toBe(1);
      expect(double.intents.get(paymentIntentId)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 0 });
      const late = await complete(app, cartId, paymentIntentId);
      expect(late.statusCode).toBe(503);
      expect(late.json().code).toBe('cart.checkout_interrupted');
    });

    it('starting again cancels her earlier intent, so her own holds never make the item sold out', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const first = (await begin(app, cartId)).json();
      const second = await begin(app, cartId);
      expect(second.statusCode).toBe(201);
      expect(double.intents.get(first.paymentIntentId)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 1 });
    });

    it('after a declined card she pays at the store instead: her own unconfirmed payment does not make it sold out', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const { paymentIntentId, clientSecret } = (await begin(app, cartId)).json();
      await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.declined);
      const atStore = await app.api('POST', `/api/carts/${cartId}/checkout`, {
        token: null,
        body: { payment: { method: 'pay_at_store' }, guest },
      });
      expect(atStore.statusCode).toBe(201);
      expect(double.intents.get(paymentIntentId)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 1 });
    });

    it("Stripe's webhook: only a well-signed, fresh event is acted on; an authorisation of ours no checkout waits for is cancelled, another shop's is left alone", async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 2);
      const cartId = await pickupCart(app, variantId, store);
      const waiting = (await begin(app, cartId)).json();
      await confirmAsBrowser(double, waiting.clientSecret, STRIPE_TEST_CARDS.visa);
      // Another installation on the same Stripe account (staging beside production, a second shop): its
      // intents carry keys of checkouts this one never began.
      const theirs = await stripe.begin!({
        amount: 1000,
        idempotencyKey: `checkout:crt_elsewhere:att_${Date.now()}_${Math.random()}`,
      });
      await confirmAsBrowser(double, theirs.clientSecret, STRIPE_TEST_CARDS.visa);
      const send = (object: unknown, opts: { secret?: string; at?: number; tamper?: boolean; type?: string } = {}) => {
        const payload = JSON.stringify({
          id: 'evt_1',
          type: opts.type ?? 'payment_intent.amount_capturable_updated',
          data: { object },
        });
        const signature = stripeSignature(payload, opts.secret ?? double.webhookSecret, opts.at);
        return app.server.app.inject({
          method: 'POST',
          url: '/api/payments/stripe/webhook',
          // As Stripe sends it.
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
          payload: opts.tamper ? payload.replace('evt_1', 'evt_2') : payload,
        });
      };
      const theirIntent = double.intents.get(theirs.chargeId)!;
      for (const bad of [{ tamper: true }, { secret: 'whsec_other' }, { at: Math.floor(Date.now() / 1000) - 600 }]) {
        const res = await send(theirIntent, bad);
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('payment.webhook_bad_signature');
      }
      // Her checkout's: the order is placed from it (stripe-unattended.test.ts); her browser then gets that order.
      expect((await send(double.intents.get(waiting.paymentIntentId))).statusCode).toBe(200);
      expect(double.intents.get(waiting.paymentIntentId)!.status).toBe('requires_capture');
      expect((await complete(app, cartId, waiting.paymentIntentId)).statusCode).toBe(200);
      // Not ours: acknowledged, and the other shop's payment is not touched.
      expect((await send(theirIntent)).json()).toEqual({ received: true });
      expect(theirIntent.status).toBe('requires_capture');

      // Ours, its checkout over but the intent left standing (undone without its id, Stripe's search lagging): cancelled.
      const over = await pickupCart(app, variantId, store);
      const lost = (await begin(app, over)).json();
      await confirmAsBrowser(double, lost.clientSecret, STRIPE_TEST_CARDS.visa);
      await db.execute(sql`UPDATE card_attempts SET lease_until = now() - interval '1 second' WHERE cart_id = ${over}`);
      await db.execute(sql`UPDATE card_attempts SET charge_id = NULL WHERE cart_id = ${over}`);
      await voidAbandonedAttempts(db, { ...stripe, find: async () => null }, { cartId: over });
      expect(double.intents.get(lost.paymentIntentId)!.status).toBe('requires_capture');
      expect((await send(double.intents.get(lost.paymentIntentId))).json()).toEqual({ received: true });
      expect(double.intents.get(lost.paymentIntentId)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 1 });

      // Events it does not act on, even of objects without an id, are acknowledged: Stripe never disables the endpoint.
      expect((await send({ object: 'balance', available: [] }, { type: 'balance.available' })).statusCode).toBe(200);
      const thin = JSON.stringify({ id: 'evt_thin', object: 'v2.core.event', type: 'v1.billing.meter.no_meter_found' });
      const thinRes = await app.server.app.inject({
        method: 'POST',
        url: '/api/payments/stripe/webhook',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripeSignature(thin, double.webhookSecret),
        },
        payload: thin,
      });
      expect(thinRes.statusCode, thinRes.body).toBe(200);
      expect((await send(theirIntent, { type: 'payment_intent.payment_failed' })).statusCode).toBe(200);
      // A body that is not an event: 400, said as a problem.
      const odd = await send({ id: 'cus_1', object: 'customer' });
      expect(odd.statusCode).toBe(400);
      expect(odd.json()).toMatchObject({
        code: 'platform.validation',
        errors: [{ field: 'data.object.id' }, { field: 'data.object.object' }],
      });
    });

    it('20 shoppers race for the last 5: 5 orders, and no payment left authorised or captured for the others', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 5);
      const carts: string[] = [];
      for (let i = 0; i < 20; i++) carts.push(await pickupCart(app, variantId, store));
      const outcomes = await Promise.all(
        carts.map(async (cartId) => {
          const started = await begin(app, cartId);
          if (started.statusCode !== 201) return started.json().code as string;
          const { paymentIntentId, clientSecret } = started.json();
          await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.visa);
          const placed = await complete(app, cartId, paymentIntentId);
          return placed.statusCode === 201 ? 'placed' : (placed.json().code as string);
        }),
      );
      expect(outcomes.filter((o) => o === 'placed')).toHaveLength(5);
      expect(outcomes.filter((o) => o === 'cart.unavailable')).toHaveLength(15);
      expect(await level(app, variantId, store)).toEqual({ onHand: 5, reserved: 5 });
      const ours = new Set(carts);
      const intents = [...double.intents.values()].filter((pi) => ours.has(pi.metadata.musubi_key!.split(':')[1]!));
      const refs = await query<{ ref: string }>(
        db,
        sql`SELECT provider_ref AS ref FROM payments WHERE provider = 'stripe' AND provider_ref IS NOT NULL`,
      );
      const onOrders = new Set(refs.map((r) => r.ref));
      // Every authorised intent belongs to an order; none was captured; the refused were never charged.
      expect(intents.filter((pi) => pi.status === 'requires_capture').every((pi) => onOrders.has(pi.id))).toBe(true);
      expect(intents.filter((pi) => pi.status === 'requires_capture')).toHaveLength(5);
      expect(intents.some((pi) => pi.status === 'succeeded')).toBe(false);
      const [open] = await query<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM card_attempts WHERE status NOT IN ('placed', 'voided') AND cart_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(carts)}::jsonb))`,
      );
      expect(open!.n).toBe(0);
    });
  },
  {
    env: {
      ...double.env(),
      STRIPE_TIMEOUT_MS: '5000',
    },
  },
);
