import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { notifications } from './schema.ts';

export async function listInbox(db: Db, actor: Principal, limit = 50) {
  const { customerId } = requireCustomer(actor);
  const rows = await db
    .select()
    .from(notifications)
    .where(eq(notifications.customerId, customerId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.customerId, customerId), isNull(notifications.readAt)));
  return {
    unread: Number(count?.n ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      payload: r.payload,
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
    })),
  };
}

/** Only the customer's own notification; anyone else's is a 404 (no hint that it exists). */
export async function markRead(db: Db, actor: Principal, id: string) {
  const { customerId } = requireCustomer(actor);
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.customerId, customerId)))
    .returning();
  if (!row) throw new DomainError('platform.not_found', { path: `/api/account/notifications/${id}` });
  return { id: row.id, readAt: row.readAt!.toISOString() };
}
