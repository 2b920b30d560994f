/**
 * The promotion engine: pure functions from priced lines, a context and the offers in play (automatic
 * promotions and the cart's coupons) to discounts. No database, no clock: the caller passes `now`.
 *
 * Stacking rules (see README.md):
 * 1. An offer counts only if its promotion is active, inside its time window, for this channel, store,
 *    tier and (first-purchase) customer, its targeted lines reach minSpend, and it gives something.
 * 2. All eligible *stackable* offers apply together, highest priority first, each on what the earlier
 *    ones left (so ¥500 off then 10 % off takes 10 % of the reduced price).
 * 3. A *non-stackable* offer applies alone. The engine compares the stacked set with each
 *    non-stackable offer alone and keeps whatever saves the customer most (ties: the stacked set, then
 *    the higher-priority non-stackable offer).
 * 4. A promotion applies at most once per cart, even if two of its coupons are entered.
 * Amounts are whole yen, rounded down, and a line never goes below zero.
 */
import { allocate } from '../../platform/money.ts';
import type { PromotionConditions, PromotionKind, PromotionParams, PromotionTarget } from './schema.ts';

export interface EngineLine {
  variantId: string;
  productId: string;
  /** The product's category and its ancestors (a category target matches any of them). */
  categoryIds: readonly string[];
  quantity: number;
  unitPrice: number;
  /** unitPrice × quantity, tax-included. */
  total: number;
}

export interface EngineContext {
  channel: string;
  locationId: string | null;
  tier: string | null;
  firstPurchase: boolean;
  now: Date;
}

export interface EnginePromotion {
  id: string;
  name: string;
  kind: PromotionKind;
  params: PromotionParams;
  target: PromotionTarget;
  conditions: PromotionConditions;
  startsAt: Date | null;
  endsAt: Date | null;
  priority: number;
  stackable: boolean;
  active: boolean;
  requiresCoupon: boolean;
}

/** A promotion in play: automatic (code null) or brought by a coupon code. */
export interface Offer {
  promotion: EnginePromotion;
  code: string | null;
}

export interface AppliedDiscount {
  promotionId: string;
  /** The coupon code, or the promotion id for an automatic promotion. */
  code: string;
  coupon: boolean;
  label: string;
  amount: number;
  /** Per line, in the order of the input lines. */
  lineAmounts: number[];
}

export interface EngineResult {
  applied: AppliedDiscount[];
  /** Discount per input line (sum of all applied), never more than the line's total. */
  lineDiscounts: number[];
  total: number;
}

/** Why an offer does not apply (null when it does, as far as conditions go). */
export function ineligibility(
  p: EnginePromotion,
  ctx: EngineContext,
  viaCoupon: boolean,
): 'inactive' | 'window' | 'channel' | 'location' | 'tier' | 'first_purchase' | 'coupon_required' | null {
  if (!p.active) return 'inactive';
  if (p.requiresCoupon && !viaCoupon) return 'coupon_required';
  if ((p.startsAt && ctx.now < p.startsAt) || (p.endsAt && ctx.now >= p.endsAt)) return 'window';
  const c = p.conditions;
  if (c.channels.length && !c.channels.includes(ctx.channel)) return 'channel';
  if (c.locationIds.length && !(ctx.locationId && c.locationIds.includes(ctx.locationId))) return 'location';
  if (c.tiers.length && !(ctx.tier && c.tiers.includes(ctx.tier))) return 'tier';
  if (c.firstPurchaseOnly && !ctx.firstPurchase) return 'first_purchase';
  return null;
}

export function targets(t: PromotionTarget, line: EngineLine): boolean {
  switch (t.type) {
    case 'all':
      return true;
    case 'categories':
      return line.categoryIds.some((c) => t.ids.includes(c));
    case 'products':
      return t.ids.includes(line.productId);
    case 'variants':
      return t.ids.includes(line.variantId);
  }
}

/** Spread `amount` over the chosen lines in proportion to `weights`, capped at what each line has left. */
function spread(amount: number, weights: number[], remaining: number[]): number[] {
  const parts = allocate(amount, weights);
  return parts.map((x, i) => Math.max(0, Math.min(x, remaining[i] ?? 0)));
}

/** Units of the targeted lines, one entry per unit: [line index, unit price]. */
function units(lines: readonly EngineLine[], hit: boolean[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  lines.forEach((l, i) => {
    if (hit[i]) for (let k = 0; k < l.quantity; k++) out.push([i, l.unitPrice]);
  });
  return out;
}

/** What one promotion takes off each line, given what the lines have left after earlier offers. */
export function discountFor(p: EnginePromotion, lines: readonly EngineLine[], remaining: readonly number[]): number[] {
  const hit = lines.map((l) => targets(p.target, l));
  const zero = lines.map(() => 0);
  const targetedSpend = lines.reduce((s, l, i) => s + (hit[i] ? l.total : 0), 0);
  if (targetedSpend === 0 || targetedSpend < p.conditions.minSpend) return zero;
  const left = remaining.map((r, i) => (hit[i] ? r : 0));
  const leftTotal = left.reduce((s, x) => s + x, 0);
  if (leftTotal <= 0) return zero;
  const q = p.params;
  switch (p.kind) {
    case 'percent_off': {
      const percent = Math.min(100, Math.max(0, q.percent ?? 0));
      return spread(Math.floor((leftTotal * percent) / 100), left, [...remaining]);
    }
    case 'amount_off':
      return spread(Math.min(q.amount ?? 0, leftTotal), left, [...remaining]);
    case 'buy_x_get_y': {
      const buy = q.buy ?? 0;
      const get = q.get ?? 0;
      if (buy < 1 || get < 1) return zero;
      const percent = Math.min(100, Math.max(0, q.percent ?? 100));
      // Cheapest units are the "free" ones, as shoppers expect from 2点買うと1点無料.
      const all = units(lines, hit).sort((a, b) => a[1] - b[1]);
      const free = Math.floor(all.length / (buy + get)) * get;
      const perLine = lines.map(() => 0);
      for (const [i, price] of all.slice(0, free)) perLine[i]! += price;
      return perLine.map((v, i) => Math.max(0, Math.min(Math.floor((v * percent) / 100), remaining[i] ?? 0)));
    }
    case 'bundle_price': {
      const size = q.quantity ?? 0;
      const price = q.price ?? 0;
      if (size < 1 || price < 0) return zero;
      // The dearest units go into bundles: that is where a fixed bundle price saves most.
      const all = units(lines, hit).sort((a, b) => b[1] - a[1]);
      const groups = Math.floor(all.length / size);
      const bundled = lines.map(() => 0);
      for (const [i, unit] of all.slice(0, groups * size)) bundled[i]! += unit;
      const saving = bundled.reduce((s, x) => s + x, 0) - groups * price;
      return saving > 0 ? spread(Math.min(saving, leftTotal), bundled, [...remaining]) : zero;
    }
  }
}

function applySet(offers: readonly Offer[], lines: readonly EngineLine[]): EngineResult {
  const remaining = lines.map((l) => l.total);
  const applied: AppliedDiscount[] = [];
  for (const o of offers) {
    const parts = discountFor(o.promotion, lines, remaining);
    const amount = parts.reduce((s, x) => s + x, 0);
    if (amount <= 0) continue;
    parts.forEach((x, i) => (remaining[i]! -= x));
    applied.push({
      promotionId: o.promotion.id,
      code: o.code ?? o.promotion.id,
      coupon: o.code !== null,
      label: o.promotion.name,
      amount,
      lineAmounts: parts,
    });
  }
  const lineDiscounts = lines.map((l, i) => l.total - remaining[i]!);
  return { applied, lineDiscounts, total: lineDiscounts.reduce((s, x) => s + x, 0) };
}

const byPriority = (a: Offer, b: Offer) =>
  b.promotion.priority - a.promotion.priority ||
  (a.promotion.id < b.promotion.id ? -1 : a.promotion.id > b.promotion.id ? 1 : 0);

/** Apply the offers to the lines by the stacking rules above. */
export function applyOffers(lines: readonly EngineLine[], ctx: EngineContext, offers: readonly Offer[]): EngineResult {
  // One offer per promotion; a coupon's offer wins over the automatic one so the code is recorded.
  const unique = new Map<string, Offer>();
  for (const o of offers) {
    if (ineligibility(o.promotion, ctx, o.code !== null)) continue;
    const seen = unique.get(o.promotion.id);
    if (!seen || (seen.code === null && o.code !== null)) unique.set(o.promotion.id, o);
  }
  const eligible = [...unique.values()].sort(byPriority);
  const candidates = [
    applySet(
      eligible.filter((o) => o.promotion.stackable),
      lines,
    ),
    ...eligible.filter((o) => !o.promotion.stackable).map((o) => applySet([o], lines)),
  ];
  // Sorted by priority already, so on a tie the earlier (higher-priority) candidate stays.
  let best = candidates[0]!;
  for (const c of candidates.slice(1)) if (c.total > best.total) best = c;
  return best;
}
