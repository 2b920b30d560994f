import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  presentAt,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { noCardProvider, TEST_CARDS, testCardProvider } from '../payments/service.ts';
import { beginCardTopUp } from '../loyalty/service.ts';
import { finishLapsedTopUps, topUpWithCard } from './wallet-top-ups.ts';

let n = 0;
const txnId = () => `tu-${Date.now().toString(36)}-${++n}`;
const approved = { number: TEST_CARDS.approved };

async function storeWithClerk(app: TestApp) {
  const store = await createTestLocation(app, { name: '結び 渋谷神南店' });
  const clerk = await newStaff(app, 'staff', [store], { name: '山田 花子' });
  return { store, clerk };
}

function cashTopUp(app: TestApp, token: string, body: Record<string, unknown>) {
  return app.api('POST', '/api/wallet/top-ups', { token, body: { clientTransactionId: txnId(), ...body } });
}

function cardTopUp(app: TestApp, token: string, body: Record<string, unknown>, key = txnId(), lang = 'ja') {
  return app.api('POST', '/api/account/wallet/top-ups', {
    token,
    body: { card: approved, ...body },
    headers: { 'idempotency-key': key, 'accept-language': lang },
  });
}

async function balanceOf(app: TestApp, customerId: string) {
  const [row] = await query<{ ledger: number }>(
    app.server.database.db,
    sql`SELECT coalesce(sum(amount), 0)::int AS ledger FROM wallet_entries WHERE customer_id = ${customerId}`,
  );
  const view = await app.api('GET', `/api/customers/${customerId}/wallet`);
  expect(view.json().balance).toBe(Number(row!.ledger));
  return Number(row!.ledger);
}

/** The test acquirer's charges made for a customer's top-ups: how many, and how many captured. */
async function chargesOf(app: TestApp, customerId: string) {
  const [row] = await query<{ charges: number; captured: number }>(
    app.server.database.db,
    sql`SELECT count(c.id)::int AS charges, count(c.id) FILTER (WHERE c.status = 'captured')::int AS captured
          FROM wallet_top_ups t JOIN test_provider_charges c ON c.idempotency_key = t.provider_key
         WHERE t.customer_id = ${customerId}`,
  );
  return { charges: Number(row!.charges), captured: Number(row!.captured) };
}

describeEachDatabase(
  'wallet top-ups (チャージ)',
  (ctx) => {
    it('a clerk tops up in cash at the till: change given, one top-up for a double-tap, and the X report counts the cash but no sale', async () => {
      const app = ctx();
      const { store, clerk } = await storeWithClerk(app);
      const { customer, token } = await registerCustomer(app);
      const session = (
        await app.api('POST', '/api/till-sessions', { token: clerk.token, body: { locationId: store, float: 30000 } })
      ).json();
      const body = { customerId: customer.id, locationId: store, amount: 5000, cashReceived: 10000 };
      const clientTransactionId = txnId();
      const taps = await Promise.all(
        Array.from({ length: 10 }, () => cashTopUp(app, clerk.token, { ...body, clientTransactionId })),
      );
      expect(taps.map((t) => t.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const first = taps.find((t) => t.statusCode === 201)!.json();
      expect(first).toMatchObject({
        topUp: { method: 'cash', amount: 5000, cashReceived: 10000, change: 5000, status: 'credited' },
        balance: 5000,
        replayed: false,
      });
      for (const t of taps) expect(t.json().topUp.id).toBe(first.topUp.id);
      expect(await balanceOf(app, customer.id)).toBe(5000);
      const mine = (await app.api('GET', '/api/account/wallet', { token })).json();
      expect(mine.history).toEqual([expect.objectContaining({ kind: 'top_up', method: 'cash', amount: 5000 })]);

      const x = (await app.api('GET', `/api/till-sessions/${session.id}/x-report`, { token: clerk.token })).json();
      expect(x).toMatchObject({
        cashTopUps: { count: 1, amount: 5000 },
        expectedCash: 35000,
        salesCount: 0,
        grossSales: 0,
        cashSales: 0,
      });

      // The close: ¥35,000 counted is exactly what the drawer should hold; the Z keeps the top-up line.
      const closed = await app.api('POST', `/api/till-sessions/${session.id}/close`, {
        token: clerk.token,
        body: { counted: { '10000': 3, '5000': 1 } },
      });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json()).toMatchObject({
        expectedCash: 35000,
        overShort: 0,
        report: { cashTopUps: { count: 1, amount: 5000 }, grossSales: 0 },
      });
      // A Z report kept before top-ups were on it reads as none, not as a 500.
      await app.server.database.db.execute(
        sql`UPDATE till_sessions SET report = report - 'cashTopUps' WHERE id = ${session.id}`,
      );
      const old = await app.api('GET', `/api/till-sessions/${session.id}`, { token: clerk.token });
      expect(old.json().report.cashTopUps).toEqual({ count: 0, amount: 0 });

      const short = await cashTopUp(app, clerk.token, { ...body, cashReceived: 4000 });
      expect(short.json()).toMatchObject({ status: 400, errors: [{ field: 'cashReceived' }] });
      const tooMuch = await cashTopUp(app, clerk.token, { ...body, amount: 50001, cashReceived: 60000 });
      expect(tooMuch.json()).toMatchObject({ status: 409, code: 'wallet.top_up_limit', limit: 50000 });
      const other = await createTestLocation(app);
      expect((await cashTopUp(app, clerk.token, { ...body, locationId: other })).statusCode).toBe(403);
      expect((await cashTopUp(app, token, body)).statusCode).toBe(403);
      const reused = await cashTopUp(app, clerk.token, { ...body, amount: 3000, clientTransactionId });
      expect(reused.json()).toMatchObject({ status: 422, code: 'wallet.top_up_key_reused' });
    });

    it('10 concurrent top-ups that each fit but not together never pass the ¥100,000 cap', async () => {
      const app = ctx();
      const { store, clerk } = await storeWithClerk(app);
      const { customer, token } = await registerCustomer(app);
      const base = { customerId: customer.id, locationId: store };
      expect((await cashTopUp(app, clerk.token, { ...base, amount: 50000, cashReceived: 50000 })).statusCode).toBe(201);
      expect((await cashTopUp(app, clerk.token, { ...base, amount: 45000, cashReceived: 45000 })).statusCode).toBe(201);
      // ¥5,000 of room: 5 cash and 5 card top-ups of ¥1,000 at once → exactly 5 get in, in any mix.
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => cashTopUp(app, clerk.token, { ...base, amount: 1000, cashReceived: 1000 })),
        ...Array.from({ length: 5 }, () => cardTopUp(app, token, { amount: 1000 })),
      ]);
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 201)).toHaveLength(5);
      expect(codes.filter((c) => c === 409)).toHaveLength(5);
      for (const r of results.filter((x) => x.statusCode === 409))
        expect(r.json()).toMatchObject({ code: 'wallet.balance_limit', limit: 100000 });
      expect(await balanceOf(app, customer.id)).toBe(100000);
      // A card top-up refused at the cap never reached the acquirer.
      const cards = results.slice(5).filter((r) => r.statusCode === 201).length;
      expect(await chargesOf(app, customer.id)).toEqual({ charges: cards, captured: cards });
    });

    it('the same Idempotency-Key sent 10 times at once is one charge and one credit', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const key = txnId();
      const results = await Promise.all(Array.from({ length: 10 }, () => cardTopUp(app, token, { amount: 3000 }, key)));
      // One runs; the others wait on its key and replay its answer, or hear it is still running (409).
      for (const r of results) expect([201, 409]).toContain(r.statusCode);
      const ran = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] !== 'true');
      expect(ran).toHaveLength(1);
      const again = await cardTopUp(app, token, { amount: 3000 }, key);
      expect(again.statusCode).toBe(201); // the stored answer, replayed byte for byte
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await balanceOf(app, customer.id)).toBe(3000);
      expect(await chargesOf(app, customer.id)).toEqual({ charges: 1, captured: 1 });

      // Below the HTTP layer too: ten calls of the service with one key make one top-up.
      const db = app.server.database.db;
      const card = testCardProvider(db);
      const principal = { kind: 'customer' as const, customerId: customer.id, deviceId: null };
      const direct = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          topUpWithCard(db, card, principal, { amount: 2000, card: approved, idempotencyKey: 'direct-key-1' }),
        ),
      );
      for (const r of direct)
        if (r.status === 'rejected') expect((r.reason as DomainError).code).toBe('wallet.top_up_in_progress');
      expect(direct.filter((r) => r.status === 'fulfilled' && !r.value.replayed)).toHaveLength(1);
      expect(await balanceOf(app, customer.id)).toBe(5000);
      expect(await chargesOf(app, customer.id)).toEqual({ charges: 2, captured: 2 });
    });

    it('a top-up and a wallet payment at the till at the same time leave the balance exact', async () => {
      const app = ctx();
      const { store, clerk } = await storeWithClerk(app);
      const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
      await receive(app, tea.variantIds[0]!, store, 50);
      const { customer, token } = await registerCustomer(app);
      await cashTopUp(app, clerk.token, {
        customerId: customer.id,
        locationId: store,
        amount: 10000,
        cashReceived: 10000,
      });
      const presence = await presentAt(app, token, store, clerk.token);
      const sale = (i: number) =>
        app.api('POST', '/api/pos/sales', {
          token: clerk.token,
          body: {
            locationId: store,
            customerId: customer.id,
            lines: [{ jan: tea.jans[0], quantity: 1 }],
            payments: [{ method: 'wallet', amount: 1100 }],
            clientTransactionId: `race-sale-${i}-${txnId()}`,
            presenceToken: presence,
          },
        });
      const results = await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => sale(i)),
        ...Array.from({ length: 3 }, () =>
          cashTopUp(app, clerk.token, { customerId: customer.id, locationId: store, amount: 2000, cashReceived: 2000 }),
        ),
        ...Array.from({ length: 3 }, () => cardTopUp(app, token, { amount: 1000 })),
      ]);
      for (const r of results) expect(r.statusCode, r.body).toBe(201);
      expect(await balanceOf(app, customer.id)).toBe(10000 - 4 * 1100 + 3 * 2000 + 3 * 1000);
    });

    it('a declined card credits nothing and says so in her language', async () => {
      const app = ctx();
      const { customer, token } = await registerCustomer(app);
      const declined = await cardTopUp(app, token, { amount: 5000, card: { number: TEST_CARDS.declined } });
      expect(declined.statusCode).toBe(402);
      expect(declined.headers['content-type']).toContain('application/problem+json');
      expect(declined.json()).toMatchObject({ code: 'payment.declined', title: 'カードが承認されませんでした' });
      const poor = await cardTopUp(
        app,
        token,
        { amount: 5000, card: { number: TEST_CARDS.insufficientFunds } },
        txnId(),
        'en',
      );
      expect(poor.json()).toMatchObject({ status: 402, code: 'payment.declined', title: 'Card declined' });
      expect(await balanceOf(app, customer.id)).toBe(0);
      // The declined attempts held no room under the cap.
      const full = await cardTopUp(app, token, { amount: 50000 });
      expect(full.statusCode, full.body).toBe(201);
      expect(full.json()).toMatchObject({
        balance: 50000,
        topUp: { method: 'card', cardLast4: '4242', status: 'credited' },
      });
      const over = await cardTopUp(app, token, { amount: 50001 });
      expect(over.json()).toMatchObject({ status: 409, code: 'wallet.top_up_limit' });
      const history = (await app.api('GET', '/api/account/wallet', { token })).json().history;
      expect(history).toEqual([
        expect.objectContaining({ kind: 'top_up', method: 'card', amount: 50000, channel: 'app' }),
      ]);
    });

    it('a crash between the charge and the credit is finished by the sweep: captured → credited, authorised → voided', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const card = testCardProvider(db);
      const { customer } = await registerCustomer(app);
      const begin = (amount: number) =>
        beginCardTopUp(db, { customerId: customer.id, amount, key: txnId(), provider: 'test', leaseMs: 5000 });
      // Captured, then the process died before the credit.
      const captured = (await begin(3000)).row;
      const auth = await card.authorize({ amount: 3000, card: approved, idempotencyKey: captured.providerKey! });
      if (!auth.ok) throw new Error('authorise');
      await card.capture(auth.chargeId, 3000);
      // Authorised only.
      const authorised = (await begin(2000)).row;
      await card.authorize({ amount: 2000, card: approved, idempotencyKey: authorised.providerKey! });
      // Never reached the acquirer.
      const nothing = (await begin(1000)).row;
      // While their leases run, the sweep leaves them alone, and their amounts hold room under the cap.
      expect(await finishLapsedTopUps(db, card)).toBe(0);
      await db.execute(
        sql`UPDATE wallet_top_ups SET lease_until = now() - interval '1 second' WHERE customer_id = ${customer.id}`,
      );
      const [a, b] = await Promise.all([finishLapsedTopUps(db, card), finishLapsedTopUps(db, card)]);
      expect(a! + b!).toBe(3);
      expect(await finishLapsedTopUps(db, card)).toBe(0);
      const rows = await query<{ id: string; status: string; failure: string | null }>(
        db,
        sql`SELECT id, status, failure FROM wallet_top_ups WHERE customer_id = ${customer.id}`,
      );
      const status = Object.fromEntries(rows.map((r) => [r.id, `${r.status}${r.failure ? `:${r.failure}` : ''}`]));
      expect(status).toEqual({
        [captured.id]: 'credited',
        [authorised.id]: 'failed:voided',
        [nothing.id]: 'failed:voided',
      });
      expect(await balanceOf(app, customer.id)).toBe(3000);
      expect((await card.find(authorised.providerKey!))?.status).toBe('voided');
    });

    it('with no card acquirer configured the app is not offered card top-up', async () => {
      const app = ctx();
      const db = app.server.database.db;
      const { customer, token } = await registerCustomer(app);
      const options = await app.api('GET', '/api/account/wallet/top-up-options', { token });
      expect(options.json()).toMatchObject({ card: true, testCards: true, maxTopUp: 50000, maxBalance: 100000 });
      const principal = { kind: 'customer' as const, customerId: customer.id, deviceId: null };
      await expect(
        topUpWithCard(db, noCardProvider(), principal, { amount: 1000, card: approved, idempotencyKey: 'none-1' }),
      ).rejects.toMatchObject({ code: 'payment.card_unavailable' });
      expect(await balanceOf(app, customer.id)).toBe(0);
    });
  },
  { env: { CARD_PROVIDER: 'test' } },
);
