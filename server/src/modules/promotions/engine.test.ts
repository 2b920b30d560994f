import { describe, expect, it } from 'vitest';
import { applyOffers, type EngineContext, type EngineLine, type EnginePromotion, type Offer } from './engine.ts';

const now = new Date('2026-04-01T03:00:00Z');
const ctx: EngineContext = { channel: 'web', locationId: null, tier: 'regular', firstPurchase: false, now };

const noConditions: EnginePromotion['conditions'] = {
  channels: [],
  locationIds: [],
  tiers: [],
  firstPurchaseOnly: false,
  minSpend: 0,
};

function promo(over: Partial<EnginePromotion> & Pick<EnginePromotion, 'kind' | 'params'>): EnginePromotion {
  return {
    id: over.id ?? `prm_${Math.random().toString(36).slice(2, 8)}`,
    name: over.name ?? 'テスト割引',
    target: { type: 'all', ids: [] },
    startsAt: null,
    endsAt: null,
    priority: 0,
    stackable: true,
    active: true,
    requiresCoupon: false,
    ...over,
    conditions: { ...noConditions, ...over.conditions },
  };
}
const auto = (...ps: EnginePromotion[]): Offer[] => ps.map((promotion) => ({ promotion, code: null }));
const line = (variantId: string, unitPrice: number, quantity: number, extra: Partial<EngineLine> = {}): EngineLine => ({
  variantId,
  productId: `prd_${variantId}`,
  categoryIds: [],
  quantity,
  unitPrice,
  total: unitPrice * quantity,
  ...extra,
});

describe('promotion engine', () => {
  it('percent off rounds down and spreads over lines so they add up exactly', () => {
    const lines = [line('a', 1100, 1), line('b', 333, 3)];
    const r = applyOffers(lines, ctx, auto(promo({ kind: 'percent_off', params: { percent: 10 } })));
    expect(r.total).toBe(Math.floor((1100 + 999) * 0.1)); // 209
    expect(r.lineDiscounts.reduce((s, x) => s + x, 0)).toBe(209);
    expect(r.lineDiscounts).toEqual([110, 99]);
  });

  it('amount off never takes a basket below zero', () => {
    const r = applyOffers(
      [line('a', 300, 1), line('b', 200, 1)],
      ctx,
      auto(promo({ kind: 'amount_off', params: { amount: 1000 } })),
    );
    expect(r.lineDiscounts).toEqual([300, 200]);
    expect(r.total).toBe(500);
  });

  it('buy 2 get 1: the cheapest of every three units is free', () => {
    const lines = [line('a', 1000, 2), line('b', 500, 2)];
    const r = applyOffers(lines, ctx, auto(promo({ kind: 'buy_x_get_y', params: { buy: 2, get: 1 } })));
    // 4 units → one group of 3 → one free unit, the cheapest (¥500)
    expect(r.lineDiscounts).toEqual([0, 500]);
    const half = applyOffers(
      [line('a', 999, 3)],
      ctx,
      auto(promo({ kind: 'buy_x_get_y', params: { buy: 2, get: 1, percent: 50 } })),
    );
    expect(half.total).toBe(499);
  });

  it('bundle price: any 3 for ¥2,000, the dearest units bundled', () => {
    const lines = [line('a', 1100, 2), line('b', 800, 2)];
    const r = applyOffers(lines, ctx, auto(promo({ kind: 'bundle_price', params: { quantity: 3, price: 2000 } })));
    // bundle 1100+1100+800 = 3000 → 2000: saves 1000, spread 1100:1100:800 over the lines
    expect(r.total).toBe(1000);
    expect(r.lineDiscounts).toEqual([733, 267]);
    // cheaper than the bundle already: nothing
    expect(
      applyOffers([line('c', 500, 3)], ctx, auto(promo({ kind: 'bundle_price', params: { quantity: 3, price: 2000 } })))
        .total,
    ).toBe(0);
  });

  it('targets categories (with ancestors), products and variants', () => {
    const lines = [
      line('a', 1000, 1, { categoryIds: ['cat_shirts', 'cat_tops'] }),
      line('b', 1000, 1, { categoryIds: ['cat_food'] }),
    ];
    expect(
      applyOffers(
        lines,
        ctx,
        auto(
          promo({ kind: 'percent_off', params: { percent: 10 }, target: { type: 'categories', ids: ['cat_tops'] } }),
        ),
      ).lineDiscounts,
    ).toEqual([100, 0]);
    expect(
      applyOffers(
        lines,
        ctx,
        auto(promo({ kind: 'percent_off', params: { percent: 10 }, target: { type: 'products', ids: ['prd_b'] } })),
      ).lineDiscounts,
    ).toEqual([0, 100]);
    expect(
      applyOffers(
        lines,
        ctx,
        auto(promo({ kind: 'percent_off', params: { percent: 10 }, target: { type: 'variants', ids: ['a'] } })),
      ).lineDiscounts,
    ).toEqual([100, 0]);
  });

  it('tier-only, first purchase, channel, store and time windows', () => {
    const lines = [line('a', 1000, 1)];
    const p = (conditions: Partial<EnginePromotion['conditions']>, extra: Partial<EnginePromotion> = {}) =>
      auto(
        promo({
          kind: 'amount_off',
          params: { amount: 100 },
          conditions: conditions as EnginePromotion['conditions'],
          ...extra,
        }),
      );
    expect(applyOffers(lines, ctx, p({ tiers: ['gold'] })).total).toBe(0);
    expect(applyOffers(lines, { ...ctx, tier: 'gold' }, p({ tiers: ['gold'] })).total).toBe(100);
    expect(applyOffers(lines, ctx, p({ firstPurchaseOnly: true })).total).toBe(0);
    expect(applyOffers(lines, { ...ctx, firstPurchase: true }, p({ firstPurchaseOnly: true })).total).toBe(100);
    expect(applyOffers(lines, ctx, p({ channels: ['store'] })).total).toBe(0);
    expect(
      applyOffers(
        lines,
        { ...ctx, channel: 'store', locationId: 'loc_1' },
        p({ channels: ['store'], locationIds: ['loc_1'] }),
      ).total,
    ).toBe(100);
    expect(
      applyOffers(lines, { ...ctx, channel: 'store', locationId: 'loc_2' }, p({ locationIds: ['loc_1'] })).total,
    ).toBe(0);
    expect(applyOffers(lines, ctx, p({}, { startsAt: new Date('2026-04-02T00:00:00Z') })).total).toBe(0);
    expect(applyOffers(lines, ctx, p({}, { endsAt: now })).total).toBe(0); // the end is exclusive
    expect(applyOffers(lines, ctx, p({}, { startsAt: now, endsAt: new Date('2026-04-08T00:00:00Z') })).total).toBe(100);
    expect(applyOffers(lines, ctx, p({}, { active: false })).total).toBe(0);
    // a coupon-only promotion needs its code
    const couponOnly = promo({ kind: 'amount_off', params: { amount: 100 }, requiresCoupon: true });
    expect(applyOffers(lines, ctx, [{ promotion: couponOnly, code: null }]).total).toBe(0);
    expect(applyOffers(lines, ctx, [{ promotion: couponOnly, code: 'SPRING' }]).applied).toMatchObject([
      { code: 'SPRING', coupon: true, amount: 100 },
    ]);
  });

  it('minimum spend counts the targeted lines before discounts', () => {
    const p = auto(
      promo({
        kind: 'amount_off',
        params: { amount: 500 },
        conditions: { minSpend: 3000 } as EnginePromotion['conditions'],
      }),
    );
    expect(applyOffers([line('a', 1000, 2)], ctx, p).total).toBe(0);
    expect(applyOffers([line('a', 1000, 3)], ctx, p).total).toBe(500);
  });

  it('stacks stackable offers by priority, each on what is left', () => {
    const off500 = promo({ id: 'prm_a', kind: 'amount_off', params: { amount: 500 }, priority: 10 });
    const pct10 = promo({ id: 'prm_b', kind: 'percent_off', params: { percent: 10 }, priority: 5 });
    const r = applyOffers([line('a', 3000, 1)], ctx, auto(pct10, off500));
    expect(r.applied.map((d) => [d.code, d.amount])).toEqual([
      ['prm_a', 500],
      ['prm_b', 250],
    ]);
    expect(r.total).toBe(750);
  });

  it('a non-stackable offer stands alone, and the best outcome for the customer wins', () => {
    const stackA = promo({ id: 'prm_a', kind: 'amount_off', params: { amount: 300 } });
    const stackB = promo({ id: 'prm_b', kind: 'amount_off', params: { amount: 300 } });
    const solo = promo({ id: 'prm_c', kind: 'percent_off', params: { percent: 20 }, stackable: false, priority: 100 });
    // 20 % of 2000 = 400 < 600 stacked
    expect(applyOffers([line('a', 2000, 1)], ctx, auto(stackA, stackB, solo)).applied.map((d) => d.code)).toEqual([
      'prm_a',
      'prm_b',
    ]);
    // 20 % of 5000 = 1000 > 600: the non-stackable one alone
    const big = applyOffers([line('a', 5000, 1)], ctx, auto(stackA, stackB, solo));
    expect(big.applied.map((d) => [d.code, d.amount])).toEqual([['prm_c', 1000]]);
  });

  it('the same promotion counts once, and the coupon that brought it is named', () => {
    const p = promo({ id: 'prm_x', kind: 'amount_off', params: { amount: 100 } });
    const r = applyOffers([line('a', 1000, 1)], ctx, [
      { promotion: p, code: null },
      { promotion: p, code: 'ABC' },
      { promotion: p, code: 'DEF' },
    ]);
    expect(r.applied).toMatchObject([{ code: 'ABC', amount: 100 }]);
  });
});
