import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
  stockedStore,
} from '../../test/harness.ts';
import { CODE_ALPHABET } from './admin.ts';

async function level(app: TestApp, variantId: string, locationId: string) {
  const [row] = await query<{ on_hand: number; reserved: number }>(
    app.server.database.db,
    sql`SELECT on_hand, reserved FROM stock_levels WHERE variant_id = ${variantId} AND location_id = ${locationId}`,
  );
  return { onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
}

async function cartWith(
  app: TestApp,
  lines: Array<[string, number]>,
  opts: { token?: string | null; pickupAt?: string; body?: Record<string, unknown> } = {},
) {
  const token = opts.token === undefined ? null : opts.token;
  const res = await app.api('POST', '/api/carts', { token, body: opts.body ?? { deviceId: 'device-promo-test' } });
  if (res.statusCode !== 201) throw new Error(res.body);
  const cart = res.json();
  for (const [variantId, quantity] of lines) {
    const added = await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity } });
    if (added.statusCode !== 200) throw new Error(added.body);
  }
  if (opts.pickupAt)
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token,
      body: { type: 'pickup', locationId: opts.pickupAt },
    });
  return cart.id as string;
}

async function promotion(app: TestApp, body: Record<string, unknown>) {
  const res = await app.api('POST', '/api/promotions', { body });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string };
}

async function publicCoupon(app: TestApp, body: Record<string, unknown>) {
  const res = await app.api('POST', '/api/coupons', { body });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; code: string };
}

const guest = (i: number) => ({
  guest: { name: `客${i}`, email: `promo${i}@example.jp` },
  payment: { method: 'pay_at_store' },
});

describeEachDatabase('promotions and coupons', (ctx) => {
  it('a coupon on a mixed-rate cart: the discount is spread so 内消費税 per rate stays exact; checkout records where it was used', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const shirt = await createTestProduct(app, { name: 'シャツ' });
    const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
    await receive(app, shirt.variantIds[0]!, store, 5);
    await receive(app, tea.variantIds[0]!, store, 5);
    const promo = await promotion(app, {
      name: '春の330円引き',
      kind: 'amount_off',
      params: { amount: 330 },
      requiresCoupon: true,
    });
    const coupon = await publicCoupon(app, {
      promotionId: promo.id,
      code: 'spring-2026',
      issuedChannel: 'line',
      campaign: '春キャンペーン',
    });
    expect(coupon.code).toBe('SPRING2026');

    const cartId = await cartWith(
      app,
      [
        [shirt.variantIds[0]!, 2],
        [tea.variantIds[0]!, 1],
      ],
      { pickupAt: store },
    );
    expect((await app.api('GET', `/api/carts/${cartId}`, { token: null })).json()).toMatchObject({
      subtotal: 3300,
      discountTotal: 0,
      total: 3300,
    });
    const withCoupon = await app.api('POST', `/api/carts/${cartId}/coupons`, {
      token: null,
      body: { code: ' Spring-2026 ' },
    });
    expect(withCoupon.statusCode).toBe(200);
    const cart = withCoupon.json();
    // ¥330 spread 2200 : 1100 → 220 on the shirts (10 %), 110 on the tea (8 %)
    expect(cart).toMatchObject({
      subtotal: 3300,
      discountTotal: 330,
      total: 2970,
      discounts: [{ code: 'SPRING2026', label: '春の330円引き', amount: 330 }],
    });
    expect(cart.lines.map((l: { discount: number }) => l.discount)).toEqual([220, 110]);
    expect(cart.taxes).toEqual([
      { rate: 10, base: 1980, tax: 180 },
      { rate: 8, base: 990, tax: 73 },
    ]);

    const placed = await app.api('POST', `/api/carts/${cartId}/checkout`, { token: null, body: guest(1) });
    expect(placed.statusCode).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({ total: 2970, discountTotal: 330, discounts: [{ code: 'SPRING2026', amount: 330 }] });
    expect(order.lines.map((l: { discount: number; total: number }) => [l.discount, l.total])).toEqual([
      [220, 1980],
      [110, 990],
    ]);

    const att = (await app.api('GET', `/api/coupons/${coupon.id}/redemptions`)).json();
    expect(att).toMatchObject({
      issuedChannel: 'line',
      campaign: '春キャンペーン',
      redemptions: 1,
      discountTotal: 330,
      usedAt: [{ channel: 'web', locationId: store, count: 1, amount: 330 }],
    });
    expect(att.items[0]).toMatchObject({
      orderId: order.id,
      code: 'SPRING2026',
      issuedChannel: 'line',
      channel: 'web',
    });
  });

  it('refuses codes that do not work here, in Japanese or English', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
    } = await createTestProduct(app);
    const tillOnly = await promotion(app, {
      name: '店頭限定10%オフ',
      kind: 'percent_off',
      params: { percent: 10 },
      requiresCoupon: true,
      conditions: { channels: ['store'] },
    });
    await publicCoupon(app, { promotionId: tillOnly.id, code: 'TILLONLY' });
    const over = await promotion(app, {
      name: '終了したセール',
      kind: 'amount_off',
      params: { amount: 100 },
      requiresCoupon: true,
    });
    await publicCoupon(app, { promotionId: over.id, code: 'OVER2025', endsAt: '2025-12-31T15:00:00Z' });
    const cartId = await cartWith(app, [[variantId!, 1]]);

    const unknown = await app.api('POST', `/api/carts/${cartId}/coupons`, {
      token: null,
      body: { code: 'NOSUCHCODE' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'coupon.not_found', title: 'クーポンが見つかりません' });
    const expired = await app.api('POST', `/api/carts/${cartId}/coupons`, {
      token: null,
      body: { code: 'over2025' },
      headers: { 'accept-language': 'en' },
    });
    expect(expired.statusCode).toBe(409);
    expect(expired.json()).toMatchObject({ code: 'coupon.expired', title: 'This coupon is not valid now' });
    const web = await app.api('POST', `/api/carts/${cartId}/coupons`, { token: null, body: { code: 'TILLONLY' } });
    expect(web.statusCode).toBe(409);
    expect(web.json().code).toBe('coupon.not_for_channel');

    // the same code works at the till (a store cart opened by staff)
    const till = (await app.api('POST', '/api/carts', { body: { channel: 'store', locationId: store } })).json();
    await app.api('POST', `/api/carts/${till.id}/lines`, { body: { variantId, quantity: 2 } });
    const atTill = await app.api('POST', `/api/carts/${till.id}/coupons`, { body: { code: 'TILLONLY' } });
    expect(atTill.statusCode).toBe(200);
    expect(atTill.json()).toMatchObject({ subtotal: 2200, discountTotal: 220, total: 1980 });
    const removed = await app.api('DELETE', `/api/carts/${till.id}/coupons/TILLONLY`);
    expect(removed.json()).toMatchObject({ discountTotal: 0, total: 2200 });

    // HQ only: a member cannot author promotions
    const { token } = await registerCustomer(app);
    expect(
      (
        await app.api('POST', '/api/promotions', {
          token,
          body: { name: 'x', kind: 'percent_off', params: { percent: 50 } },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await app.api('POST', '/api/promotions', { body: { name: 'x', kind: 'percent_off', params: {} } })).statusCode,
    ).toBe(400);
  });

  it('automatic promotions apply without a code; PATCH ends them', async () => {
    const app = ctx();
    const {
      productId,
      variantIds: [variantId],
    } = await createTestProduct(app);
    const b2g1 = await promotion(app, {
      name: '2点買うと1点無料',
      kind: 'buy_x_get_y',
      params: { buy: 2, get: 1 },
      target: { type: 'products', ids: [productId] },
    });
    const cartId = await cartWith(app, [[variantId!, 3]]);
    expect((await app.api('GET', `/api/carts/${cartId}`, { token: null })).json()).toMatchObject({
      subtotal: 3300,
      discountTotal: 1100,
      total: 2200,
      discounts: [{ code: b2g1.id, label: '2点買うと1点無料', amount: 1100 }],
    });
    const patched = await app.api('PATCH', `/api/promotions/${b2g1.id}`, { body: { active: false } });
    expect(patched.json().active).toBe(false);
    expect((await app.api('GET', `/api/carts/${cartId}`, { token: null })).json()).toMatchObject({
      discountTotal: 0,
      total: 3300,
    });
    expect((await app.api('GET', '/api/promotions')).json().items.map((p: { id: string }) => p.id)).toContain(b2g1.id);
  });

  it('generates unguessable single-use codes in batches', async () => {
    const app = ctx();
    const promo = await promotion(app, {
      name: 'DM限定500円引き',
      kind: 'amount_off',
      params: { amount: 500 },
      requiresCoupon: true,
    });
    const res = await app.api('POST', '/api/coupons/batches', {
      body: { coupon: { promotionId: promo.id, issuedChannel: 'store', campaign: 'DM 4月' }, count: 500, prefix: 'dm' },
    });
    expect(res.statusCode).toBe(201);
    const batch = res.json() as { couponId: string; batchId: string; codes: string[] };
    expect(batch.codes).toHaveLength(500);
    expect(new Set(batch.codes).size).toBe(500);
    const shape = new RegExp(`^DM[${CODE_ALPHABET}]{12}$`);
    expect(batch.codes.every((c) => shape.test(c))).toBe(true);
    const more = await app.api('POST', '/api/coupons/batches', { body: { couponId: batch.couponId, count: 10 } });
    expect(more.json().codes).toHaveLength(10);
    expect(
      (await app.api('POST', '/api/coupons/batches', { body: { couponId: batch.couponId, count: 10_001 } })).statusCode,
    ).toBe(400);
  });

  it('a single-use code raced by 50 checkouts of 50 carts is redeemed exactly once; the rest reserve and charge nothing', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 60);
    const promo = await promotion(app, {
      name: '一回限り1000円引き',
      kind: 'amount_off',
      params: { amount: 1000 },
      requiresCoupon: true,
    });
    const batch = (
      await app.api('POST', '/api/coupons/batches', { body: { coupon: { promotionId: promo.id }, count: 1 } })
    ).json();
    const code = batch.codes[0] as string;
    const carts = await Promise.all(
      Array.from({ length: 50 }, () => cartWith(app, [[variantId!, 1]], { pickupAt: store })),
    );
    for (const id of carts)
      expect((await app.api('POST', `/api/carts/${id}/coupons`, { token: null, body: { code } })).json().total).toBe(
        100,
      );

    const results = await Promise.all(
      carts.map((id, i) => app.api('POST', `/api/carts/${id}/checkout`, { token: null, body: guest(i) })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c !== 201).every((c) => c === 409)).toBe(true);
    expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'coupon.used')).toBe(true);
    expect(results.find((r) => r.statusCode === 201)!.json()).toMatchObject({
      total: 100,
      discounts: [{ code, amount: 1000 }],
    });
    expect(await level(app, variantId!, store)).toEqual({ onHand: 60, reserved: 1 });
    const [used] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM coupon_redemptions WHERE code = ${code}`,
    );
    expect(used!.n).toBe(1);
    const [orders] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.variant_id = ${variantId}`,
    );
    expect(orders!.n).toBe(1);
    // a loser's cart is still open; the code is refused from now on
    const loser = carts[codes.findIndex((c) => c === 409)]!;
    expect((await app.api('GET', `/api/carts/${loser}`, { token: null })).json()).toMatchObject({
      status: 'open',
      discountTotal: 0,
    });
    expect((await app.api('POST', `/api/carts/${loser}/coupons`, { token: null, body: { code } })).json().code).toBe(
      'coupon.used',
    );
  });

  it('a per-member limit holds across carts and concurrent checkouts; guests cannot use such a coupon', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 10);
    const promo = await promotion(app, {
      name: '会員様1回限り200円引き',
      kind: 'amount_off',
      params: { amount: 200 },
      requiresCoupon: true,
    });
    await publicCoupon(app, { promotionId: promo.id, code: 'MEMBER200', perCustomerLimit: 1 });

    const anon = await cartWith(app, [[variantId!, 1]]);
    expect(
      (await app.api('POST', `/api/carts/${anon}/coupons`, { token: null, body: { code: 'MEMBER200' } })).json().code,
    ).toBe('coupon.members_only');

    const { token } = await registerCustomer(app);
    const a = await cartWith(app, [[variantId!, 1]], { token, pickupAt: store, body: {} });
    const b = await cartWith(app, [[variantId!, 1]], { token, pickupAt: store, body: {} });
    for (const id of [a, b])
      expect(
        (await app.api('POST', `/api/carts/${id}/coupons`, { token, body: { code: 'MEMBER200' } })).statusCode,
      ).toBe(200);
    const pay = { payment: { method: 'pay_at_store' } };
    const both = await Promise.all(
      [a, b].map((id) => app.api('POST', `/api/carts/${id}/checkout`, { token, body: pay })),
    );
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().code).toBe('coupon.limit_reached');
    expect(await level(app, variantId!, store)).toEqual({ onHand: 10, reserved: 1 });

    const c = await cartWith(app, [[variantId!, 1]], { token, body: {} });
    const again = await app.api('POST', `/api/carts/${c}/coupons`, {
      token,
      body: { code: 'MEMBER200' },
      headers: { 'accept-language': 'en' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'coupon.limit_reached',
      detail: 'Coupon MEMBER200 can be used 1 time(s) per member.',
    });
  });

  it('cancelling an order gives its coupons back: the single-use code works again, the member limit no longer counts it, HQ sees it released', async () => {
    const app = ctx();
    const { store, variantId } = await stockedStore(app, 5);
    const once = await promotion(app, {
      name: 'DM限定500円引き',
      kind: 'amount_off',
      params: { amount: 500 },
      requiresCoupon: true,
    });
    const batch = (
      await app.api('POST', '/api/coupons/batches', { body: { coupon: { promotionId: once.id }, count: 1 } })
    ).json();
    const code = batch.codes[0] as string;
    const member = await promotion(app, {
      name: '会員様1回限り200円引き',
      kind: 'amount_off',
      params: { amount: 200 },
      requiresCoupon: true,
    });
    const limited = await publicCoupon(app, { promotionId: member.id, code: 'COMEBACK200', perCustomerLimit: 1 });
    const { token } = await registerCustomer(app);
    const pay = { payment: { method: 'pay_at_store' } };
    const withCoupons = async (cartId: string) => {
      for (const c of [code, 'COMEBACK200'])
        expect((await app.api('POST', `/api/carts/${cartId}/coupons`, { token, body: { code: c } })).statusCode).toBe(
          200,
        );
    };

    const first = await cartWith(app, [[variantId!, 2]], { token, pickupAt: store, body: {} });
    await withCoupons(first);
    const order = (await app.api('POST', `/api/carts/${first}/checkout`, { token, body: pay })).json();
    expect(order).toMatchObject({ status: 'placed', discountTotal: 700, total: 1500 });
    const second = await cartWith(app, [[variantId!, 1]], { token, pickupAt: store, body: {} });
    expect((await app.api('POST', `/api/carts/${second}/coupons`, { token, body: { code } })).json().code).toBe(
      'coupon.used',
    );
    expect(
      (await app.api('POST', `/api/carts/${second}/coupons`, { token, body: { code: 'COMEBACK200' } })).json().code,
    ).toBe('coupon.limit_reached');

    const cancelled = await app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, {
      body: { status: 'cancelled' },
    });
    expect(cancelled.json().status).toBe('cancelled');
    await withCoupons(second);
    const again = await app.api('POST', `/api/carts/${second}/checkout`, { token, body: pay });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ discountTotal: 700, total: 400 });

    // The cancelled use is kept for the audit, marked released, and no longer counted.
    const att = (await app.api('GET', `/api/coupons/${batch.couponId}/redemptions`)).json();
    expect(att).toMatchObject({ redemptions: 1, released: 1, discountTotal: 500, usedAt: [{ count: 1, amount: 500 }] });
    expect(att.items.find((i: { orderId: string }) => i.orderId === order.id).releasedAt).not.toBeNull();
    expect(att.items.find((i: { orderId: string }) => i.orderId === again.json().id).releasedAt).toBeNull();
    expect((await app.api('GET', `/api/coupons/${limited.id}/redemptions`)).json()).toMatchObject({
      redemptions: 1,
      released: 1,
    });
  });

  it('one member, two first checkouts at the same moment: exactly one order gets the first-purchase discount; a loser is refused with nothing reserved', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const auto = await createTestProduct(app);
    const viaCode = await createTestProduct(app);
    await receive(app, auto.variantIds[0]!, store, 5);
    await receive(app, viaCode.variantIds[0]!, store, 5);
    // Targeted at this test's product: an automatic promotion would otherwise reach every cart in the file.
    await promotion(app, {
      name: '初回購入10%オフ',
      kind: 'percent_off',
      params: { percent: 10 },
      target: { type: 'products', ids: [auto.productId] },
      conditions: { firstPurchaseOnly: true },
    });
    const welcome = await promotion(app, {
      name: '初回限定300円引き',
      kind: 'amount_off',
      params: { amount: 300 },
      requiresCoupon: true,
      conditions: { firstPurchaseOnly: true },
    });
    await publicCoupon(app, { promotionId: welcome.id, code: 'WELCOME300' });
    const pay = { payment: { method: 'pay_at_store' } };

    /**
     * Both carts show the discount, then check out at once. On the Postgres server both are priced before
     * either commits, so the loser reaches the order's transaction and is refused there (without the
     * member lock both would be placed with the discount). Embedded PGlite may run the two one after the
     * other: the second is then priced after the first order and placed at full price — also correct.
     */
    const race = async (variantId: string, variantDiscount: number, code?: string) => {
      const { token } = await registerCustomer(app);
      const carts = await Promise.all(
        [0, 1].map(() => cartWith(app, [[variantId, 1]], { token, pickupAt: store, body: {} })),
      );
      for (const id of carts)
        if (code)
          expect((await app.api('POST', `/api/carts/${id}/coupons`, { token, body: { code } })).statusCode).toBe(200);
      for (const id of carts)
        expect((await app.api('GET', `/api/carts/${id}`, { token })).json().discountTotal).toBe(variantDiscount);
      const results = await Promise.all(
        carts.map((id) => app.api('POST', `/api/carts/${id}/checkout`, { token, body: pay })),
      );
      const placed = results.filter((r) => r.statusCode === 201).map((r) => r.json());
      const refused = results.filter((r) => r.statusCode !== 201);
      expect(placed.filter((o) => o.discountTotal > 0)).toEqual([
        expect.objectContaining({ discountTotal: variantDiscount, total: 1100 - variantDiscount }),
      ]);
      expect(placed.filter((o) => o.discountTotal === 0).every((o) => o.total === 1100)).toBe(true);
      expect(refused.every((r) => r.statusCode === 409)).toBe(true);
      expect(await level(app, variantId, store)).toEqual({ onHand: 5, reserved: placed.length });
      const loser = carts.find((_, i) => results[i]!.statusCode !== 201);
      return { token, loser, refused: refused.map((r) => r.json()) };
    };

    // An automatic promotion: the loser hears why, and her cart now shows the full price; she can order at it.
    const a = await race(auto.variantIds[0]!, 110);
    for (const problem of a.refused) {
      expect(problem).toMatchObject({ code: 'promotion.not_eligible', title: 'この割引の対象ではなくなりました' });
      expect(problem.detail).toContain('「初回購入10%オフ」は初回購入の会員様だけの割引です');
    }
    if (a.loser) {
      expect((await app.api('GET', `/api/carts/${a.loser}`, { token: a.token })).json()).toMatchObject({
        status: 'open',
        discountTotal: 0,
        total: 1100,
      });
      expect(
        (await app.api('POST', `/api/carts/${a.loser}/checkout`, { token: a.token, body: pay })).json(),
      ).toMatchObject({ discountTotal: 0, total: 1100 });
    }

    // A first-purchase coupon: the same, with the coupon's own problem; the code is recorded once.
    const c = await race(viaCode.variantIds[0]!, 300, 'WELCOME300');
    for (const problem of c.refused)
      expect(problem).toMatchObject({
        code: 'coupon.not_eligible',
        detail: 'クーポン WELCOME300 は初回購入の会員様だけご利用いただけます。',
      });
    const [uses] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM coupon_redemptions WHERE code = 'WELCOME300'`,
    );
    expect(uses!.n).toBe(1);
  });
});
