import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import type { MergeStep } from '../customers/service.ts';
import { couponCodes, coupons, promotions } from './schema.ts';

// Her issued coupons as identity (customers) needs them for a merge and a personal data export. customers
// ranks below promotions, so the composition root hands these to it.

const ids = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);

/**
 * Her unused issued codes follow a merge to the survivor — except one issued for a reason the survivor
 * already holds a code for (the same campaign reached both records): one per member per reason, so that
 * one stays with the merged record. Undo moves back exactly what moved and is still unused.
 */
export const issuedCouponsMergeStep: MergeStep = {
  async move(tx, from, to) {
    const moved = await tx
      .update(couponCodes)
      .set({ customerId: to })
      .where(
        and(
          eq(couponCodes.customerId, from),
          sql`${couponCodes.redeemedAt} IS NULL`,
          sql`NOT EXISTS (SELECT 1 FROM coupon_codes s WHERE s.customer_id = ${to} AND s.issued_for = ${couponCodes.issuedFor})`,
        ),
      )
      .returning({ code: couponCodes.code });
    return { issuedCoupons: moved.map((m) => m.code) };
  },
  async moveBack(tx, moved, survivorId, restoredId) {
    const codes = ids(moved.issuedCoupons);
    if (codes.length)
      await tx
        .update(couponCodes)
        .set({ customerId: restoredId })
        .where(
          and(
            inArray(couponCodes.code, codes),
            eq(couponCodes.customerId, survivorId),
            sql`${couponCodes.redeemedAt} IS NULL`,
          ),
        );
  },
};

/** Her part of a personal data export: every code issued to her account, used or not. */
export async function exportIssuedCoupons(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const rows = await db
    .select({
      code: couponCodes.code,
      promotion: promotions.name,
      issuedAt: couponCodes.createdAt,
      redeemedAt: couponCodes.redeemedAt,
      orderId: couponCodes.orderId,
    })
    .from(couponCodes)
    .innerJoin(coupons, eq(coupons.id, couponCodes.couponId))
    .innerJoin(promotions, eq(promotions.id, coupons.promotionId))
    .where(eq(couponCodes.customerId, customerId))
    .orderBy(asc(couponCodes.createdAt), asc(couponCodes.code));
  return {
    coupons: rows.map((r) => ({
      code: r.code,
      promotion: r.promotion,
      issuedAt: r.issuedAt.toISOString(),
      redeemedAt: r.redeemedAt?.toISOString() ?? null,
      orderId: r.orderId,
    })),
  };
}
