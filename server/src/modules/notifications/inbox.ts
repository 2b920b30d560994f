import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { notifications } from './schema.ts';
import './problems.ts';

const mine = (customerId: string) => eq(notifications.customerId, customerId);
const unreadOf = (customerId: string) => and(mine(customerId), isNull(notifications.readAt));

/** How many of her notices she has not read: the badge on マイページ and the shop's top bar. */
export async function unreadCount(db: Db, actor: Principal): Promise<{ unread: number }> {
  const { customerId } = requireCustomer(actor);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(unreadOf(customerId));
  return { unread: Number(count?.n ?? 0) };
}

/**
 * Her notices, newest first, a page at a time: `before` is the last id of the previous page (`nextBefore`).
 * The cursor is (created_at, id) of that notice, so notices written in the same instant are neither
 * skipped nor repeated; a cursor that is not one of hers is refused (it says nothing about anyone else's).
 */
export async function listInbox(
  db: Db,
  actor: Principal,
  opts: { limit?: number | undefined; before?: string | undefined } = {},
) {
  const { customerId } = requireCustomer(actor);
  const limit = opts.limit ?? 50;
  let after = undefined;
  if (opts.before) {
    const [cursor] = await db
      .select({ createdAt: notifications.createdAt, id: notifications.id })
      .from(notifications)
      .where(and(mine(customerId), eq(notifications.id, opts.before)));
    if (!cursor) throw new DomainError('notifications.unknown_cursor', { before: opts.before });
    after = or(
      lt(notifications.createdAt, cursor.createdAt),
      and(eq(notifications.createdAt, cursor.createdAt), lt(notifications.id, cursor.id)),
    );
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(mine(customerId), after))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    ...(await unreadCount(db, actor)),
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      payload: r.payload,
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** Only the customer's own notification; anyone else's is a 404 (no hint that it exists). */
export async function markRead(db: Db, actor: Principal, id: string) {
  const { customerId } = requireCustomer(actor);
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), mine(customerId)))
    .returning();
  if (!row) throw new DomainError('platform.not_found', { path: `/api/account/notifications/${id}` });
  return { id: row.id, readAt: row.readAt!.toISOString() };
}

/** すべて既読にする: every unread notice of hers, in one statement; those read earlier keep their time. */
export async function markAllRead(db: Db, actor: Principal): Promise<{ read: number; unread: number }> {
  const { customerId } = requireCustomer(actor);
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(unreadOf(customerId))
    .returning({ id: notifications.id });
  return { read: rows.length, unread: 0 };
}
