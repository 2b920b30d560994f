import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { assertCanActAt, requireRole, requireStaff, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { adjustPoints, earnPoints, redeemPoints, type PointsResult } from './points.ts';
import { reversePoints } from './reversals.ts';
import { adjustWallet, payFromWallet, refundToWallet, topUpWallet, type WalletResult } from './wallet.ts';
import type { PointsTransactionBody, WalletTransactionBody } from './schemas.ts';

/**
 * Who may book what: any staff member (a store role only in its own stores when a location is named);
 * adjustments, which create or remove value without a sale behind them, need a store manager or above.
 */
async function authorise(
  db: Db,
  actor: Principal,
  kind: string,
  locationId: string | undefined,
): Promise<StaffPrincipal> {
  const staff = kind === 'adjust' ? requireRole(actor, 'owner', 'hq', 'store_manager') : requireStaff(actor);
  if (locationId) {
    assertCanActAt(staff, locationId);
    await assertLocationsExist(db, [locationId]);
  }
  return staff;
}

/** POST /api/loyalty/transactions: earn, redeem, reverse or adjust points for a customer (staff). */
export async function recordPointsTransaction(
  db: Db,
  actor: Principal,
  body: PointsTransactionBody,
): Promise<PointsResult> {
  const staff = await authorise(db, actor, body.kind, body.locationId);
  const base = {
    customerId: body.customerId,
    reference: body.reference,
    channel: body.channel,
    locationId: body.locationId ?? null,
    staffId: staff.staffId,
  };
  return inTransaction(db, async (tx) => {
    switch (body.kind) {
      case 'earn':
        return earnPoints(tx, { ...base, points: body.points, spend: body.spend, reason: body.reason });
      case 'redeem':
        return redeemPoints(tx, { ...base, points: body.points!, reason: body.reason });
      case 'reverse':
        return reversePoints(tx, {
          ...base,
          reverses: body.reverses ?? 'earn',
          spend: body.spend,
          returnReference: body.returnReference,
          reason: body.reason,
        });
      case 'adjust':
        return adjustPoints(tx, { ...base, points: body.points!, reason: body.reason! });
    }
  });
}

/** POST /api/wallet/transactions: top up, pay, refund or adjust a customer's wallet (staff). */
export async function recordWalletTransaction(
  db: Db,
  actor: Principal,
  body: WalletTransactionBody,
): Promise<WalletResult> {
  const staff = await authorise(db, actor, body.kind, body.locationId);
  const base = {
    customerId: body.customerId,
    amount: body.amount,
    reference: body.reference,
    channel: body.channel,
    locationId: body.locationId ?? null,
    staffId: staff.staffId,
  };
  return inTransaction(db, async (tx) => {
    switch (body.kind) {
      case 'top_up':
        return topUpWallet(tx, { ...base, method: body.method! });
      case 'pay':
        return payFromWallet(tx, base);
      case 'refund':
        return refundToWallet(tx, { ...base, refundReference: body.refundReference });
      case 'adjust':
        return adjustWallet(tx, { ...base, reason: body.reason! });
    }
  });
}
