import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  presentAt,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';

async function onHand(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number }>(
    app.server.database.db,
    sql`SELECT on_hand FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return row?.on_hand ?? 0;
}

describeEachDatabase('the till', (ctx) => {
  it('sells scanned JANs to a member with cash and change, earns points and prints a receipt with tax per rate', async () => {
    const app = ctx();
    const store = await createTestLocation(app, { name: '結び 渋谷神南店' });
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
    await receive(app, shirt.variantIds[0]!, store, 5);
    await receive(app, tea.variantIds[0]!, store, 5);
    const { customer } = await registerCustomer(app);
    const res = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        // a POS keyboard may send full-width digits: the JAN is normalised
        lines: [
          { jan: shirt.jans[0], quantity: 1 },
          { jan: tea.jans[0]!.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)), quantity: 2 },
        ],
        memberNumber: customer.memberNumber,
        payments: [{ method: 'cash', amount: 3300, tendered: 5000 }],
        clientTransactionId: 'till-1-0001',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { order, change, receipt } = res.json();
    expect(order).toMatchObject({
      channel: 'store',
      status: 'completed',
      total: 3300,
      pointsEarned: 33,
      customerId: customer.id,
    });
    expect(order.number).toMatch(/^S-\d{6}$/);
    expect(change).toBe(1700);
    expect(receipt).toMatchObject({
      store: { name: '結び 渋谷神南店' },
      taxes: [
        { rate: 10, base: 1100, tax: 100 },
        { rate: 8, base: 2200, tax: 162 },
      ],
      member: { pointsEarned: 33, balance: 33 },
      footnote: '※印は軽減税率（8%）対象商品です。',
    });
    expect(receipt.lines.map((l: { reducedRate: boolean }) => l.reducedRate)).toEqual([false, true]);
    expect(await onHand(app, tea.variantIds[0]!, store)).toBe(3);
    const digital = await app.api('GET', `/api/orders/${order.id}/receipt`);
    expect(digital.json().total).toBe(3300);
  });

  it('a resubmitted sale (network drop, double tap, ten at once) is sold once', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 20);
    const body = {
      locationId: store,
      lines: [{ jan, quantity: 1 }],
      payments: [{ method: 'terminal', amount: 1100, reference: '123456', brand: 'JCB' }],
      clientTransactionId: 'till-2-0042',
    };
    const all = await Promise.all(Array.from({ length: 10 }, () => app.api('POST', '/api/pos/sales', { body })));
    expect(all.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(all.map((r) => r.json().order.id)).size).toBe(1);
    expect(await onHand(app, variantId!, store)).toBe(19);
    // The sale's answer is built from the rows it wrote; a replay reads them back: the same order and receipt.
    const sold = all.find((r) => r.statusCode === 201)!.json();
    const { replayed: _r, ...again } = all.find((r) => r.statusCode === 200)!.json();
    const { replayed: _s, ...first } = sold;
    expect(first).toEqual(again);
  });

  it('a card terminal and a QR code payment are kept with their number and brand, and printed; never without', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 10);
    const sale = (payments: unknown[], id: string, lang = 'ja') =>
      app.api('POST', '/api/pos/sales', {
        headers: { 'accept-language': lang },
        body: { locationId: store, lines: [{ jan, quantity: 2 }], payments, clientTransactionId: id },
      });
    for (const bad of [
      [{ method: 'terminal', amount: 2200 }],
      [{ method: 'terminal', amount: 2200, reference: '482913' }],
      [{ method: 'qr', amount: 2200, brand: 'PayPay' }],
    ]) {
      const res = await sale(bad, `t-bad-${Math.random()}`);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.body).toContain('承認番号');
    }
    expect((await sale([{ method: 'qr', amount: 2200 }], 't-bad-en', 'en')).body).toContain('transaction id');
    expect(await onHand(app, variantId!, store)).toBe(10); // nothing sold by a refused sale

    const res = await sale(
      [
        { method: 'terminal', amount: 1200, reference: '482913', brand: 'VISA' },
        { method: 'qr', amount: 1000, reference: '04123456789012345678', brand: 'PayPay' },
      ],
      't-split-1',
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().receipt.payments).toEqual([
      { method: 'terminal', amount: 1200, tendered: null, reference: '482913', brand: 'VISA' },
      { method: 'qr', amount: 1000, tendered: null, reference: '04123456789012345678', brand: 'PayPay' },
    ]);
    const again = await app.api('GET', `/api/orders/${res.json().order.id}/receipt`);
    expect(again.json().payments).toEqual(res.json().receipt.payments);
  });

  it('never refuses goods in the clerk’s hand: a sale beyond the record adjusts it first, with a reason', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    const res = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan, quantity: 2 }],
        payments: [{ method: 'cash', amount: 2200, tendered: 2200 }],
        clientTransactionId: 't-3',
      },
    });
    expect(res.statusCode).toBe(201);
    const moves = await query<{ kind: string; quantity: number; reason: string | null }>(
      app.server.database.db,
      sql`SELECT kind, quantity, reason FROM stock_movements WHERE variant_id = ${variantId} ORDER BY created_at, kind`,
    );
    expect(moves.map((m) => [m.kind, m.quantity])).toEqual([
      ['adjustment', 2],
      ['sale', -2],
    ]);
    expect(await onHand(app, variantId!, store)).toBe(0);
  });

  it('refuses payments that do not add up, unknown JANs and other stores’ staff with clear problems', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const other = await createTestLocation(app);
    const {
      jans: [jan],
    } = await createTestProduct(app);
    const short = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan, quantity: 1 }],
        payments: [{ method: 'cash', amount: 1000 }],
        clientTransactionId: 't-4',
      },
    });
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({ code: 'payment.amount_mismatch', total: 1100, paid: 1000 });
    const unknown = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan: '4900000000003', quantity: 1 }],
        payments: [{ method: 'cash', amount: 1 }],
        clientTransactionId: 't-5',
      },
    });
    expect(unknown.statusCode).toBe(404);
    await app.api('POST', '/api/staff', {
      body: {
        email: 'till.clerk@example.jp',
        name: '店員',
        password: 'clerk-password-1',
        role: 'staff',
        locationIds: [other],
      },
    });
    const token = (
      await app.api('POST', '/api/auth/login', {
        token: null,
        body: { email: 'till.clerk@example.jp', password: 'clerk-password-1' },
      })
    ).json().token;
    const denied = await app.api('POST', '/api/pos/sales', {
      token,
      body: {
        locationId: store,
        lines: [{ jan, quantity: 1 }],
        payments: [{ method: 'cash', amount: 1100 }],
        clientTransactionId: 't-6',
      },
    });
    expect(denied.statusCode).toBe(403);
    const [n] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM orders WHERE location_id = ${store}`,
    );
    expect(n!.n).toBe(0);
  });

  it('staff find orders across channels by number or member, store roles only their stores, and head office exports CSV', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const other = await createTestLocation(app);
    const {
      jans: [jan],
      variantIds: [variantId],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 5);
    await receive(app, variantId!, other, 5);
    const { customer } = await registerCustomer(app, { name: '検索 花子' });
    const sale = (
      await app.api('POST', '/api/pos/sales', {
        body: {
          locationId: store,
          lines: [{ jan, quantity: 1 }],
          memberNumber: customer.memberNumber,
          payments: [{ method: 'cash', amount: 1100, tendered: 2000 }],
          clientTransactionId: 'search-1',
        },
      })
    ).json();
    await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: other,
        lines: [{ jan, quantity: 1 }],
        payments: [{ method: 'cash', amount: 1100 }],
        clientTransactionId: 'search-2',
      },
    });
    const byNumber = (await app.api('GET', `/api/orders?q=${sale.order.number}`)).json();
    expect(byNumber.items.map((o: { id: string }) => o.id)).toEqual([sale.order.id]);
    const byMember = (await app.api('GET', `/api/orders?q=${customer.memberNumber}`)).json();
    expect(byMember.items[0]).toMatchObject({
      id: sale.order.id,
      customerName: '検索 花子',
      fulfilmentTypes: 'instore',
    });
    await app.api('POST', '/api/staff', {
      body: {
        email: 'search.clerk@example.jp',
        name: '店員',
        password: 'clerk-password-1',
        role: 'staff',
        locationIds: [other],
      },
    });
    const token = (
      await app.api('POST', '/api/auth/login', {
        token: null,
        body: { email: 'search.clerk@example.jp', password: 'clerk-password-1' },
      })
    ).json().token;
    const clerkSees = (await app.api('GET', '/api/orders?channel=store', { token })).json().items as Array<{
      locationId: string;
    }>;
    expect(clerkSees.length).toBeGreaterThan(0);
    expect(clerkSees.every((o) => o.locationId === other)).toBe(true);
    const csv = await app.api('GET', `/api/orders.csv?locationId=${store}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\ufeff注文番号,')).toBe(true);
    expect(csv.body).toContain(sale.order.number);
  });

  it('quotes a basket without selling it, and refuses a coupon that does not exist', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const tea = await createTestProduct(app, { name: '麦茶', taxRate: 8 });
    await receive(app, tea.variantIds[0]!, store, 5);
    const quote = await app.api('POST', '/api/pos/quote', {
      body: { locationId: store, lines: [{ jan: tea.jans[0], quantity: 3 }] },
    });
    expect(quote.statusCode).toBe(200);
    expect(quote.json()).toMatchObject({ total: 3300, taxes: [{ rate: 8, base: 3300, tax: 244 }] });
    expect(await onHand(app, tea.variantIds[0]!, store)).toBe(5);
    const bad = await app.api('POST', '/api/pos/quote', {
      body: { locationId: store, lines: [{ jan: tea.jans[0], quantity: 1 }], coupons: ['NO-SUCH-CODE'] },
    });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().code).toBe('coupon.not_found');
  });

  it('one member at two tills at once: only one sale gets her first-purchase discount', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      productId,
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 5);
    // Targeted at this product only, so the other sales in this file are not discounted.
    expect(
      (
        await app.api('POST', '/api/promotions', {
          body: {
            name: '初回購入10%オフ',
            kind: 'percent_off',
            params: { percent: 10 },
            target: { type: 'products', ids: [productId] },
            conditions: { firstPurchaseOnly: true },
          },
        })
      ).statusCode,
    ).toBe(201);
    const { customer } = await registerCustomer(app);
    const basket = { locationId: store, lines: [{ jan, quantity: 1 }], customerId: customer.id };
    expect((await app.api('POST', '/api/pos/quote', { body: basket })).json()).toMatchObject({
      discountTotal: 110,
      total: 990,
    });
    const sales = await Promise.all(
      ['till-a-0001', 'till-b-0001'].map((id) =>
        app.api('POST', '/api/pos/sales', {
          body: { ...basket, payments: [{ method: 'cash', amount: 990 }], clientTransactionId: id },
        }),
      ),
    );
    expect(sales.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    // Refused in the sale's transaction (the member lock), or — when the two ran one after the other —
    // priced at full price, which the payment of 990 no longer matches.
    expect(['promotion.not_eligible', 'payment.amount_mismatch']).toContain(
      sales.find((r) => r.statusCode === 409)!.json().code,
    );
    expect(await onHand(app, variantId!, store)).toBe(4);
  });
  it('a quote with the points she will pay with promises what the sale then earns', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const shirt = await createTestProduct(app, { name: 'リネンシャツ' });
    await receive(app, shirt.variantIds[0]!, store, 5);
    const { customer, token } = await registerCustomer(app);
    const sell = async (payments: Array<{ method: string; amount: number }>, id: string) => {
      const res = await app.api('POST', '/api/pos/sales', {
        body: { ...basket, payments, clientTransactionId: id, presenceToken: await presentAt(app, token, store) },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().order.pointsEarned as number;
    };
    const basket = { locationId: store, lines: [{ jan: shirt.jans[0], quantity: 1 }], customerId: customer.id };
    expect(await sell([{ method: 'cash', amount: 1100 }], 'till-p-0001')).toBe(11);
    // She pays ¥11 of the next ¥1,100 with her 11 points: ¥1,089 earns 10, not 11.
    const quote = await app.api('POST', '/api/pos/quote', { body: { ...basket, pointsUsed: 11 } });
    expect(quote.statusCode, quote.body).toBe(200);
    expect(quote.json()).toMatchObject({ total: 1100, pointsToEarn: 10 });
    const earned = await sell(
      [
        { method: 'points', amount: 11 },
        { method: 'cash', amount: 1089 },
      ],
      'till-p-0002',
    );
    expect(earned).toBe(quote.json().pointsToEarn);
  });
});
