import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/connection.ts';
import { earnForPurchase, payFromWallet, redeemForPurchase } from '../loyalty/service.ts';
import { confirmFirstPurchase, redeemCoupons } from '../promotions/service.ts';
import { earnableSpend } from './earnable-spend.ts';
import { orders, type OrderChannel } from './schema.ts';

/** What a purchase settles, in the order's transaction. Each part is skipped when there is none. */
export interface Settlement {
  orderId: string;
  customerId: string | null;
  channel: OrderChannel;
  /** Where the points and wallet entries are recorded (the fulfilling store, the till). */
  locationId: string;
  staffId?: string | undefined;
  /** The coupons entered and the discounts priced: re-checked (first purchase) and redeemed. */
  coupons?: { cartCoupons: readonly string[]; discounts: ReadonlyArray<{ code: string; amount: number }> } | undefined;
  /** Where the coupons were used, when not `locationId` (the store or site that sold it). */
  couponLocationId?: string | null | undefined;
  /** Points and wallet money she pays with now. */
  points?: number | undefined;
  wallet?: number | undefined;
  /** The goods are hers now: points are earned on earnableSpend(...) and written on the order. */
  earn?: { total: number; shippingFee: number; pointsUsed: number } | undefined;
}

/**
 * Settle a purchase — coupons → points → wallet → earn — the one sequence checkout, the till sale and a
 * hold's hand-over share (her timeline then hears of it from the order's event, after commit). Anything short (a coupon already taken, not enough points or
 * wallet money) throws, and the caller's transaction rolls back whole. Returns the points earned.
 */
export async function settlePurchase(tx: Tx, s: Settlement): Promise<{ pointsEarned: number }> {
  if (s.coupons) {
    // A first-purchase discount is re-checked under the member's lock (two tills, one member; she ordered
    // meanwhile), before any coupon lock; then the codes are taken (409 when single-use and gone).
    const used = { orderId: s.orderId, customerId: s.customerId, ...s.coupons };
    await confirmFirstPurchase(tx, used);
    await redeemCoupons(tx, { ...used, channel: s.channel, locationId: s.couponLocationId ?? s.locationId });
  }
  if (!s.customerId) return { pointsEarned: 0 };
  const at = {
    customerId: s.customerId,
    reference: s.orderId,
    channel: s.channel,
    locationId: s.locationId,
    ...(s.staffId ? { staffId: s.staffId } : {}),
  };
  if (s.points) await redeemForPurchase(tx, { ...at, points: s.points });
  if (s.wallet) await payFromWallet(tx, { ...at, amount: s.wallet });
  let pointsEarned = 0;
  if (s.earn) {
    const spend = earnableSpend(s.earn);
    if (spend > 0) pointsEarned = (await earnForPurchase(tx, { ...at, spend })).entry.points;
  }
  return { pointsEarned };
}

/** Write what the hand-over earned and used on the order (and whether it is now completed). */
export async function recordEarned(
  tx: Tx,
  orderId: string,
  set: { pointsEarned: number; pointsUsed?: number; status?: 'placed' | 'completed' },
) {
  return (
    await tx
      .update(orders)
      .set({ ...set, updatedAt: sql`now()` })
      .where(eq(orders.id, orderId))
      .returning()
  )[0]!;
}
