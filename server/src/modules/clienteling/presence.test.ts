import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import type { OutboxMessage } from '../../platform/outbox.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  presentAt,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { newStaff } from '../loyalty/test-helpers.ts';

/**
 * A clerk cannot spend a member's wallet, points or member coupons without her: a member or card number
 * only earns; her app's QR, her PIN or a code sent to her e-mail proves she is at this till.
 */
async function setUp(app: TestApp) {
  const store = await createTestLocation(app, { name: '結び 渋谷神南店' });
  const other = await createTestLocation(app);
  const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
  await receive(app, shirt.variantIds[0]!, store, 20);
  const clerk = await newStaff(app, 'staff', [store]);
  const { customer, token } = await registerCustomer(app);
  // ¥3,000 in her wallet and 300 points, booked by head office.
  const topUp = await app.api('POST', '/api/wallet/transactions', {
    body: { customerId: customer.id, kind: 'top_up', amount: 3000, method: 'cash', reference: `tu_${customer.id}` },
  });
  expect(topUp.statusCode, topUp.body).toBe(201);
  const bonus = await app.api('POST', '/api/loyalty/transactions', {
    body: { customerId: customer.id, kind: 'earn', points: 300, reference: `wel_${customer.id}`, reason: '入会特典' },
  });
  expect(bonus.statusCode, bonus.body).toBe(201);
  return { store, other, jan: shirt.jans[0]!, clerk, customer, token };
}

async function onHandAt(app: TestApp, store: string) {
  const rows = await query<{ n: number }>(
    app.server.database.db,
    sql`SELECT coalesce(sum(on_hand), 0)::int AS n FROM stock_levels WHERE location_id = ${store}`,
  );
  return rows[0]!.n;
}

describeEachDatabase('presence: spending her value needs her', (ctx) => {
  it('a clerk with only her member number cannot pay with her wallet or points; her app QR lets the sale through', async () => {
    const app = ctx();
    const { store, jan, clerk, customer, token } = await setUp(app);
    const sale = (extra: Record<string, unknown>, id: string) =>
      app.api('POST', '/api/pos/sales', {
        token: clerk.token,
        body: {
          locationId: store,
          lines: [{ jan, quantity: 1 }],
          payments: [
            { method: 'wallet', amount: 1000 },
            { method: 'points', amount: 100 },
          ],
          clientTransactionId: id,
          ...extra,
        },
      });
    const before = await onHandAt(app, store);
    for (const who of [{ memberNumber: customer.memberNumber }, { customerId: customer.id }]) {
      const refused = await sale(who, `till-x-${Object.keys(who)[0]}`);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ code: 'customer.presence_required', title: 'ご本人の確認が必要です' });
    }
    // Nothing was written: no stock left the shelf, her balances are whole.
    expect(await onHandAt(app, store)).toBe(before);
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(3000);
    expect((await app.api('GET', '/api/account/loyalty', { token })).json().balance).toBe(300);
    // A card number still earns: cash, the same member number.
    const cash = await app.api('POST', '/api/pos/sales', {
      token: clerk.token,
      body: {
        locationId: store,
        lines: [{ jan, quantity: 1 }],
        memberNumber: customer.memberNumber,
        payments: [{ method: 'cash', amount: 1100 }],
        clientTransactionId: 'till-x-cash',
      },
    });
    expect(cash.statusCode, cash.body).toBe(201);
    expect(cash.json().order.pointsEarned).toBe(11);

    // Her app's QR, scanned by this clerk: the resolve gives the presence token, and the sale goes through.
    const presence = await presentAt(app, token, store, clerk.token);
    const ok = await sale({ customerId: customer.id, presenceToken: presence }, 'till-x-ok');
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await app.api('GET', '/api/account/wallet', { token })).json().balance).toBe(2000);
  });

  it('a coupon counted against her needs her too; a coupon for anyone does not', async () => {
    const app = ctx();
    const { store, jan, clerk, customer, token } = await setUp(app);
    const coupon = async (code: string, perCustomerLimit: number | null) => {
      const promo = await app.api('POST', '/api/promotions', {
        body: { name: `${code} 100円引き`, kind: 'amount_off', params: { amount: 100 }, requiresCoupon: true },
      });
      expect(promo.statusCode, promo.body).toBe(201);
      const c = await app.api('POST', '/api/coupons', {
        body: { promotionId: promo.json().id, code, perCustomerLimit },
      });
      expect(c.statusCode, c.body).toBe(201);
    };
    await coupon('MINE1', 1);
    await coupon('ANYONE', null);
    const sale = (code: string, id: string, presenceToken?: string) =>
      app.api('POST', '/api/pos/sales', {
        token: clerk.token,
        body: {
          locationId: store,
          customerId: customer.id,
          lines: [{ jan, quantity: 1 }],
          coupons: [code],
          payments: [{ method: 'cash', amount: 1000 }],
          clientTransactionId: id,
          ...(presenceToken ? { presenceToken } : {}),
        },
      });
    const refused = await sale('MINE1', 'till-c-1');
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().code).toBe('customer.presence_required');
    expect((await sale('ANYONE', 'till-c-2')).statusCode).toBe(201);
    const present = await presentAt(app, token, store, clerk.token);
    expect((await sale('MINE1', 'till-c-3', present)).statusCode).toBe(201);
  });

  it('the token is hers, for this store and this clerk only', async () => {
    const app = ctx();
    const { store, other, jan, clerk, customer, token } = await setUp(app);
    const colleague = await newStaff(app, 'staff', [store, other]);
    const somebody = await registerCustomer(app);
    const presence = await presentAt(app, token, store, clerk.token);
    const attempts: Array<[string, Record<string, unknown>]> = [
      [colleague.token, { locationId: store, customerId: customer.id }], // another clerk
      [clerk.token, { locationId: store, customerId: somebody.customer.id }], // another member
      [colleague.token, { locationId: other, customerId: customer.id }], // another store
    ];
    await receive(app, (await createTestProduct(app)).variantIds[0]!, other, 1);
    for (const [i, [staffToken, who]] of attempts.entries()) {
      const res = await app.api('POST', '/api/pos/sales', {
        token: staffToken,
        body: {
          ...who,
          lines: [{ jan, quantity: 1 }],
          payments: [{ method: 'wallet', amount: 1100 }],
          presenceToken: presence,
          clientTransactionId: `till-y-${i}`,
        },
      });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().code).toBe('customer.presence_required');
    }
    const forged = await app.api('POST', '/api/pos/sales', {
      token: clerk.token,
      body: {
        locationId: store,
        customerId: customer.id,
        lines: [{ jan, quantity: 1 }],
        payments: [{ method: 'wallet', amount: 1100 }],
        presenceToken: `${presence.split('.')[0]}.AAAA`,
        clientTransactionId: 'till-y-forged',
      },
    });
    expect(forged.statusCode).toBe(403);
  });

  it('her PIN, set in her account, proves it; five wrong PINs pause PIN checks for her only', async () => {
    const app = ctx();
    const { store, jan, clerk, customer, token } = await setUp(app);
    const prove = (pin: string, staffToken = clerk.token) =>
      app.api('POST', '/api/member-presence', {
        token: staffToken,
        body: { locationId: store, customerId: customer.id, pin },
      });
    expect((await prove('1234')).json().code).toBe('customer.pin_not_set');
    const bad = await app.api('PUT', '/api/account/pin', { token, body: { pin: '12a4' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'pin', message: '暗証番号は4〜6桁の数字です' }]);
    // Full-width digits from a Japanese keyboard are her PIN too.
    expect((await app.api('PUT', '/api/account/pin', { token, body: { pin: '２４６８' } })).json()).toEqual({
      pinSet: true,
    });
    expect((await app.api('GET', '/api/account/pin', { token })).json()).toEqual({ pinSet: true });

    const wrong = await prove('1111');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('customer.pin_wrong');
    const right = await prove('2468');
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json()).toMatchObject({ method: 'pin' });
    const paid = await app.api('POST', '/api/pos/sales', {
      token: clerk.token,
      body: {
        locationId: store,
        customerId: customer.id,
        lines: [{ jan, quantity: 1 }],
        payments: [
          { method: 'points', amount: 100 },
          { method: 'cash', amount: 1000 },
        ],
        presenceToken: right.json().token,
        clientTransactionId: 'till-z-pin',
      },
    });
    expect(paid.statusCode, paid.body).toBe(201);

    // Parallel guesses are counted before they are checked: at most five reach the PIN.
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => prove(String(1000 + i))));
    const codes = guesses.map((g) => g.json().code);
    expect(codes.filter((c) => c === 'customer.pin_wrong').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'auth.too_many_attempts').length).toBeGreaterThan(0);
    expect((await prove('2468')).statusCode).toBe(429);
    // Her own sign-in is not locked by the clerk's guesses.
    const login = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: customer.email, password: 'sakura-password-2026' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('a code sent to her e-mail proves it, once', async () => {
    const app = ctx();
    const { store, clerk, customer } = await setUp(app);
    const sent = await app.api('POST', '/api/member-presence/code', {
      token: clerk.token,
      body: { locationId: store, customerId: customer.id },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({ sentTo: `${customer.email[0]}***@example.jp`, validMinutes: 5 });
    const mails: OutboxMessage[] = [];
    await deliverOutbox(app.server.database.db, async (m) => void mails.push(m));
    const mail = mails.find((m) => m.recipient === customer.email && m.template === 'presence_code')!;
    expect(mail.payload).toMatchObject({ storeName: '結び 渋谷神南店', validMinutes: 5 });
    const code = String(mail.payload.code);
    const prove = () =>
      app.api('POST', '/api/member-presence', {
        token: clerk.token,
        body: { locationId: store, customerId: customer.id, code },
      });
    const first = await prove();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().method).toBe('code');
    const again = await prove();
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('customer.presence_code_invalid');
  });

  it('head office can switch a proof off', async () => {
    const app = ctx();
    const { store, clerk, customer, token } = await setUp(app);
    await app.api('PUT', '/api/account/pin', { token, body: { pin: '2468' } });
    const put = await app.api('PUT', '/api/loyalty/rules', { body: { presence: { methods: ['member_code'] } } });
    expect(put.statusCode, put.body).toBe(200);
    const pin = await app.api('POST', '/api/member-presence', {
      token: clerk.token,
      body: { locationId: store, customerId: customer.id, pin: '2468' },
    });
    expect(pin.statusCode).toBe(409);
    expect(pin.json().code).toBe('clienteling.presence_method_off');
    await app.api('PUT', '/api/loyalty/rules', { body: { presence: { methods: ['member_code', 'pin', 'code'] } } });
  });

  it('a store clerk books no wallet payment or redemption without her; a bonus needs a manager and a reason', async () => {
    const app = ctx();
    const { store, clerk, customer, token } = await setUp(app);
    const pay = (staffToken: string, extra: Record<string, unknown> = {}) =>
      app.api('POST', '/api/wallet/transactions', {
        token: staffToken,
        body: {
          customerId: customer.id,
          kind: 'pay',
          amount: 500,
          locationId: store,
          reference: `direct_${Math.random()}`,
          ...extra,
        },
      });
    const direct = await pay(clerk.token);
    expect(direct.statusCode).toBe(403);
    expect(direct.json().code).toBe('customer.presence_required');
    const redeem = await app.api('POST', '/api/loyalty/transactions', {
      token: clerk.token,
      body: { customerId: customer.id, kind: 'redeem', points: 100, locationId: store, reference: 'direct_r' },
    });
    expect(redeem.json().code).toBe('customer.presence_required');
    expect(
      (await pay(clerk.token, { presenceToken: await presentAt(app, token, store, clerk.token) })).statusCode,
    ).toBe(201);

    const bonus = (staffToken: string, reason?: string) =>
      app.api('POST', '/api/loyalty/transactions', {
        token: staffToken,
        body: {
          customerId: customer.id,
          kind: 'earn',
          points: 500,
          reference: `b_${Math.random()}`,
          reason,
          locationId: store,
        },
      });
    expect((await bonus(clerk.token, 'お詫び')).statusCode).toBe(403);
    const manager = await newStaff(app, 'store_manager', [store]);
    expect((await bonus(manager.token)).statusCode).toBe(400);
    expect((await bonus(manager.token, 'お詫びのポイント')).statusCode).toBe(201);
    // She sees why in her history.
    const history = (await app.api('GET', '/api/account/loyalty', { token })).json().history;
    expect(history[0]).toMatchObject({ kind: 'earn', points: 500, reason: 'お詫びのポイント' });
  });
});
