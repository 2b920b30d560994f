import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { assertCanActAt, isChainWide, requireRole, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { getLocation } from '../locations/service.ts';

/**
 * Who may run which segments and campaigns (issue 9 §5). Head office (owner, hq) sees and runs all of them.
 * A store manager runs her stores' own: each segment and campaign records its store scope (`store_scope`,
 * the stores whose members — by home store — it may reach; null for head office's, every member), she sees
 * only those whose scope lies within her stores, and whatever rules she writes are ANDed with that scope
 * when they are evaluated. Clerks (staff) have none of it.
 */

export interface Marketer {
  staff: StaffPrincipal;
  /** Her stores (a store manager), or null: head office, every store. */
  stores: string[] | null;
}

/** The caller as a marketer: head office, or a store manager with her stores (403 for anyone else). */
export function requireMarketer(actor: Principal): Marketer {
  const staff = requireRole(actor, 'owner', 'hq', 'store_manager');
  if (isChainWide(staff)) return { staff, stores: null };
  if (!staff.locationIds.length)
    throw new DomainError('platform.forbidden', {
      reason: '担当店舗がないため、店舗のキャンペーンは扱えません。',
      reasonEn: 'You have no stores to send campaigns for.',
    });
  return { staff, stores: [...staff.locationIds] };
}

/** Head office only (what stays head office's: trigger campaigns, member exports). */
export function requireHeadOffice(actor: Principal): StaffPrincipal {
  return requireRole(actor, 'owner', 'hq');
}

/** May she see this object? Head office: always; a store manager: only one scoped within her stores. */
export function canSee(m: Marketer, storeScope: readonly string[] | null): boolean {
  if (!m.stores) return true;
  return !!storeScope?.length && storeScope.every((s) => m.stores!.includes(s));
}

/**
 * 403 for a store manager and another store's or head office's segment or campaign — the project's answer
 * to staff reaching past their stores (`assertCanActAt`); the list never shows them to her.
 */
export function assertCanSee(m: Marketer, storeScope: readonly string[] | null, what: 'segment' | 'campaign'): void {
  if (canSee(m, storeScope)) return;
  const ja = what === 'segment' ? 'セグメント' : 'キャンペーン';
  throw new DomainError('platform.forbidden', {
    reason: `担当店舗の${ja}ではありません（担当店舗の${ja}のみ扱えます）。`,
    reasonEn: `This ${what} is not one of your stores'.`,
  });
}

/** The rows of a table she may see: everything for head office, else those scoped within her stores. */
export function visibleSql(m: Marketer, storeScope: SQLWrapper): SQL {
  if (!m.stores) return sql`true`;
  return sql`(${storeScope} IS NOT NULL AND cardinality(${storeScope}) > 0 AND ${storeScope} <@ ${sql.param(m.stores)}::text[])`;
}

/**
 * The scope a new segment or campaign records. A store manager's is the stores she asked for, each one
 * hers (403 otherwise), else all of hers; head office's is the stores it asked for (each must exist, 404),
 * else none (every member).
 */
export async function scopeToRecord(
  db: Executor,
  m: Marketer,
  requested: readonly string[] | null | undefined,
): Promise<string[] | null> {
  const wanted = requested?.length ? [...new Set(requested)].sort() : null;
  if (m.stores) {
    if (!wanted) return [...m.stores].sort();
    for (const s of wanted) assertCanActAt(m.staff, s);
    return wanted;
  }
  if (wanted) for (const s of wanted) await getLocation(db, s); // 404 for a store that does not exist
  return wanted;
}

/**
 * The home stores an audience is held to: the intersection of every scope that is set (a campaign's and its
 * segment's), or undefined when none is (head office's over every member). Disjoint scopes hold nobody.
 */
export function homeStoresOf(...scopes: Array<readonly string[] | null | undefined>): string[] | undefined {
  let out: string[] | undefined;
  for (const s of scopes) {
    if (!s) continue;
    out = out ? out.filter((x) => s.includes(x)) : [...s];
  }
  return out;
}
