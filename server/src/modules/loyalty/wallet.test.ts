import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { createTestLocation, describeEachDatabase, registerCustomer, type TestApp } from '../../test/harness.ts';
import { expireWallets, replayCredits } from './wallet-expiry.ts';
import { factsOf, newStaff, ref, wallet } from './test-helpers.ts';

async function walletOf(app: TestApp, customerId: string) {
  const res = await app.api('GET', `/api/customers/${customerId}/wallet`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    balance: number;
    expiringSoon: Array<{ amount: number; expiresAt: string }>;
    history: Array<{ kind: string; amount: number; method: string | null }>;
  };
}

async function ok(app: TestApp, body: Record<string, unknown>) {
  const res = await wallet(app, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    entry: { id: string; amount: number; reference: string; expiresAt: string | null };
    balance: number;
  };
}

async function expectLedgerIsBalance(app: TestApp, customerId: string, balance: number) {
  const [row] = await query<{ sum: number }>(
    app.server.database.db,
    sql`SELECT coalesce(sum(amount), 0)::int AS sum FROM wallet_entries WHERE customer_id = ${customerId}`,
  );
  expect(Number(row!.sum)).toBe(balance);
  expect((await walletOf(app, customerId)).balance).toBe(balance);
}

describe('wallet replay', () => {
  it('spends the credit that lapses first, and a lapsed credit pays for nothing', () => {
    const t = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));
    const e = (id: string, kind: string, amount: number, at: number, expiresAt: number | null = null, reference = id) =>
      ({ id, kind, amount, createdAt: t(at), expiresAt: expiresAt === null ? null : t(expiresAt), reference }) as never;
    const credits = replayCredits([
      e('a', 'top_up', 1000, 0, 100),
      e('b', 'top_up', 1000, 1, 50),
      e('p', 'pay', -1500, 2),
      e('x', 'expire', -0, 50, null, 'b'),
      e('q', 'pay', -300, 60),
    ]);
    // p: 1000 from b (lapses first), 500 from a; q after b lapsed: 300 from a.
    expect(credits.map((c) => [c.id, c.remaining])).toEqual([
      ['a', 200],
      ['b', 0],
    ]);
  });
});

describeEachDatabase('wallet', (ctx) => {
  it('tops up at the till, pays in the app, refunds in parts, and the member sees every step', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const shop = await createTestLocation(app);
    const topUp = await ok(app, {
      customerId: customer.id,
      kind: 'top_up',
      amount: 5_000,
      method: 'cash',
      locationId: shop,
    });
    expect(topUp).toMatchObject({ balance: 5_000, entry: { amount: 5_000, expiresAt: null } }); // 無期限 by default
    const order = ref('ord');
    expect(
      await ok(app, { customerId: customer.id, kind: 'pay', amount: 1_980, reference: order, channel: 'app' }),
    ).toMatchObject({ balance: 3_020, entry: { amount: -1_980 } });
    expect(
      await ok(app, {
        customerId: customer.id,
        kind: 'refund',
        amount: 500,
        reference: order,
        refundReference: 'ret_1',
      }),
    ).toMatchObject({ balance: 3_520 });
    const over = await wallet(app, {
      customerId: customer.id,
      kind: 'refund',
      amount: 1_481,
      reference: order,
      refundReference: 'ret_2',
    });
    expect(over.json()).toMatchObject({
      status: 409,
      code: 'wallet.refund_exceeds_payment',
      paid: 1_980,
      refunded: 500,
      requested: 1_481,
    });
    expect(
      await ok(app, {
        customerId: customer.id,
        kind: 'refund',
        amount: 1_480,
        reference: order,
        refundReference: 'ret_2',
      }),
    ).toMatchObject({ balance: 5_000 });
    const mine = await app.api('GET', '/api/account/wallet', { token });
    expect(mine.json()).toMatchObject({
      balance: 5_000,
      expiringSoon: [],
      history: [{ kind: 'refund' }, { kind: 'refund' }, { kind: 'pay' }, { kind: 'top_up', method: 'cash' }],
    });
    expect((await factsOf(app, customer.id, 'wallet_paid'))[0]).toMatchObject({
      channel: 'app',
      payload: { amount: 1_980, reference: order },
    });
    expect(await factsOf(app, customer.id, 'wallet_refunded')).toHaveLength(2);
    await expectLedgerIsBalance(app, customer.id, 5_000);
  });

  it('answers mistakes with problem documents and never goes below zero or over the limit', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const shop = await createTestLocation(app);
    const clerk = await newStaff(app, 'staff', [shop]);
    const manager = await newStaff(app, 'store_manager', [shop]);
    const zero = await wallet(app, { customerId: customer.id, kind: 'pay', amount: 0 });
    expect(zero.json()).toMatchObject({ status: 400, errors: [{ field: 'amount' }] });
    expect((await wallet(app, { customerId: customer.id, kind: 'top_up', amount: 1_000 })).json()).toMatchObject({
      status: 400,
      errors: [{ field: 'method' }],
    });
    expect(
      (await wallet(app, { customerId: customer.id, kind: 'top_up', amount: 1_000, method: 'cash' }, { token }))
        .statusCode,
    ).toBe(403);
    await ok(app, { customerId: customer.id, kind: 'top_up', amount: 1_000, method: 'card' });
    const short = await wallet(app, { customerId: customer.id, kind: 'pay', amount: 1_001 });
    expect(short.headers['content-type']).toContain('application/problem+json');
    expect(short.json()).toMatchObject({
      status: 409,
      code: 'wallet.insufficient_balance',
      balance: 1_000,
      requested: 1_001,
    });
    const limit = await wallet(app, { customerId: customer.id, kind: 'top_up', amount: 99_001, method: 'cash' });
    // One top-up is at most ¥50,000 (the balance cap, ¥100,000, is raced in orders/wallet-top-ups.test.ts).
    expect(limit.json()).toMatchObject({ status: 409, code: 'wallet.top_up_limit', limit: 50_000, requested: 99_001 });
    const pay = ref('ord');
    await ok(app, { customerId: customer.id, kind: 'pay', amount: 300, reference: pay });
    expect(
      (await wallet(app, { customerId: customer.id, kind: 'pay', amount: 300, reference: pay })).json(),
    ).toMatchObject({ code: 'wallet.duplicate_reference' });
    expect(
      (await wallet(app, { customerId: customer.id, kind: 'refund', amount: 100, reference: 'ord_never' })).json(),
    ).toMatchObject({ status: 404, code: 'wallet.payment_not_found' });
    expect(
      (
        await wallet(
          app,
          { customerId: customer.id, kind: 'adjust', amount: -100, reason: '誤チャージ' },
          { token: clerk.token },
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await wallet(
          app,
          { customerId: customer.id, kind: 'adjust', amount: -100, locationId: shop },
          { token: manager.token },
        )
      ).json().errors,
    ).toEqual([{ field: 'reason', message: '理由を入力してください' }]);
    const tooMuch = await wallet(
      app,
      { customerId: customer.id, kind: 'adjust', amount: -701, reason: '誤チャージ', locationId: shop },
      { token: manager.token },
    );
    expect(tooMuch.json()).toMatchObject({ code: 'wallet.insufficient_balance', balance: 700 });
    expect(
      await ok(app, { customerId: customer.id, kind: 'adjust', amount: -700, reason: '誤チャージ' }),
    ).toMatchObject({ balance: 0 });
    await expectLedgerIsBalance(app, customer.id, 0);
  });

  it('replays a retried top-up with the same Idempotency-Key', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    const body = { customerId: customer.id, kind: 'top_up', amount: 3_000, method: 'cash', reference: ref('top') };
    const headers = { 'idempotency-key': `wallet-${ref()}` };
    const first = await app.api('POST', '/api/wallet/transactions', { body, headers });
    const again = await app.api('POST', '/api/wallet/transactions', { body, headers });
    expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    await expectLedgerIsBalance(app, customer.id, 3_000);
  });

  it('with a top-up expiry configured, unspent top-up value lapses, soonest first, and refunds never lapse', async () => {
    const app = ctx();
    const { customer, token } = await registerCustomer(app);
    const { customer: other } = await registerCustomer(app);
    await app.api('PUT', '/api/loyalty/rules', { body: { wallet: { topUpExpiryMonths: 6 } } });
    try {
      const first = await ok(app, { customerId: customer.id, kind: 'top_up', amount: 5_000, method: 'cash' });
      expect(new Date(first.entry.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 170 * 86400_000);
      await ok(app, { customerId: customer.id, kind: 'top_up', amount: 2_000, method: 'card' });
      const order = ref('ord');
      await ok(app, { customerId: customer.id, kind: 'pay', amount: 1_000, reference: order });
      await ok(app, { customerId: customer.id, kind: 'refund', amount: 400, reference: order });
      // The first top-up lapses in 10 days: the pay came out of it (it lapses first), 4,000 is left in it.
      await app.server.database.db.execute(
        sql`UPDATE wallet_entries SET expires_at = now() + interval '10 days' WHERE id = ${first.entry.id}`,
      );
      expect((await app.api('GET', '/api/account/wallet', { token })).json().expiringSoon).toEqual([
        { amount: 4_000, expiresAt: expect.any(String) },
      ]);
      // A month passes (the history moves back), and the first top-up lapsed yesterday.
      await app.server.database.db.execute(
        sql`UPDATE wallet_entries SET created_at = created_at - interval '30 days' WHERE customer_id = ${customer.id}`,
      );
      await app.server.database.db.execute(
        sql`UPDATE wallet_entries SET expires_at = now() - interval '1 day' WHERE id = ${first.entry.id}`,
      );
      const after = await walletOf(app, customer.id);
      expect(after.balance).toBe(2_400);
      expect(after.history[0]).toMatchObject({ kind: 'expire', amount: -4_000 });
      expect((await wallet(app, { customerId: customer.id, kind: 'pay', amount: 2_401 })).json()).toMatchObject({
        balance: 2_400,
      });

      const spent = await ok(app, { customerId: other.id, kind: 'top_up', amount: 1_000, method: 'cash' });
      await ok(app, { customerId: other.id, kind: 'pay', amount: 1_000 });
      const kept = await ok(app, { customerId: other.id, kind: 'top_up', amount: 700, method: 'cash' });
      await app.server.database.db.execute(
        sql`UPDATE wallet_entries SET created_at = created_at - interval '1 day' WHERE customer_id = ${other.id}`,
      );
      await app.server.database.db.execute(
        sql`UPDATE wallet_entries SET expires_at = now() - interval '1 minute' WHERE id IN (${spent.entry.id}, ${kept.entry.id})`,
      );
      const [a, b] = await Promise.all([expireWallets(app.server.database.db), expireWallets(app.server.database.db)]);
      expect(a! + b!).toBe(700);
      expect(await expireWallets(app.server.database.db)).toBe(0);
      const view = await walletOf(app, other.id);
      expect(view.balance).toBe(0);
      expect(view.history.filter((h) => h.kind === 'expire')).toEqual([expect.objectContaining({ amount: -700 })]); // the ¥0 marker is not shown
      await expectLedgerIsBalance(app, other.id, 0);
    } finally {
      await app.api('PUT', '/api/loyalty/rules', { body: {} });
    }
  });

  it('a customer reads only their own wallet', async () => {
    const app = ctx();
    const aiko = await registerCustomer(app);
    const kenta = await registerCustomer(app);
    await ok(app, { customerId: kenta.customer.id, kind: 'top_up', amount: 900, method: 'cash' });
    expect((await app.api('GET', `/api/customers/${kenta.customer.id}/wallet`, { token: aiko.token })).statusCode).toBe(
      403,
    );
    expect((await app.api('GET', '/api/account/wallet', { token: aiko.token })).json().balance).toBe(0);
    expect((await app.api('GET', '/api/account/wallet', { token: kenta.token })).json().balance).toBe(900);
  });

  it('never goes below zero: 50 concurrent payments of ¥1,000 against ¥10,000 → exactly 10', async () => {
    const app = ctx();
    const { customer } = await registerCustomer(app);
    await ok(app, { customerId: customer.id, kind: 'top_up', amount: 10_000, method: 'cash' });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => wallet(app, { customerId: customer.id, kind: 'pay', amount: 1_000 })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 409)).toHaveLength(40);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({ code: 'wallet.insufficient_balance', balance: 0 });
    await expectLedgerIsBalance(app, customer.id, 0);
  });
});
