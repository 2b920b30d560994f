import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { fulfilments, orders } from './schema.ts';

/** Who may read an order: its member, staff at a location it touches. */
export async function assertOrderAccess(db: Db, actor: Principal, orderId: string) {
  const [o] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!o) throw new DomainError('order.not_found', { orderId });
  if (actor.kind === 'customer' && actor.customerId === o.customerId) return;
  if (actor.kind === 'staff') {
    const locs = (
      await db.select({ l: fulfilments.locationId }).from(fulfilments).where(eq(fulfilments.orderId, orderId))
    ).map((r) => r.l);
    const at = o.locationId ?? locs[0];
    if (at) assertCanActAt(actor, at);
    return;
  }
  throw new DomainError('order.not_found', { orderId });
}
