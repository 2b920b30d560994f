import { afterAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { confirmAsBrowser, stripeDouble, STRIPE_TEST_CARDS } from '../../test/stripe-double.ts';
import { stripeCardProvider } from '../payments/service.ts';
import { stripeSignature } from '../payments/stripe-signature.ts';
import { stripeApi } from '../payments/stripe-api.ts';
import { finishLapsedTopUps } from './wallet-top-ups.ts';

const double = await stripeDouble();
afterAll(() => double.close());
const stripe = stripeCardProvider({ ...double.providerOptions(), timeoutMs: 5000 });

let n = 0;
const newKey = () => `stripe-topup-${Date.now().toString(36)}-${++n}`;

const begin = (app: TestApp, token: string, amount: number, key = newKey(), lang = 'ja') =>
  app.api('POST', '/api/account/wallet/top-ups/card-payment', {
    token,
    body: { amount },
    headers: { 'idempotency-key': key, 'accept-language': lang },
  });
const complete = (app: TestApp, token: string, topUpId: string) =>
  app.api('POST', `/api/account/wallet/top-ups/${topUpId}/complete`, { token });

async function balanceOf(app: TestApp, customerId: string) {
  const [row] = await query<{ ledger: number; entries: number }>(
    app.server.database.db,
    sql`SELECT coalesce(sum(amount), 0)::int AS ledger, count(*)::int AS entries FROM wallet_entries WHERE customer_id = ${customerId}`,
  );
  return { balance: Number(row!.ledger), entries: Number(row!.entries) };
}

async function topUpRow(app: TestApp, id: string) {
  const [row] = await query<{ status: string; failure: string | null; charge_id: string | null }>(
    app.server.database.db,
    sql`SELECT status, failure, charge_id FROM wallet_top_ups WHERE id = ${id}`,
  );
  return row!;
}

/** Captures that reached the double: every one carries the intent's own key, so Stripe ran it once. */
function capturesOf(paymentIntentId: string) {
  const calls = double.requests.filter((r) => r.path === `/v1/payment_intents/${paymentIntentId}/capture`);
  return { calls: calls.length, keys: new Set(calls.map((c) => c.idempotencyKey)).size };
}

/** What Stripe sends when an intent is authorised (or captured), signed as Stripe signs it, into our webhook. */
function webhook(app: TestApp, paymentIntentId: string, type = 'payment_intent.amount_capturable_updated') {
  const payload = JSON.stringify({
    id: `evt_${paymentIntentId}_${type}`,
    type,
    data: { object: double.intents.get(paymentIntentId) },
  });
  return app.server.app.inject({
    method: 'POST',
    url: '/api/payments/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload, double.webhookSecret) },
    payload,
  });
}

const lapse = (app: TestApp, customerId: string) =>
  app.server.database.db.execute(
    sql`UPDATE wallet_top_ups SET lease_until = now() - interval '1 second' WHERE customer_id = ${customerId} AND status = 'pending'`,
  );

describeEachDatabase(
  'wallet top-up by card with Stripe (confirmed in the browser)',
  (ctx) => {
    it('the app is offered card top-up with Stripe.js; the one-call route that takes a card number refuses', async () => {
      const app = ctx();
      const { token } = await registerCustomer(app);
      const options = await app.api('GET', '/api/account/wallet/top-up-options', { token });
      expect(options.json()).toMatchObject({
        card: true,
        testCards: false,
        stripe: { publishableKey: double.publishableKey, scriptUrl: `${double.url}/v3/` },
      });
      const direct = await app.api('POST', '/api/account/wallet/top-ups', {
        token,
        body: { amount: 1000, card: { number: STRIPE_TEST_CARDS.visa } },
        headers: { 'idempotency-key': newKey() },
      });
      expect(direct.statusCode).toBe(400);
      expect(direct.json().errors).toEqual([expect.objectContaining({ field: 'card' })]);
    });

    it('¥3,000: begun with a manual-capture intent, confirmed by Stripe.js, captured and credited once', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const key = newKey();
      const started = await begin(app, token, 3000, key);
      expect(started.statusCode, started.body).toBe(201);
      const { topUpId, paymentIntentId, clientSecret, amount, confirmUntil } = started.json();
      expect(amount).toBe(3000);
      expect(double.intents.get(paymentIntentId)).toMatchObject({
        amount: 3000,
        currency: 'jpy',
        capture_method: 'manual',
        metadata: { musubi_key: `wallet-top-up:${topUpId}` },
      });
      // The confirmation window: ten minutes by default, and the sweep leaves her alone meanwhile.
      expect(Date.parse(confirmUntil) - Date.now()).toBeGreaterThan(590_000);
      expect(await finishLapsedTopUps(app.server.database.db, stripe)).toBe(0);
      // The same key is the same top-up: the stored answer over HTTP, the same intent below it too.
      const again = await begin(app, token, 3000, key);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().paymentIntentId).toBe(paymentIntentId);

      // Not confirmed yet: refused, and still waiting for her.
      const early = await complete(app, token, topUpId);
      expect(early.statusCode).toBe(402);
      expect(early.json()).toMatchObject({ code: 'payment.declined' });
      expect((await topUpRow(app, topUpId)).status).toBe('pending');

      expect((await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.jcb)).status).toBe('requires_capture');
      const done = await complete(app, token, topUpId);
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json()).toMatchObject({
        balance: 3000,
        replayed: false,
        topUp: { id: topUpId, method: 'card', amount: 3000, status: 'credited', cardLast4: '0505', channel: 'app' },
      });
      expect(double.intents.get(paymentIntentId)).toMatchObject({ status: 'succeeded', amount_received: 3000 });
      const replay = await complete(app, token, topUpId);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toMatchObject({ replayed: true, balance: 3000, topUp: { id: topUpId } });
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 3000, entries: 1 });
      expect(capturesOf(paymentIntentId)).toEqual({ calls: 1, keys: 1 });

      // Another member's top-up is as good as none.
      const other = await registerCustomer(app);
      expect((await complete(app, other.token, topUpId)).json()).toMatchObject({
        status: 404,
        code: 'wallet.top_up_not_found',
      });
      const history = (await app.api('GET', '/api/account/wallet', { token })).json().history;
      expect(history).toEqual([expect.objectContaining({ kind: 'top_up', method: 'card', amount: 3000 })]);
    });

    it('a declined card leaves the top-up waiting: she confirms again with another card and it is credited', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const { topUpId, paymentIntentId, clientSecret } = (await begin(app, token, 5000)).json();
      const declined = await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.insufficientFunds);
      expect(declined.error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
      const refused = await complete(app, token, topUpId);
      expect(refused.statusCode).toBe(402);
      expect(refused.json().detail).toBe('ご利用可能額が不足しています。別のカードをお使いください。');
      expect((await topUpRow(app, topUpId)).status).toBe('pending');
      await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.threeDSecure);
      expect((await complete(app, token, topUpId)).statusCode).toBe(201);
      expect(double.intents.get(paymentIntentId)!.status).toBe('succeeded');
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 5000, entries: 1 });
    });

    it('after a decline she chooses a smaller amount: the unfinished top-up is cancelled and its room given back', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const first = (await begin(app, token, 50000)).json();
      const second = (await begin(app, token, 50000)).json(); // ¥100,000 cap: both fit
      await confirmAsBrowser(double, first.clientSecret, STRIPE_TEST_CARDS.declined);
      // A third does not fit beside the two: her unfinished ones are cancelled to make room.
      const third = await begin(app, token, 30000);
      expect(third.statusCode, third.body).toBe(201);
      for (const t of [first, second]) {
        expect(double.intents.get(t.paymentIntentId)!.status).toBe('canceled');
        expect(await topUpRow(app, t.topUpId)).toMatchObject({ status: 'failed', failure: 'voided' });
      }
      expect((await complete(app, token, first.topUpId)).json()).toMatchObject({ code: 'wallet.top_up_failed' });
      await confirmAsBrowser(double, third.json().clientSecret, STRIPE_TEST_CARDS.visa);
      expect((await complete(app, token, third.json().topUpId)).statusCode).toBe(201);
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 30000, entries: 1 });
    });

    it('abandoned: when the window lapses the sweep cancels the intent and her room under the cap comes back', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { customer, token } = await registerCustomer(app);
      const unconfirmed = await begin(app, token, 50000);
      const held = (await begin(app, token, 50000)).json();
      expect(unconfirmed.statusCode).toBe(201);
      // Two of ¥50,000 pending: the ¥100,000 cap is held by them.
      await confirmAsBrowser(double, held.clientSecret, STRIPE_TEST_CARDS.visa); // confirmed, never completed
      await lapse(app, customer.id);
      expect(await finishLapsedTopUps(db, stripe)).toBe(2);
      expect(double.intents.get(held.paymentIntentId)!.status).toBe('canceled');
      expect(double.intents.get(unconfirmed.json().paymentIntentId)!.status).toBe('canceled');
      expect(await topUpRow(app, held.topUpId)).toMatchObject({ status: 'failed', failure: 'voided' });
      const late = await complete(app, token, held.topUpId);
      expect(late.json()).toMatchObject({ status: 409, code: 'wallet.top_up_failed' });
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 0, entries: 0 });
      expect((await begin(app, token, 50000)).statusCode).toBe(201);
    });

    it('her browser completing ten times at once: one capture, one credit', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const { topUpId, paymentIntentId, clientSecret } = (await begin(app, token, 3000)).json();
      await confirmAsBrowser(double, clientSecret, STRIPE_TEST_CARDS.visa);
      const results = await Promise.all(Array.from({ length: 10 }, () => complete(app, token, topUpId)));
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      for (const r of results) expect(r.json().topUp).toMatchObject({ id: topUpId, status: 'credited' });
      expect(double.intents.get(paymentIntentId)).toMatchObject({ status: 'succeeded', amount_received: 3000 });
      expect(capturesOf(paymentIntentId).keys).toBe(1);
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 3000, entries: 1 });
    });

    it("Stripe's webhook and her browser at once: one capture, one credit; the webhook alone finishes one whose browser never came back", async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const raced = (await begin(app, token, 2000)).json();
      await confirmAsBrowser(double, raced.clientSecret, STRIPE_TEST_CARDS.visa);
      const [hook, browser, hook2] = await Promise.all([
        webhook(app, raced.paymentIntentId),
        complete(app, token, raced.topUpId),
        webhook(app, raced.paymentIntentId),
      ]);
      expect([hook.statusCode, hook2.statusCode]).toEqual([200, 200]);
      expect([200, 201]).toContain(browser.statusCode);
      expect(browser.json().topUp).toMatchObject({ id: raced.topUpId, status: 'credited' });
      expect(capturesOf(raced.paymentIntentId).keys).toBe(1);
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 2000, entries: 1 });

      // Her browser closed after Stripe.js confirmed: the webhook completes it; her next visit sees it done.
      const gone = (await begin(app, token, 1000)).json();
      await confirmAsBrowser(double, gone.clientSecret, STRIPE_TEST_CARDS.visa);
      expect((await webhook(app, gone.paymentIntentId)).json()).toEqual({ received: true });
      expect(double.intents.get(gone.paymentIntentId)!.status).toBe('succeeded');
      expect(await topUpRow(app, gone.topUpId)).toMatchObject({ status: 'credited' });
      expect((await webhook(app, gone.paymentIntentId)).statusCode).toBe(200); // redelivered: nothing more
      expect((await complete(app, token, gone.topUpId)).json()).toMatchObject({ replayed: true, balance: 3000 });
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 3000, entries: 2 });

      // A top-up intent of another installation on the same Stripe account (no top-up here has its key): left alone.
      const theirs = await stripe.begin!({ amount: 1000, idempotencyKey: 'wallet-top-up:wtu_elsewhere' });
      await confirmAsBrowser(double, theirs.clientSecret, STRIPE_TEST_CARDS.visa);
      expect((await webhook(app, theirs.chargeId)).statusCode).toBe(200);
      expect(double.intents.get(theirs.chargeId)!.status).toBe('requires_capture');
      // Another intent under the key of a top-up of ours (not the one it waits for): cancelled.
      const stray = await stripeApi({ ...double.providerOptions(), timeoutMs: 5000 }).post<{
        id: string;
        client_secret: string;
      }>(
        '/v1/payment_intents',
        {
          amount: 1000,
          currency: 'jpy',
          capture_method: 'manual',
          metadata: { musubi_key: `wallet-top-up:${gone.topUpId}` },
        },
        `stray-${gone.topUpId}`,
      );
      await confirmAsBrowser(double, stray.client_secret, STRIPE_TEST_CARDS.visa);
      expect((await webhook(app, stray.id)).statusCode).toBe(200);
      expect(double.intents.get(stray.id)!.status).toBe('canceled');
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 3000, entries: 2 });
    });

    it('completion racing the sweep at the end of the window: captured and credited, or cancelled and failed — never half', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { customer, token } = await registerCustomer(app);
      const started = [];
      for (let i = 0; i < 6; i++) started.push((await begin(app, token, 1000)).json());
      for (const s of started) await confirmAsBrowser(double, s.clientSecret, STRIPE_TEST_CARDS.visa);
      await lapse(app, customer.id);
      await Promise.all([
        finishLapsedTopUps(db, stripe),
        ...started.map((s) => complete(app, token, s.topUpId)),
        finishLapsedTopUps(db, stripe),
      ]);
      await finishLapsedTopUps(db, stripe); // whatever a completion left lapsed
      let credited = 0;
      for (const s of started) {
        const row = await topUpRow(app, s.topUpId);
        const intent = double.intents.get(s.paymentIntentId)!;
        if (row.status === 'credited') credited++;
        else expect(row).toMatchObject({ status: 'failed', failure: 'voided' });
        expect(intent.status).toBe(row.status === 'credited' ? 'succeeded' : 'canceled');
      }
      expect(await balanceOf(app, customer.id)).toEqual({ balance: credited * 1000, entries: credited });
    });

    it('a completion that died after the capture is credited by the sweep; one the sweep cancelled first is refused', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { customer, token } = await registerCustomer(app);
      const died = (await begin(app, token, 4000)).json();
      const late = (await begin(app, token, 1000)).json();
      for (const t of [died, late]) await confirmAsBrowser(double, t.clientSecret, STRIPE_TEST_CARDS.visa);
      await stripe.capture(died.paymentIntentId, 4000); // then the process died, before the credit
      await lapse(app, customer.id);
      expect(await finishLapsedTopUps(db, stripe)).toBe(2);
      expect(await topUpRow(app, died.topUpId)).toMatchObject({ status: 'credited' });
      expect(await topUpRow(app, late.topUpId)).toMatchObject({ status: 'failed', failure: 'voided' });
      expect(double.intents.get(late.paymentIntentId)!.status).toBe('canceled');
      expect((await complete(app, token, died.topUpId)).json()).toMatchObject({ replayed: true, balance: 4000 });
      expect((await complete(app, token, late.topUpId)).json()).toMatchObject({ code: 'wallet.top_up_failed' });
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 4000, entries: 1 });
    });

    it("a completion that died after the capture is credited at once by Stripe's payment_intent.succeeded, not minutes later by the sweep", async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { customer, token } = await registerCustomer(app);
      const died = (await begin(app, token, 2500)).json();
      await confirmAsBrowser(double, died.clientSecret, STRIPE_TEST_CARDS.jcb);
      await stripe.capture(died.paymentIntentId, 2500); // then the process died, before the credit
      expect(await topUpRow(app, died.topUpId)).toMatchObject({ status: 'pending' });
      // Her window is still open: the sweep would not look at it for minutes.
      expect(await finishLapsedTopUps(db, stripe)).toBe(0);

      const [a, b] = await Promise.all([
        webhook(app, died.paymentIntentId, 'payment_intent.succeeded'),
        webhook(app, died.paymentIntentId, 'payment_intent.succeeded'),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(await topUpRow(app, died.topUpId)).toMatchObject({ status: 'credited', charge_id: died.paymentIntentId });
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 2500, entries: 1 });
      // Redelivered, the authorised event late, her browser back, the sweep: nothing more.
      expect((await webhook(app, died.paymentIntentId, 'payment_intent.succeeded')).statusCode).toBe(200);
      expect((await webhook(app, died.paymentIntentId)).statusCode).toBe(200);
      expect((await complete(app, token, died.topUpId)).json()).toMatchObject({ replayed: true, balance: 2500 });
      await lapse(app, customer.id);
      expect(await finishLapsedTopUps(db, stripe)).toBe(0);
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 2500, entries: 1 });
      expect(capturesOf(died.paymentIntentId).keys).toBe(1);

      // The event's word is not taken: for an intent only authorised, Stripe is asked and nothing is credited.
      const waiting = (await begin(app, token, 1000)).json();
      await confirmAsBrowser(double, waiting.clientSecret, STRIPE_TEST_CARDS.visa);
      expect((await webhook(app, waiting.paymentIntentId, 'payment_intent.succeeded')).statusCode).toBe(200);
      expect(await topUpRow(app, waiting.topUpId)).toMatchObject({ status: 'pending' });
      expect(await balanceOf(app, customer.id)).toEqual({ balance: 2500, entries: 1 });
    });

    it('top-ups begun at once never pass the ¥100,000 cap, whatever is confirmed and completed', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const first = (await begin(app, token, 50000)).json();
      await confirmAsBrowser(double, first.clientSecret, STRIPE_TEST_CARDS.visa);
      expect((await complete(app, token, first.topUpId)).statusCode).toBe(201);
      // ¥50,000 of room: five of ¥20,000 begun at once.
      const begun = await Promise.all(Array.from({ length: 5 }, () => begin(app, token, 20000)));
      const ok = begun.filter((r) => r.statusCode === 201).map((r) => r.json());
      for (const r of begun.filter((x) => x.statusCode !== 201))
        expect(r.json()).toMatchObject({ status: 409, code: 'wallet.balance_limit' });
      await Promise.all(ok.map((s) => confirmAsBrowser(double, s.clientSecret, STRIPE_TEST_CARDS.visa)));
      const done = await Promise.all(ok.map((s) => complete(app, token, s.topUpId)));
      const credited = done.filter((r) => r.statusCode === 201).length;
      expect(credited).toBeLessThanOrEqual(2);
      for (const r of done.filter((x) => x.statusCode !== 201))
        expect(r.json()).toMatchObject({ code: 'wallet.top_up_failed' }); // cancelled to make room for a later one
      const { balance } = await balanceOf(app, customer.id);
      expect(balance).toBe(50000 + credited * 20000);
      const captured = ok.filter((s) => double.intents.get(s.paymentIntentId)!.status === 'succeeded');
      expect(captured).toHaveLength(credited);
    });
  },
  {
    env: {
      ...double.env(),
      STRIPE_TIMEOUT_MS: '5000',
    },
  },
);
