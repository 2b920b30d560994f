import type { Tx } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import type { EventChannel } from '../events/service.ts';
import { loadCustomer } from '../customers/service.ts';
import { pointBalance } from './lots.ts';
import { earnPoints, entryView, findEntry, redeemPoints, type PointsResult } from './points.ts';
import { reversePoints } from './reversals.ts';

/**
 * What orders (and any other module) call, inside their own transaction, so the points move if and
 * only if the order does. Each is idempotent by its reference: a redelivered event or a retried
 * checkout gets the first result back (`replayed: true`) instead of a second booking. They take the
 * customer row lock; take it after your own locks, always in the same order.
 */

export interface Purchase {
  customerId: string;
  /** The order or receipt id. */
  reference: string;
  channel: EventChannel;
  locationId?: string | null | undefined;
  staffId?: string | null | undefined;
}

export type ReplayableResult = PointsResult & { replayed: boolean };

/** The first booking with this reference, or the original error when there is none to replay. */
async function replayOf(
  tx: Tx,
  err: unknown,
  customerId: string,
  kind: 'earn' | 'redeem' | 'reverse',
  reference: string,
): Promise<ReplayableResult> {
  const entry = await findEntry(tx, customerId, kind, reference);
  if (!entry) throw err;
  const customer = await loadCustomer(tx, customerId);
  return {
    entry: entryView(entry),
    balance: await pointBalance(tx, customerId),
    tier: customer.tier,
    unrecovered: 0,
    forfeited: 0,
    replayed: true,
  };
}

const isAlreadyDone = (err: unknown) =>
  err instanceof DomainError && (err.code === 'loyalty.duplicate_reference' || err.code === 'loyalty.already_reversed');

/** Award points for a purchase of `spend` yen (tax-included) by the rules; the tier follows. */
export async function earnForPurchase(tx: Tx, input: Purchase & { spend: number }): Promise<ReplayableResult> {
  try {
    return { ...(await earnPoints(tx, input)), replayed: false };
  } catch (err) {
    if (isAlreadyDone(err)) return replayOf(tx, err, input.customerId, 'earn', input.reference);
    throw err;
  }
}

/**
 * A return: take back the points the purchase earned — all of them, or for a partial return the share
 * of `spend` (give each return its own `returnReference`). Points already spent are not made negative:
 * the result's `unrecovered` says how many, for the caller to settle (e.g. off the refund).
 */
export async function reverseForReturn(
  tx: Tx,
  input: Purchase & { spend?: number | undefined; returnReference?: string | undefined },
): Promise<ReplayableResult> {
  try {
    return { ...(await reversePoints(tx, { ...input, reverses: 'earn' })), replayed: false };
  } catch (err) {
    if (!isAlreadyDone(err)) throw err;
    const reference =
      input.spend !== undefined ? `earn:${input.reference}:${input.returnReference}` : `earn:${input.reference}`;
    return replayOf(tx, err, input.customerId, 'reverse', reference);
  }
}

/** Pay with points at checkout (1 point = ¥1 is the caller's rule): 409 loyalty.insufficient_points when short. */
export async function redeemForPurchase(tx: Tx, input: Purchase & { points: number }): Promise<ReplayableResult> {
  try {
    return { ...(await redeemPoints(tx, input)), replayed: false };
  } catch (err) {
    if (isAlreadyDone(err)) return replayOf(tx, err, input.customerId, 'redeem', input.reference);
    throw err;
  }
}

/** A cancelled order gives back the points it was paid with, to the lots they came from (expired ones are forfeited). */
export async function cancelRedemption(tx: Tx, input: Purchase): Promise<ReplayableResult> {
  try {
    return { ...(await reversePoints(tx, { ...input, reverses: 'redeem' })), replayed: false };
  } catch (err) {
    if (isAlreadyDone(err)) return replayOf(tx, err, input.customerId, 'reverse', `redeem:${input.reference}`);
    throw err;
  }
}
