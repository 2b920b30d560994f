import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import { eventMessage } from '../../platform/subscribers.ts';
import { orderEventPayload } from './events.ts';
import { fulfilments, orders } from './schema.ts';

/**
 * Holds (取り置き) set aside and due within `withinMs`: one `order.hold_expiring` event each, which
 * notifications turns into her inbox notice and the webhook. Once per hold however often the job runs,
 * and in several app copies: the event's dedupe key is the fulfilment. Returns the events written.
 */
export async function announceHoldsExpiring(db: Db, now = new Date(), withinMs = 6 * 3600_000): Promise<number> {
  const due = await db
    .select({ f: fulfilments, o: orders })
    .from(fulfilments)
    .innerJoin(orders, eq(orders.id, fulfilments.orderId))
    .where(
      and(
        eq(fulfilments.type, 'hold'),
        inArray(fulfilments.status, ['placed', 'ready']),
        sql`${orders.customerId} IS NOT NULL`,
        sql`${fulfilments.deadline} > ${now}`,
        sql`${fulfilments.deadline} <= ${new Date(now.getTime() + withinMs)}`,
      ),
    )
    .limit(500);
  if (!due.length) return 0;
  const written = await db
    .insert(outbox)
    .values(
      due.map(({ f, o }) => ({
        ...eventMessage(
          'order.hold_expiring',
          o.id,
          orderEventPayload(o, f, 'orders') as unknown as Record<string, unknown>,
        ),
        dedupeKey: `order.hold_expiring:${f.id}`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  return written.length;
}
