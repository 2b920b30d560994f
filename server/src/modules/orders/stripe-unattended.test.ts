import { afterAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  deliverEvents,
  describeEachDatabase,
  registerCustomer,
  stockedStore,
  type TestApp,
} from '../../test/harness.ts';
import { confirmAsBrowser, stripeDouble, STRIPE_TEST_CARDS } from '../../test/stripe-double.ts';
import { stripeCardProvider } from '../payments/service.ts';
import { stripeSignature } from '../payments/stripe-signature.ts';
import { sweepExpired } from '../inventory/service.ts';
import { placeUnattended, sweepCardAttempts } from './place-order/unattended.ts';

const double = await stripeDouble();
afterAll(() => double.close());
const stripe = stripeCardProvider({ ...double.providerOptions(), timeoutMs: 5000 });
const deps = { card: stripe, pickupDays: 7 };

const guest = { name: '山田 花子', email: 'hanako.unattended@example.jp', phone: '090-1234-5678' };
const body = { payment: { method: 'card', card: {} }, guest };

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

async function pickupCart(app: TestApp, variantId: string, store: string, quantity = 1, token: string | null = null) {
  const cart = (await app.api('POST', '/api/carts', { token, body: { deviceId: 'device-unattended' } })).json();
  await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity } });
  await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'pickup', locationId: store } });
  return cart.id as string;
}

/** Her browser: the card payment begun and confirmed with Stripe.js (3-D Secure passed). */
async function confirmed(app: TestApp, cartId: string, opts: { token?: string | null; card?: string } = {}) {
  const started = await app.api('POST', `/api/carts/${cartId}/card-payment`, {
    token: opts.token ?? null,
    body: opts.token ? { payment: body.payment } : body,
  });
  expect(started.statusCode, started.body).toBe(201);
  const { paymentIntentId, clientSecret } = started.json() as { paymentIntentId: string; clientSecret: string };
  await confirmAsBrowser(double, clientSecret, opts.card ?? STRIPE_TEST_CARDS.threeDSecure);
  return paymentIntentId;
}

/** Her browser coming back: checkout with the intent's id. */
const complete = (app: TestApp, cartId: string, paymentIntentId: string, token: string | null = null) =>
  app.api('POST', `/api/carts/${cartId}/checkout`, {
    token,
    body: { ...(token ? {} : { guest }), payment: { method: 'card', card: { token: paymentIntentId } } },
  });

/** Stripe delivering `payment_intent.amount_capturable_updated`, signed. */
function webhook(app: TestApp, paymentIntentId: string, eventId = `evt_${paymentIntentId}`) {
  const payload = JSON.stringify({
    id: eventId,
    type: 'payment_intent.amount_capturable_updated',
    data: { object: double.intents.get(paymentIntentId) },
  });
  return app.server.app.inject({
    method: 'POST',
    url: '/api/payments/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload, double.webhookSecret) },
    payload,
  });
}

async function ordersOf(app: TestApp, cartId: string) {
  return query<{ id: string; customer_id: string | null; guest: unknown }>(
    app.server.database.db,
    sql`SELECT id, customer_id, guest FROM orders WHERE cart_id = ${cartId}`,
  );
}

async function attemptOf(app: TestApp, cartId: string) {
  const rows = await query<{
    id: string;
    status: string;
    order_id: string | null;
    checkout_input: unknown;
    acting_as: unknown;
    reservation_ids: string[];
  }>(
    app.server.database.db,
    sql`SELECT id, status, order_id, checkout_input, acting_as, reservation_ids FROM card_attempts WHERE cart_id = ${cartId} ORDER BY created_at DESC`,
  );
  return rows[0]!;
}

async function mails(app: TestApp, to: string) {
  await deliverEvents(app);
  const [row] = await query<{ n: number }>(
    app.server.database.db,
    sql`SELECT count(*)::int AS n FROM outbox WHERE channel = 'email' AND recipient = ${to} AND template = 'order_placed'`,
  );
  return row!.n;
}

/** The confirmation window lapses (the browser never called checkout, the webhook never came). */
const lapse = (app: TestApp, cartId: string) =>
  app.server.database.db.execute(
    sql`UPDATE card_attempts SET lease_until = now() - interval '1 second' WHERE cart_id = ${cartId} AND status = 'authorising'`,
  );

describeEachDatabase(
  'with Stripe, the webhook places the order when her browser never comes back',
  (ctx) => {
    it('she confirms her card and closes the tab: the webhook places her order, the held stock becomes the order’s, her e-mail is queued and nothing personal stays on the attempt', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 3);
      const cartId = await pickupCart(app, variantId, store, 2);
      const intent = await confirmed(app, cartId);
      const begun = await attemptOf(app, cartId);
      expect(begun.checkout_input).toMatchObject({ guest });
      expect(begun.acting_as).toEqual({ kind: 'anonymous' });
      const mailsBefore = await mails(app, guest.email);

      const res = await webhook(app, intent);
      expect(res.statusCode, res.body).toBe(200);
      const [order, ...more] = await ordersOf(app, cartId);
      expect(more).toEqual([]);
      expect(order!.guest).toMatchObject({ name: guest.name, email: guest.email });
      const attempt = await attemptOf(app, cartId);
      expect(attempt).toMatchObject({ status: 'placed', order_id: order!.id, checkout_input: null, acting_as: null });
      // The stock held while she confirmed is the order's reservation now, kept until the order leaves.
      expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 2 });
      const [held] = await query<{ reservation_id: string; status: string; long: boolean }>(
        app.server.database.db,
        sql`SELECT f.reservation_id, r.status, r.expires_at > now() + interval '1 day' AS long
              FROM fulfilments f JOIN reservations r ON r.id = f.reservation_id WHERE f.order_id = ${order!.id}`,
      );
      expect(held).toEqual({ reservation_id: attempt.reservation_ids[0], status: 'active', long: true });
      const view = (await app.api('GET', `/api/orders/${order!.id}`)).json();
      expect(view.payments).toMatchObject([{ method: 'card', status: 'authorized' }]);
      const [paid] = await query<{ ref: string }>(
        app.server.database.db,
        sql`SELECT provider_ref AS ref FROM payments WHERE order_id = ${order!.id}`,
      );
      expect(paid!.ref).toBe(intent);
      expect(double.intents.get(intent)!.status).toBe('requires_capture');
      expect(await mails(app, guest.email)).toBe(mailsBefore + 1);

      // Stripe delivers the event again: nothing more.
      expect((await webhook(app, intent)).statusCode).toBe(200);
      expect((await webhook(app, intent, 'evt_other')).statusCode).toBe(200);
      expect(await ordersOf(app, cartId)).toHaveLength(1);
      expect(await mails(app, guest.email)).toBe(mailsBefore + 1);
      expect(double.intents.get(intent)!.status).toBe('requires_capture');

      // Her browser comes back after all: the same answer as a successful checkout, naming that order.
      const late = await complete(app, cartId, intent);
      expect(late.statusCode).toBe(200);
      expect(late.json()).toMatchObject({ id: order!.id, number: expect.any(String) });
    });

    it('a member: the webhook places it as her, and it is in her account', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 1);
      const { token, customer } = await registerCustomer(app);
      const cartId = await pickupCart(app, variantId, store, 1, token);
      const intent = await confirmed(app, cartId, { token });
      expect((await attemptOf(app, cartId)).acting_as).toEqual({
        kind: 'customer',
        customerId: customer.id,
        deviceId: null,
      });
      expect((await webhook(app, intent)).statusCode).toBe(200);
      const [order] = await ordersOf(app, cartId);
      expect(order!.customer_id).toBe(customer.id);
      const mine = (await app.api('GET', '/api/account/orders', { token })).json();
      expect(mine.items.map((o: { id: string }) => o.id)).toContain(order!.id);
      expect(await mails(app, customer.email)).toBe(1);
    });

    it('the webhook and her browser arrive together, round after round: exactly one order, and every answer names it', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 6);
      for (let round = 0; round < 6; round++) {
        const cartId = await pickupCart(app, variantId, store);
        const intent = await confirmed(app, cartId, { card: STRIPE_TEST_CARDS.visa });
        const { id: attemptId } = await attemptOf(app, cartId);
        const [hook, browser, server] = await Promise.all([
          webhook(app, intent),
          complete(app, cartId, intent),
          placeUnattended(db, deps, attemptId),
        ]);
        const orders = await ordersOf(app, cartId);
        expect(orders, `round ${round}`).toHaveLength(1);
        expect(hook.statusCode, hook.body).toBe(200);
        expect([200, 201], browser.body).toContain(browser.statusCode);
        expect(browser.json().id).toBe(orders[0]!.id);
        // The server's own completion either placed it or found it placed already.
        if (server.kind === 'placed') expect(server.order.id).toBe(orders[0]!.id);
        else expect(server.kind).toBe('not_waiting');
        expect(double.intents.get(intent)!.status).toBe('requires_capture');
        expect(await attemptOf(app, cartId)).toMatchObject({ status: 'placed', order_id: orders[0]!.id });
      }
      expect(await level(app, variantId, store)).toEqual({ onHand: 6, reserved: 6 });
    });

    it('no webhook and no browser: when the window lapses the sweep finds her payment confirmed and places the order', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const intent = await confirmed(app, cartId);
      await lapse(app, cartId);
      expect(await sweepCardAttempts(db, deps)).toEqual({ placed: 1, voided: 0 });
      const [order] = await ordersOf(app, cartId);
      expect(await attemptOf(app, cartId)).toMatchObject({
        status: 'placed',
        order_id: order!.id,
        checkout_input: null,
      });
      expect(double.intents.get(intent)!.status).toBe('requires_capture');
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 1 });
      // The webhook, late after all: nothing more.
      expect((await webhook(app, intent)).statusCode).toBe(200);
      expect(await ordersOf(app, cartId)).toHaveLength(1);
      expect(await sweepCardAttempts(db, deps)).toEqual({ placed: 0, voided: 0 });
    });

    it('never confirmed: when the window lapses the sweep cancels the intent and the stock is back on sale', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const started = (await app.api('POST', `/api/carts/${cartId}/card-payment`, { token: null, body })).json();
      await lapse(app, cartId);
      expect(await sweepCardAttempts(db, deps)).toEqual({ placed: 0, voided: 1 });
      expect(double.intents.get(started.paymentIntentId)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 0 });
      expect(await attemptOf(app, cartId)).toMatchObject({ status: 'voided', checkout_input: null, acting_as: null });
      expect(await ordersOf(app, cartId)).toEqual([]);
    });

    it('confirmed, but her holds lapsed too and the last one was sold meanwhile: the sweep voids her payment and her browser is told', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 1);
      const cartId = await pickupCart(app, variantId, store);
      const intent = await confirmed(app, cartId);
      const { reservation_ids } = await attemptOf(app, cartId);
      await lapse(app, cartId);
      // Her holds lapse (the sweep was down past their minute of margin) and are given back.
      await db.execute(
        sql`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(reservation_ids)}::jsonb))`,
      );
      await db.execute(
        sql`UPDATE stock_levels SET next_expiry = now() - interval '1 second' WHERE variant_id = ${variantId} AND location_id = ${store}`,
      );
      await sweepExpired(db);
      const other = await pickupCart(app, variantId, store);
      const sold = await app.api('POST', `/api/carts/${other}/checkout`, {
        token: null,
        body: { payment: { method: 'pay_at_store' }, guest: { name: '佐藤 一郎', email: 'ichiro@example.jp' } },
      });
      expect(sold.statusCode, sold.body).toBe(201);
      expect(await sweepCardAttempts(db, deps)).toEqual({ placed: 0, voided: 1 });
      expect(double.intents.get(intent)!.status).toBe('canceled');
      expect(await ordersOf(app, cartId)).toEqual([]);
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 1 });
      const late = await complete(app, cartId, intent);
      expect(late.statusCode).toBe(503);
      expect(late.json().code).toBe('cart.checkout_interrupted');
    });

    it('the webhook comes after her holds lapsed (delivery delayed past the window and its minute): her payment is cancelled, no order, and the stock is what it was', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 2);
      /** Her window and her holds both lapse, and the holds are given back. */
      async function lapseHolds(cartId: string) {
        const { reservation_ids } = await attemptOf(app, cartId);
        await lapse(app, cartId);
        await db.execute(
          sql`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(reservation_ids)}::jsonb))`,
        );
        await db.execute(
          sql`UPDATE stock_levels SET next_expiry = now() - interval '1 second' WHERE variant_id = ${variantId} AND location_id = ${store}`,
        );
        await sweepExpired(db);
      }
      const mine = await pickupCart(app, variantId, store);
      const paid = await confirmed(app, mine);
      await lapseHolds(mine);
      expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 0 });
      // Another shopper takes one of the two meanwhile; one is still on the shelf.
      const other = await pickupCart(app, variantId, store);
      const sold = await app.api('POST', `/api/carts/${other}/checkout`, {
        token: null,
        body: { payment: { method: 'pay_at_store' }, guest: { name: '佐藤 一郎', email: 'ichiro.late@example.jp' } },
      });
      expect(sold.statusCode, sold.body).toBe(201);

      expect((await webhook(app, paid)).statusCode).toBe(200);
      expect(await ordersOf(app, mine)).toEqual([]);
      expect(double.intents.get(paid)!.status).toBe('canceled');
      expect(await attemptOf(app, mine)).toMatchObject({ status: 'voided', checkout_input: null, acting_as: null });
      expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 1 });
      // Redelivered: nothing more; the sweep finds nothing; her browser, back at last, is told.
      expect((await webhook(app, paid)).statusCode).toBe(200);
      expect(await sweepCardAttempts(db, deps)).toEqual({ placed: 0, voided: 0 });
      const late = await complete(app, mine, paid);
      expect(late.statusCode).toBe(503);
      expect(late.json().code).toBe('cart.checkout_interrupted');
      expect(await level(app, variantId, store)).toEqual({ onHand: 2, reserved: 1 });
    });

    it('a member erased while her card payment waits: nothing of her is left on it, no order is placed for her, and the sweep cancels the payment', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { store, variantId } = await stockedStore(app, 1);
      const { token, customer } = await registerCustomer(app);
      const cartId = await pickupCart(app, variantId, store, 1, token);
      const intent = await confirmed(app, cartId, { token });
      const erased = await app.api('POST', `/api/customers/${customer.id}/delete`, {
        body: { reason: '本人からの消去請求' },
      });
      expect(erased.statusCode, erased.body).toBe(200);
      expect(erased.json().erased).toMatchObject({ waitingCheckouts: 1 });
      expect(await attemptOf(app, cartId)).toMatchObject({
        status: 'authorising',
        checkout_input: null,
        acting_as: null,
      });
      expect((await webhook(app, intent)).statusCode).toBe(200);
      expect(await ordersOf(app, cartId)).toEqual([]);
      await lapse(app, cartId);
      expect(await sweepCardAttempts(db, deps)).toEqual({ placed: 0, voided: 1 });
      expect(double.intents.get(intent)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 1, reserved: 0 });
    });

    it('her cart changed in another tab after she confirmed: the webhook voids the payment and releases the stock', async () => {
      const app = ctx();
      const { store, variantId } = await stockedStore(app, 3);
      const cartId = await pickupCart(app, variantId, store);
      const intent = await confirmed(app, cartId);
      expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 1 });
      await app.api('PUT', `/api/carts/${cartId}/lines/${variantId}`, { token: null, body: { quantity: 2 } });
      expect((await webhook(app, intent)).statusCode).toBe(200);
      expect(await ordersOf(app, cartId)).toEqual([]);
      expect(double.intents.get(intent)!.status).toBe('canceled');
      expect(await level(app, variantId, store)).toEqual({ onHand: 3, reserved: 0 });
      expect(await attemptOf(app, cartId)).toMatchObject({ status: 'voided', checkout_input: null, acting_as: null });
    });
  },
  {
    env: {
      ...double.env(),
      STRIPE_TIMEOUT_MS: '5000',
    },
  },
);
