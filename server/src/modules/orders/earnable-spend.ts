/**
 * The spend that earns points, the one definition for both the promise (the cart's and the till's
 * "points to earn") and the award (loyalty's ledger, at the till or when the goods are handed over):
 * the goods after discounts and coupons, less what was paid with points. A shipping or delivery fee
 * earns nothing (it is a service, not a purchase), and points do not earn points.
 */
export function earnableSpend(p: { total: number; shippingFee: number; pointsUsed: number }): number {
  return Math.max(0, p.total - p.shippingFee - p.pointsUsed);
}
