import type { Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { verifyPresence, type MemberCodeKey } from '../customers/service.ts';
import { memberBoundCoupons } from '../promotions/service.ts';

/** What a till payment (a sale, a hold's hand-over) would spend of the member's own value. */
export interface SpendAtTill {
  customerId: string | null;
  locationId: string;
  staffId: string;
  payments: ReadonlyArray<{ method: string; amount: number }>;
  coupons?: readonly string[] | undefined;
  /** Her app's QR, sent with the sale itself (an integration's till): checked by its signature and window. */
  memberCode?: string | undefined;
  /** From resolving her app's QR, or her PIN or e-mailed code (POST /api/member-presence). */
  presenceToken?: string | undefined;
}

/**
 * Her wallet, points and member coupons are spent at a till only when she proved she is there
 * (customers/presence.ts): a card or member number names her, and only earns. customer.presence_required
 * otherwise, before anything is written.
 */
export async function assertPresentToSpend(
  db: Executor,
  key: MemberCodeKey | undefined,
  s: SpendAtTill,
): Promise<void> {
  if (!s.customerId || s.memberCode) return;
  const scope = { customerId: s.customerId, locationId: s.locationId, staffId: s.staffId };
  // A valid proof settles it without asking the promotions which coupons are hers.
  if (key && s.presenceToken && proves(key, s.presenceToken, scope)) return;
  const spendsValue = s.payments.some((p) => (p.method === 'wallet' || p.method === 'points') && p.amount > 0);
  if (!spendsValue && !(s.coupons?.length && (await memberBoundCoupons(db, s.coupons)).length)) return;
  if (!key) throw new DomainError('customer.presence_required', { customerId: s.customerId });
  verifyPresence(key, s.presenceToken, scope);
}

function proves(key: MemberCodeKey, token: string, scope: Parameters<typeof verifyPresence>[2]): boolean {
  try {
    verifyPresence(key, token, scope);
    return true;
  } catch {
    return false;
  }
}
