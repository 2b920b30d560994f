import { heldOut } from './campaign-world.ts';
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  presentAt,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { issueCoupons } from '../promotions/service.ts';
import { offerKey } from './campaigns.ts';

/**
 * A campaign's offer (特典クーポン): each member it messages is issued one single-use code to her account,
 * listed in her app and at the till, used once, and the order that used it counts for the campaign.
 */

interface Member {
  id: string;
  token: string;
  memberNumber: string;
}

let worlds = 0;
/** A store, eight members living by it, a segment of them and a ¥500-off promotion with a single-use coupon. */
async function world(app: TestApp) {
  const db = app.server.database.db;
  // Each test's store far from the others', so each segment holds that test's members only.
  const store = await createTestLocation(app, { name: '渋谷店', lat: 20 + 0.5 * ++worlds, lng: 139.7041 });
  const members: Member[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await registerCustomer(app, { name: `会員 ${i}` });
    await db.execute(sql`UPDATE customers SET home_location_id = ${store} WHERE id = ${r.customer.id}`);
    members.push({ id: r.customer.id, token: r.token, memberNumber: r.customer.memberNumber });
  }
  const segment = await app.api('POST', '/api/segments', {
    body: { name: '渋谷店の近く', rules: { conditions: [{ field: 'near_store', locationId: store, km: 1 }] } },
  });
  expect(segment.statusCode, segment.body).toBe(201);
  const promo = await app.api('POST', '/api/promotions', {
    body: {
      name: '雨の日500円引き',
      description: '税込1,000円以上のお買い物で',
      kind: 'amount_off',
      params: { amount: 500 },
      requiresCoupon: true,
    },
  });
  expect(promo.statusCode, promo.body).toBe(201);
  const coupon = await app.api('POST', '/api/coupons/batches', {
    body: { coupon: { promotionId: promo.json().id, issuedChannel: 'campaign' }, count: 0 },
  });
  expect(coupon.statusCode, coupon.body).toBe(201);
  return {
    store,
    members,
    segmentId: segment.json().id as string,
    promotionId: promo.json().id as string,
    couponId: coupon.json().couponId as string,
  };
}

type World = Awaited<ReturnType<typeof world>>;

async function draft(app: TestApp, w: World, extra: Record<string, unknown> = {}) {
  const res = await app.api('POST', '/api/campaigns', {
    body: {
      name: '雨の日クーポン',
      segmentId: w.segmentId,
      title: '雨の日は渋谷店へ',
      body: 'クーポンをお届けしました。',
      offerCouponId: w.couponId,
      ...extra,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function recipients(app: TestApp, campaignId: string) {
  return query<{ customer_id: string; status: string }>(
    app.server.database.db,
    sql`SELECT customer_id, status FROM campaign_recipients WHERE campaign_id = ${campaignId}`,
  );
}

async function issuedCodes(app: TestApp, campaignId: string) {
  return query<{ customer_id: string; code: string }>(
    app.server.database.db,
    sql`SELECT customer_id, code FROM coupon_codes WHERE issued_for = ${offerKey(campaignId)}`,
  );
}

async function myCoupons(app: TestApp, m: Member) {
  const res = await app.api('GET', '/api/account/coupons', { token: m.token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Array<{ code: string; name: string; description: string; expiresAt: string | null }>;
}

/**
 * A draft whose draw holds out at least one member and messages at least two (ids are random, so drafts
 * that do not are deleted before anything is sent), then sent by two requests at the same moment.
 */
async function sentWithBothGroups(app: TestApp, w: World) {
  for (;;) {
    const id = await draft(app, w, { holdoutPercent: 40 });
    const held = w.members.filter((m) => heldOut(id, m.id, 40));
    if (held.length < 1 || w.members.length - held.length < 2) {
      await app.api('DELETE', `/api/campaigns/${id}`);
      continue;
    }
    const sends = await Promise.all([1, 2].map(() => app.api('POST', `/api/campaigns/${id}/send`)));
    const queued = w.members.filter((m) => !held.includes(m));
    expect((await recipients(app, id)).filter((r) => r.status === 'queued')).toHaveLength(queued.length);
    return { id, sends, queued, held };
  }
}

describeEachDatabase('campaign offers: a single-use coupon issued to each messaged member', (ctx) => {
  it('sending with an offer issues exactly one code to each messaged member and none to the holdout, even when two sends race', async () => {
    const app = ctx();
    const w = await world(app);
    const { id, sends, queued, held } = await sentWithBothGroups(app, w);
    // Two sends raced: one sent, the other was told it was already sent.
    expect(sends.map((s) => s.statusCode).sort()).toEqual([200, 409]);
    const sent = sends.find((s) => s.statusCode === 200)!.json();
    expect(sent.counts.issued).toBe(queued.length);
    const codes = await issuedCodes(app, id);
    expect(codes.map((c) => c.customer_id).sort()).toEqual(queued.map((m) => m.id).sort());
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
    // Issuing again for the same campaign (a retry) adds nothing.
    const again = await inTransaction(app.server.database.db, (tx) =>
      issueCoupons(tx, {
        couponId: w.couponId,
        issuedFor: offerKey(id),
        members: sql`SELECT customer_id FROM campaign_recipients WHERE campaign_id = ${id}`.append(
          sql` AND status = 'queued'`,
        ),
      }),
    );
    expect(again).toBe(0);
    expect(await issuedCodes(app, id)).toHaveLength(queued.length);

    // Her coupon list shows it with the promotion's words; the holdout's is empty.
    const mine = await myCoupons(app, queued[0]!);
    expect(mine).toEqual([
      expect.objectContaining({
        code: codes.find((c) => c.customer_id === queued[0]!.id)!.code,
        name: '雨の日500円引き',
        description: '税込1,000円以上のお買い物で',
        kind: 'amount_off',
        params: { amount: 500 },
      }),
    ]);
    expect(await myCoupons(app, held[0]!)).toEqual([]);
    // The inbox notice opens her coupon list (the campaign has no link of its own).
    const inbox = (await app.api('GET', '/api/account/notifications', { token: queued[0]!.token })).json();
    expect(inbox.items.find((n: { kind: string }) => n.kind === 'campaign')).toMatchObject({
      payload: { link: '/account/coupons' },
    });
    // The campaign's page counts them.
    const page = (await app.api('GET', `/api/campaigns/${id}`)).json();
    expect(page.offer).toEqual({ issued: queued.length, redeemed: 0 });
  });

  it('an offer must be an existing, active single-use coupon: 404 or 409 naming offerCouponId, also at sending', async () => {
    const app = ctx();
    const w = await world(app);
    const bad = async (offerCouponId: string) => {
      const res = await app.api('POST', '/api/campaigns', {
        body: { name: 'x', segmentId: w.segmentId, title: 't', body: 'b', offerCouponId },
      });
      return {
        status: res.statusCode,
        code: res.json().code,
        fields: res.json().errors?.map((e: { field: string }) => e.field),
      };
    };
    expect(await bad('cpn_nothing')).toEqual({ status: 404, code: 'coupon.not_found', fields: ['offerCouponId'] });
    const open = await app.api('POST', '/api/coupons', {
      body: { promotionId: w.promotionId, code: `RAIN${worlds}X` },
    });
    expect(open.statusCode, open.body).toBe(201);
    expect(await bad(open.json().id)).toEqual({ status: 409, code: 'coupon.not_issuable', fields: ['offerCouponId'] });
    // A draft whose promotion is switched off before sending: nothing is sent.
    const id = await draft(app, w);
    expect((await app.api('PATCH', `/api/promotions/${w.promotionId}`, { body: { active: false } })).statusCode).toBe(
      200,
    );
    const refused = await app.api('POST', `/api/campaigns/${id}/send`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'coupon.not_issuable' });
    expect(await recipients(app, id)).toEqual([]);
    expect(await bad(w.couponId)).toMatchObject({ status: 409, fields: ['offerCouponId'] });
  });

  it('her issued code is hers alone and used once: two of her checkouts racing with it, one wins; another member is refused', async () => {
    const app = ctx();
    const w = await world(app);
    const { variantIds } = await createTestProduct(app);
    await receive(app, variantIds[0]!, w.store, 20);
    const id = await draft(app, w, { holdoutPercent: 0 });
    expect((await app.api('POST', `/api/campaigns/${id}/send`)).statusCode).toBe(200);
    const [aiko, other] = w.members as [Member, Member];
    const { code } = (await myCoupons(app, aiko))[0]!;
    const cart = async (m: Member) => {
      const res = await app.api('POST', '/api/carts', { token: m.token, body: {} });
      const cartId = res.json().id as string;
      await app.api('POST', `/api/carts/${cartId}/lines`, {
        token: m.token,
        body: { variantId: variantIds[0], quantity: 1 },
      });
      await app.api('PUT', `/api/carts/${cartId}/fulfilment`, {
        token: m.token,
        body: { type: 'pickup', locationId: w.store },
      });
      return cartId;
    };
    const theirs = await cart(other);
    const stolen = await app.api('POST', `/api/carts/${theirs}/coupons`, { token: other.token, body: { code } });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().code).toBe('coupon.issued_to_another');

    const carts = [await cart(aiko), await cart(aiko)];
    for (const c of carts) {
      const res = await app.api('POST', `/api/carts/${c}/coupons`, { token: aiko.token, body: { code } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().discountTotal).toBe(500);
    }
    const pay = { payment: { method: 'pay_at_store' } };
    const both = await Promise.all(
      carts.map((c) => app.api('POST', `/api/carts/${c}/checkout`, { token: aiko.token, body: pay })),
    );
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().code).toBe('coupon.used');
    // Used: gone from her list, counted on the campaign's page.
    expect(await myCoupons(app, aiko)).toEqual([]);
    expect((await app.api('GET', `/api/campaigns/${id}`)).json().offer.redeemed).toBe(1);
  });

  it('at the till: her scanned app QR lists her coupon and the sale applies it; her member number alone does not spend it', async () => {
    const app = ctx();
    const w = await world(app);
    const { variantIds, jans } = await createTestProduct(app);
    await receive(app, variantIds[0]!, w.store, 20);
    const id = await draft(app, w, { holdoutPercent: 0 });
    expect((await app.api('POST', `/api/campaigns/${id}/send`)).statusCode).toBe(200);
    const aiko = w.members[0]!;
    const sale = (extra: Record<string, unknown>) =>
      app.api('POST', '/api/pos/sales', {
        body: {
          locationId: w.store,
          lines: [{ jan: jans[0], quantity: 1 }],
          payments: [{ method: 'cash', amount: 600 }],
          clientTransactionId: newId('till'),
          ...extra,
        },
      });
    const { code } = (await myCoupons(app, aiko))[0]!;
    // A member number names her and earns; it does not spend her coupon.
    const byNumber = await sale({ memberNumber: aiko.memberNumber, coupons: [code] });
    expect(byNumber.statusCode).toBe(403);
    expect(byNumber.json().code).toBe('customer.presence_required');

    // Her app's QR, scanned: the card lists her coupon and carries the presence token.
    const qr = (await app.api('GET', '/api/account/member-code', { token: aiko.token })).json().code;
    const card = await app.api('POST', '/api/member-codes/resolve', { body: { locationId: w.store, code: qr } });
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json().coupons).toEqual([expect.objectContaining({ code, name: '雨の日500円引き' })]);
    const quote = await app.api('POST', '/api/pos/quote', {
      body: { locationId: w.store, lines: [{ jan: jans[0], quantity: 1 }], customerId: aiko.id, coupons: [code] },
    });
    expect(quote.json()).toMatchObject({ total: 600, discountTotal: 500 });
    const paid = await sale({ customerId: aiko.id, coupons: [code], presenceToken: card.json().presence.token });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().order).toMatchObject({
      total: 600,
      discounts: [expect.objectContaining({ code, amount: 500 })],
    });
    expect(await myCoupons(app, aiko)).toEqual([]);
    // Another scan of her (a new QR) no longer lists it.
    await presentAt(app, aiko.token, w.store);
    const r = (await app.api('GET', `/api/campaigns/${id}/results`)).json();
    expect(r.redeemed).toEqual({
      count: 1,
      discount: 500,
      byChannel: [{ channel: 'store', count: 1, discount: 500 }],
      byStore: [{ locationId: w.store, count: 1, discount: 500 }],
    });
    expect(r.attributed).toMatchObject({ orders: 1, inStore: { orders: 1, sales: 600 } });
  });

  it('the order that used a campaign’s code is that campaign’s, even when another campaign messaged her later', async () => {
    const app = ctx();
    const w = await world(app);
    const { variantIds, jans } = await createTestProduct(app);
    await receive(app, variantIds[0]!, w.store, 20);
    const first = await draft(app, w, { holdoutPercent: 0 });
    expect((await app.api('POST', `/api/campaigns/${first}/send`)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    const later = await draft(app, w, { holdoutPercent: 0, name: '第二弾', offerCouponId: null });
    expect((await app.api('POST', `/api/campaigns/${later}/send`)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    const [aiko, hana] = w.members as [Member, Member];
    const till = async (m: Member, coupons: string[]) => {
      const presenceToken = await presentAt(app, m.token, w.store);
      const res = await app.api('POST', '/api/pos/sales', {
        body: {
          locationId: w.store,
          lines: [{ jan: jans[0], quantity: 1 }],
          customerId: m.id,
          coupons,
          presenceToken,
          payments: [{ method: 'cash', amount: coupons.length ? 600 : 1100 }],
          clientTransactionId: newId('till'),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    // Aiko uses the first campaign's code; Hana buys without it.
    await till(aiko, [(await myCoupons(app, aiko))[0]!.code]);
    await till(hana, []);
    const a = (await app.api('GET', `/api/campaigns/${first}/results`)).json();
    const b = (await app.api('GET', `/api/campaigns/${later}/results`)).json();
    // By the code first: Aiko's order is the first campaign's. Else the last message: Hana's is the later one's.
    expect(a.attributed).toMatchObject({ orders: 1, sales: 600 });
    expect(a.redeemed).toMatchObject({ count: 1, discount: 500 });
    expect(b.attributed).toMatchObject({ orders: 1, sales: 1100 });
    expect(b.redeemed).toBeNull();
  });

  it('merging her duplicate record brings its unused coupon along, unless she already holds one from that campaign; undo takes it back', async () => {
    const app = ctx();
    const w = await world(app);
    const id = await draft(app, w, { holdoutPercent: 0 });
    expect((await app.api('POST', `/api/campaigns/${id}/send`)).statusCode).toBe(200);
    // A till record of hers that no campaign reached, and one of the messaged members (her duplicate online).
    const till = (await app.api('POST', '/api/customers', { body: { name: '会員 0' } })).json();
    const dup = w.members[1]!;
    const merge = await app.api('POST', `/api/customers/${till.id}/merge`, {
      body: { otherId: dup.id, reason: '同一人物（店頭で確認）' },
    });
    expect(merge.statusCode, merge.body).toBe(201);
    expect(merge.json().moved).toMatchObject({ issuedCoupons: 1 });
    const owners = async () =>
      (await issuedCodes(app, id)).filter((c) => c.customer_id === till.id || c.customer_id === dup.id);
    expect((await owners()).map((c) => c.customer_id)).toEqual([till.id]);
    // Merged into a member who has her own code from the same campaign: one per member per campaign, so it stays.
    const again = await app.api('POST', `/api/customers/${w.members[2]!.id}/merge`, {
      body: { otherId: w.members[3]!.id, reason: '同一人物（店頭で確認）' },
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().moved.issuedCoupons ?? 0).toBe(0);
    const undo = await app.api('POST', `/api/customer-merges/${merge.json().id}/undo`);
    expect(undo.statusCode, undo.body).toBeLessThan(300);
    expect((await owners()).map((c) => c.customer_id)).toEqual([dup.id]);
  });
});
