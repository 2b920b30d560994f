import { expect, it } from 'vitest';
import { inTransaction } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { earnableSpend } from './earnable-spend.ts';
import { priceLines } from './pricing.ts';
import { settlePurchase } from './settle-purchase.ts';
import type { FulfilmentType } from './schema.ts';

it('the spend that earns points leaves out the fee and what was paid with points', () => {
  expect(earnableSpend({ total: 3850, shippingFee: 550, pointsUsed: 0 })).toBe(3300);
  expect(earnableSpend({ total: 3850, shippingFee: 550, pointsUsed: 300 })).toBe(3000);
  expect(earnableSpend({ total: 500, shippingFee: 550, pointsUsed: 500 })).toBe(0);
});

/** The way each path records what it sold: where the points were used, and the fee the order carries. */
const CASES: Array<{
  name: string;
  fulfilment: FulfilmentType;
  distanceKm?: number;
  quantity: number;
  points: number;
}> = [
  { name: 'store pickup, paid partly with points', fulfilment: 'pickup', quantity: 2, points: 150 },
  { name: 'shipping with a fee and points', fulfilment: 'ship', quantity: 2, points: 200 },
  { name: 'local delivery with the far fee', fulfilment: 'delivery', distanceKm: 3.2, quantity: 1, points: 99 },
  { name: 'a hold paid at the till with points', fulfilment: 'hold', quantity: 3, points: 500 },
  { name: 'order-ahead without points', fulfilment: 'order_ahead', quantity: 1, points: 0 },
  { name: 'a till sale with points', fulfilment: 'instore', quantity: 4, points: 1000 },
];

async function coupon(app: TestApp, code: string) {
  const promo = await app.api('POST', '/api/promotions', {
    body: { name: '330円引き', kind: 'amount_off', params: { amount: 330 }, requiresCoupon: true },
  });
  if (promo.statusCode !== 201) throw new Error(promo.body);
  const c = await app.api('POST', '/api/coupons', { body: { promotionId: promo.json().id, code } });
  if (c.statusCode !== 201) throw new Error(c.body);
}

async function campaign(app: TestApp, body: { multiplier: number; channel: string; locationId: string }) {
  const hour = 3_600_000;
  const res = await app.api('POST', '/api/loyalty/campaigns', {
    body: {
      name: `ポイント${body.multiplier}倍`,
      ...body,
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + hour).toISOString(),
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
}

describeEachDatabase('points to earn: the promise is the award', (ctx) => {
  it('for every fulfilment, with fees, points used and a coupon, the cart’s points to earn are what the ledger gives', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { customer } = await registerCustomer(app);
    const store = await createTestLocation(app);
    const shirt = await createTestProduct(app, { name: 'シャツ' });
    const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
    await coupon(app, 'EARN330');
    // ポイント2倍 at this store's till, and ×5 at another store: only the first is in the promise and the award.
    const elsewhere = await createTestLocation(app);
    await campaign(app, { multiplier: 2, channel: 'store', locationId: store });
    await campaign(app, { multiplier: 5, channel: 'store', locationId: elsewhere });
    let feesSeen = 0;
    for (const c of CASES) {
      const lines = [
        { variantId: shirt.variantIds[0]!, quantity: c.quantity },
        { variantId: tea.variantIds[0]!, quantity: 1 },
      ];
      const scope = { channel: 'web' as const, locationId: null, customerId: customer.id, coupons: ['EARN330'] };
      // The promise: what the cart (and the till's quote) shows for these points.
      const promised = await priceLines(db, lines, {
        fulfilment: c.fulfilment,
        distanceKm: c.distanceKm,
        tier: 'regular',
        pointsUsed: c.points,
        earnAt: { channel: 'store', locationId: store },
        promotions: { ...scope, strict: true },
      });
      expect(promised.discountTotal, c.name).toBe(330);
      if (promised.shippingFee > 0) feesSeen++;
      // The award: the order as written (its total, its fee, the points used at checkout or at the till),
      // settled as checkout, the till and the hand-over settle it.
      const orderId = newId('ord');
      const { pointsEarned } = await inTransaction(db, (tx) =>
        settlePurchase(tx, {
          orderId,
          customerId: customer.id,
          channel: 'store',
          locationId: store,
          earn: { total: promised.total, shippingFee: promised.shippingFee, pointsUsed: c.points },
        }),
      );
      expect(pointsEarned, c.name).toBe(promised.pointsToEarn);
      expect(pointsEarned, c.name).toBeGreaterThan(0);
      // The store's ×2 is in it: twice what the same spend earns without a campaign (regular: 1 point per ¥100).
      const spend = promised.total - promised.shippingFee - c.points;
      expect(pointsEarned, c.name).toBe(Math.floor(spend / 100) * 2);
    }
    expect(feesSeen).toBe(2); // shipping and delivery carried a fee
  });
});
