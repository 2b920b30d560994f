import { assertCanActAt, isChainWide, requireRole, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';

/**
 * Who sees the figures (issue 10 §6): head office (owner, hq) every location; a store manager her stores
 * only — a store filter naming another store is 403, no filter means hers; staff (clerks) none of it.
 * Answers the locations to read, or null for all.
 */
export function analyticsScope(actor: Principal, requested: readonly string[] | undefined): string[] | null {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  const wanted = requested?.length ? [...new Set(requested)].sort() : null;
  if (isChainWide(staff)) return wanted;
  if (!staff.locationIds.length)
    throw new DomainError('platform.forbidden', {
      reason: '担当店舗がないため、分析は見られません。',
      reasonEn: 'You have no stores to see the figures of.',
    });
  if (!wanted) return [...staff.locationIds].sort();
  for (const s of wanted) assertCanActAt(staff, s);
  return wanted;
}
