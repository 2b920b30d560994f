import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, type Principal } from '../../platform/auth.ts';
import { personIds } from '../customers/service.ts';
import { pointBalance } from '../loyalty/service.ts';
import { fulfilments, orders } from './schema.ts';
import { orderView, type OrderView } from './views.ts';
import { changeOf, receiptOf, type Receipt } from './receipt.ts';

/**
 * Who may read an order: its member (she, or a record merged into her), or staff at a location it touches (where it was sold, else its
 * first fulfilment). Anyone else is told it does not exist (404), so order ids cannot be probed.
 */
export async function assertOrderAccess(db: Db, actor: Principal, orderId: string): Promise<void> {
  const [o] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!o) throw new DomainError('order.not_found', { orderId });
  if (actor.kind === 'customer' && o.customerId) {
    if (actor.customerId === o.customerId) return;
    // An order of a record merged into hers is hers too (a merge leaves orders under their own ids).
    if ((await personIds(db, actor.customerId)).includes(o.customerId)) return;
  }
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

/** An order as its member or its store's staff may read it. */
export async function readOrder(db: Db, actor: Principal, orderId: string): Promise<OrderView> {
  await assertOrderAccess(db, actor, orderId);
  return orderView(db, orderId);
}

/** An order's receipt (printable at the till, digital in the app), for whoever may read the order. */
export async function readReceipt(db: Db, actor: Principal, orderId: string): Promise<Receipt> {
  const order = await readOrder(db, actor, orderId);
  const change = changeOf(order);
  return receiptOf(db, order, change, order.customerId ? await pointBalance(db, order.customerId) : null);
}
