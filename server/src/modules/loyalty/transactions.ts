import type { Db, Tx } from '../../platform/db/connection.ts';
import { recordAudit } from '../../platform/audit.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import {
  assertCanActAt,
  isChainWide,
  requireRole,
  requireStaff,
  type Principal,
  type StaffPrincipal,
} from '../../platform/auth.ts';
import { assertLocationsExist } from '../locations/service.ts';
import { verifyPresence, type MemberCodeKey } from '../customers/service.ts';
import { DomainError } from '../../platform/errors.ts';
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
  body: { kind: string; locationId?: string | undefined; points?: number | undefined },
): Promise<StaffPrincipal> {
  // An explicit earn (a bonus) creates value as an adjustment does.
  const createsValue = body.kind === 'adjust' || (body.kind === 'earn' && body.points !== undefined);
  const staff = createsValue ? requireRole(actor, 'owner', 'hq', 'store_manager') : requireStaff(actor);
  if (body.locationId) {
    assertCanActAt(staff, body.locationId);
    await assertLocationsExist(db, [body.locationId]);
  } else if (!isChainWide(staff)) {
    // Without a store the entry would be booked chain-wide, which only head office may do.
    throw new DomainError('platform.forbidden', {
      reason: '担当店舗（locationId）を指定してください。',
      reasonEn: 'A store role books at one of its own locations: give locationId.',
    });
  }
  return staff;
}

/**
 * A store's staff spend her points or wallet money only with her at the till: the presence token her app
 * QR, PIN or e-mailed code gave for this store and this clerk (customers/presence.ts); a member number is
 * not enough. Owner and head office (the back office, integrations) may book a spend without it: they can
 * adjust any balance anyway, so a presence check would guard nothing from them; the entry names them.
 */
function assertPresent(
  key: MemberCodeKey,
  staff: StaffPrincipal,
  body: { customerId: string; locationId?: string | undefined; presenceToken?: string | undefined },
): void {
  if (staff.role === 'owner' || staff.role === 'hq') return;
  if (!body.locationId) throw new DomainError('customer.presence_required', { customerId: body.customerId });
  verifyPresence(key, body.presenceToken, {
    customerId: body.customerId,
    locationId: body.locationId,
    staffId: staff.staffId,
  });
}

/** Value made by hand goes on the owner's audit trail, with the reason, in the entry's transaction. */
function audit(
  tx: Tx,
  staff: StaffPrincipal,
  action: 'points.bonus' | 'points.adjusted' | 'wallet.adjusted',
  body: { customerId: string; locationId?: string | undefined; reference: string; reason?: string | undefined },
  detail: Record<string, unknown>,
) {
  return recordAudit(tx, staff, {
    action,
    subjectType: 'customer',
    subjectId: body.customerId,
    locationId: body.locationId,
    detail: { ...detail, reference: body.reference, reason: body.reason },
  });
}

/** POST /api/loyalty/transactions: earn, redeem, reverse or adjust points for a customer (staff). */
export async function recordPointsTransaction(
  db: Db,
  key: MemberCodeKey,
  actor: Principal,
  body: PointsTransactionBody,
): Promise<PointsResult> {
  const staff = await authorise(db, actor, body);
  if (body.kind === 'redeem') assertPresent(key, staff, body);
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
        if (body.points !== undefined) await audit(tx, staff, 'points.bonus', body, { points: body.points });
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
        await audit(tx, staff, 'points.adjusted', body, { points: body.points });
        return adjustPoints(tx, { ...base, points: body.points!, reason: body.reason! });
    }
  });
}

/** POST /api/wallet/transactions: top up, pay, refund or adjust a customer's wallet (staff). */
export async function recordWalletTransaction(
  db: Db,
  key: MemberCodeKey,
  actor: Principal,
  body: WalletTransactionBody,
): Promise<WalletResult> {
  const staff = await authorise(db, actor, body);
  if (body.kind === 'pay') assertPresent(key, staff, body);
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
        await audit(tx, staff, 'wallet.adjusted', body, { amount: body.amount });
        return adjustWallet(tx, { ...base, reason: body.reason! });
    }
  });
}
