import type { Executor } from '../../platform/db/connection.ts';
import { getVariants, type VariantInfo } from '../catalog/service.ts';
import { pointsPromised } from '../loyalty/service.ts';
import type { Tier } from '../customers/service.ts';
import type { FulfilmentType, OrderChannel } from './schema.ts';
import { taxesByRate, type TaxByRate } from './tax.ts';
import { applyPromotions, type PromotionScope } from '../promotions/service.ts';
import { earnableSpend } from './earnable-spend.ts';

/**
 * Fees, tax-included at 10 %. Shipping from the warehouse: ¥550, free from ¥5,000. Local delivery from a
 * store: ¥330 within 2 km, ¥550 further (up to the store's radius), free from ¥4,000.
 */
export const FEES = {
  shipping: 550,
  freeShippingFrom: 5000,
  delivery: 330,
  deliveryFar: 550,
  deliveryNearKm: 2,
  freeDeliveryFrom: 4000,
  feeTaxRate: 10,
} as const;

export interface PricedLine {
  variantId: string;
  productId: string;
  name: string;
  options: Record<string, string>;
  jan: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  taxRate: number;
  /** Discount on this line (promotions), yen. */
  discount: number;
  total: number;
}

export interface Totals {
  lines: PricedLine[];
  subtotal: number;
  discounts: Array<{ code: string; label: string; amount: number }>;
  discountTotal: number;
  shippingFee: number;
  total: number;
  /** 内消費税 by rate, on what is paid for (lines after discounts, and the fee). */
  taxes: TaxByRate[];
  pointsToEarn: number;
}

/** A line of `v`: at the catalog's price with no discount, or as a till charged it offline. */
export function pricedLine(v: VariantInfo, quantity: number, unitPrice = v.price, discount = 0): PricedLine {
  return {
    variantId: v.id,
    productId: v.productId,
    name: v.productName,
    options: v.options,
    jan: v.jan,
    sku: v.sku,
    quantity,
    unitPrice,
    taxRate: v.taxRate,
    discount,
    total: unitPrice * quantity,
  };
}

export function feeFor(type: FulfilmentType | undefined, merchandise: number, distanceKm?: number | null): number {
  if (type === 'ship') return merchandise >= FEES.freeShippingFrom || merchandise === 0 ? 0 : FEES.shipping;
  if (type === 'delivery') {
    if (merchandise === 0 || merchandise >= FEES.freeDeliveryFrom) return 0;
    return (distanceKm ?? 0) > FEES.deliveryNearKm ? FEES.deliveryFar : FEES.delivery;
  }
  return 0;
}

/**
 * Price lines as the catalog says now: tax-included unit prices, the fee of the chosen fulfilment, the
 * tax contained per rate, and the points the purchase would earn for this customer's tier.
 */
export async function priceLines(
  db: Executor,
  /** With `variant` when the caller read it already (a cart's lines: loadCartWithLines); else it is read here. */
  lines: ReadonlyArray<{ variantId: string; quantity: number; variant?: VariantInfo | null | undefined }>,
  opts: {
    fulfilment?: FulfilmentType | undefined;
    /** Delivery distance (km), for the delivery fee. */
    distanceKm?: number | null | undefined;
    tier?: Tier | undefined;
    /** Points the customer pays with (they earn nothing): the promise then matches the award. */
    pointsUsed?: number | undefined;
    /**
     * Where the points will be recorded (the order's channel, the fulfilling store or the till), so a
     * running points campaign (ポイント○倍) is in the promise as it will be in the award.
     */
    earnAt?: { channel: OrderChannel; locationId: string | null } | undefined;
    /**
     * Where and for whom it is sold, and the coupons entered: automatic promotions and coupons apply only
     * when given (the channel decides which promotions qualify). `strict`: a coupon that no longer
     * works is an error (checkout) instead of being skipped (cart view).
     */
    promotions?:
      (Omit<PromotionScope, 'tier'> & { coupons: readonly string[]; strict?: boolean | undefined }) | undefined;
  },
): Promise<Totals> {
  const info = lines.every((l) => l.variant)
    ? new Map(lines.map((l) => [l.variantId, l.variant!]))
    : await getVariants(
        db,
        lines.map((l) => l.variantId),
      );
  const priced = lines.map((l) => pricedLine(info.get(l.variantId)!, l.quantity));
  // Promotions take whole yen off lines (basket-wide ones spread by allocate()), so 内消費税 per rate
  // below is worked out on what is actually paid.
  const promo = opts.promotions
    ? await applyPromotions(db, priced, { ...opts.promotions, tier: opts.tier ?? null })
    : null;
  if (promo) priced.forEach((l, i) => (l.discount = promo.lineDiscounts[i] ?? 0));
  const subtotal = priced.reduce((s, l) => s + l.total, 0);
  const discountTotal = priced.reduce((s, l) => s + l.discount, 0);
  const merchandise = subtotal - discountTotal;
  const shippingFee = feeFor(opts.fulfilment, merchandise, opts.distanceKm);
  const taxes = taxesByRate([
    ...priced.map((l) => ({ amount: l.total - l.discount, rate: l.taxRate })),
    { amount: shippingFee, rate: FEES.feeTaxRate },
  ]);
  // Only a member earns points: a guest's checkout does not read the rules at all. The spend is the
  // award's own (earnableSpend), so what the cart promises is what the ledger gives.
  const spend = earnableSpend({
    total: merchandise + shippingFee,
    shippingFee,
    pointsUsed: Math.min(opts.pointsUsed ?? 0, merchandise + shippingFee),
  });
  const pointsToEarn = opts.tier
    ? await pointsPromised(db, {
        spend,
        tier: opts.tier,
        channel: opts.earnAt?.channel ?? 'web',
        locationId: opts.earnAt?.locationId ?? null,
      })
    : 0;
  return {
    lines: priced,
    subtotal,
    discounts: promo?.applied.map((d) => ({ code: d.code, label: d.label, amount: d.amount })) ?? [],
    discountTotal,
    shippingFee,
    total: merchandise + shippingFee,
    taxes,
    pointsToEarn,
  };
}
