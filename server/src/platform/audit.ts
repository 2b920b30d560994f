import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './db/connection.ts';
import { auditLog } from './db/platform-schema.ts';
import { auditActor, requireRole, type Principal } from './auth.ts';
import { DomainError } from './errors.ts';
import { newId } from './ids.ts';

/**
 * The audit trail: what staff did with personal data and stored value that the owner may need to
 * answer for — a full customer profile read, a profile changed or exported, points or wallet money
 * created by hand, a store's settings changed (before → after in `detail.changes`). Written in the same
 * transaction as the act when there is one, so one is never without the other.
 */
export type AuditAction =
  | 'customer.viewed'
  | 'customer.updated'
  | 'customer.exported'
  // The customer list as CSV (顧客一覧のエクスポート): which columns, which stores.
  | 'customer.list_exported'
  | 'customer.deleted'
  | 'customer.merged'
  | 'points.adjusted'
  | 'points.bonus'
  | 'wallet.adjusted'
  | 'segment.exported'
  | 'campaign.sent'
  | 'campaign.scheduled'
  | 'campaign.unscheduled'
  | 'campaign.activated'
  | 'campaign.paused'
  | 'business.updated'
  | 'staff.created'
  | 'staff.updated'
  | 'staff.deactivated'
  | 'staff.reactivated'
  | 'staff.pin_set'
  | 'staff.pin_reset'
  // Store administration (店舗設定): a store's details, hours, services, printer and slot capacity.
  | 'location.created'
  | 'location.updated'
  | 'printer.updated'
  | 'slots.updated'
  // スキャン＆ゴー at a store: on or off, the basket cap, the share of exit checks.
  | 'scan_and_go.updated'
  // 店舗イベント on the store page, kept by the store's manager and head office.
  | 'store_event.created'
  | 'store_event.updated'
  | 'store_event.deleted'
  // 来店予約の設定: a store's services (メニュー), a staff member's weekly shifts, time blocked off.
  | 'appointment_service.created'
  | 'appointment_service.updated'
  | 'appointment_shifts.updated'
  | 'staff_block.created'
  | 'staff_block.deleted'
  // レビュー管理: a review hidden from the shop (with the reason she sees) or shown again.
  | 'review.hidden'
  | 'review.unhidden';

export interface AuditEntry {
  action: AuditAction;
  subjectType: 'customer' | 'segment' | 'campaign' | 'business' | 'staff' | 'location' | 'review';
  subjectId: string;
  locationId?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** One changed field in an audit row's `detail.changes`: what it was and what it became. */
export interface AuditChange {
  from: unknown;
  to: unknown;
}

/**
 * The fields that differ between `before` and `after`, as `{field: {from, to}}`; an object field named in
 * `nested` (opening hours by weekday, services) is compared key by key, as `field.key`, so the trail says
 * "Monday's hours" rather than repeating the whole week.
 */
export function changesBetween(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  nested: readonly string[] = [],
): Record<string, AuditChange> {
  const changes: Record<string, AuditChange> = {};
  // Keys sorted: jsonb gives an object's keys back in its own order, not in the order they were written.
  const stable = (v: unknown): string =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? `{${Object.entries(v)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, w]) => `${JSON.stringify(k)}:${stable(w)}`)
          .join(',')}}`
      : JSON.stringify(v ?? null);
  const same = (a: unknown, b: unknown) => stable(a) === stable(b);
  for (const key of Object.keys(after)) {
    const [a, b] = [before[key], after[key]];
    if (nested.includes(key) && a && b && typeof a === 'object' && typeof b === 'object') {
      const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
        if (!same(x[k], y[k])) changes[`${key}.${k}`] = { from: x[k] ?? null, to: y[k] ?? null };
    } else if (!same(a, b)) changes[key] = { from: a ?? null, to: b ?? null };
  }
  return changes;
}

export async function recordAudit(db: Executor, actor: Principal, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    id: newId('aud'),
    at: new Date(), // to the millisecond (not now()'s microseconds), so the page cursor compares exactly
    actor: auditActor(actor),
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    locationId: e.locationId ?? null,
    detail: e.detail ?? {},
  });
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  subjectId?: string | undefined;
  /** The store the act happened at (or whose settings changed). */
  locationId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  locationId: string | null;
  detail: Record<string, unknown>;
}

/** The trail, newest first, filtered (owner only: it shows who looked at whom). */
export async function searchAudit(
  db: Executor,
  actor: Principal,
  q: AuditQuery,
): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  requireRole(actor, 'owner');
  const where: SQL[] = [];
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.subjectId) where.push(eq(auditLog.subjectId, q.subjectId));
  if (q.locationId) where.push(eq(auditLog.locationId, q.locationId));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lt(auditLog.at, q.to));
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
    const date = at ? new Date(at) : undefined;
    if (!date || Number.isNaN(date.getTime()) || !id)
      throw new DomainError('platform.validation', {}, [{ field: 'cursor', message: 'bad_cursor' }]);
    where.push(or(lt(auditLog.at, date), and(eq(auditLog.at, date), lt(auditLog.id, id)))!);
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : sql`true`)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit).map((r) => ({ ...r, at: r.at.toISOString() }));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.at}|${last.id}`).toString('base64url') : null,
  };
}
