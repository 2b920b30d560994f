import { and, asc, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { personIds } from '../customers/service.ts';
import type { Executor } from '../../platform/db/connection.ts';
import { cardAttempts, cartLines, carts, fulfilments, orders, returns } from './schema.ts';
import { orderViews } from './views.ts';
import { returnView } from './returns.ts';

const herOrderIds = (db: Executor, ids: string[]) =>
  db.select({ id: orders.id }).from(orders).where(inArray(orders.customerId, ids)).orderBy(asc(orders.createdAt));

/**
 * Her orders for a personal data export (開示請求): each with its lines, fulfilments (delivery address,
 * name, phone), payments and guest contact as the order view shows them, her returns, and her carts'
 * delivery choices. Handed to customers' export by the composition root (customers ranks below orders).
 */
export async function exportOrders(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const people = await personIds(db, customerId);
  const ids = (await herOrderIds(db, people)).map((o) => o.id);
  const views = await orderViews(db, ids);
  const byId = new Map(views.map((v) => [v.id, v]));
  const returnRows = ids.length
    ? await db
        .select({ id: returns.id })
        .from(returns)
        .where(inArray(returns.orderId, ids))
        .orderBy(asc(returns.createdAt))
    : [];
  const returnViews = [];
  for (const r of returnRows) returnViews.push(await returnView(db, r.id));
  const cartRows = await db.select().from(carts).where(inArray(carts.customerId, people)).orderBy(asc(carts.createdAt));
  const lines = cartRows.length
    ? await db
        .select()
        .from(cartLines)
        .where(
          inArray(
            cartLines.cartId,
            cartRows.map((c) => c.id),
          ),
        )
    : [];
  return {
    orders: ids.map((id) => byId.get(id)).filter((v) => v !== undefined),
    returns: returnViews,
    carts: cartRows.map((c) => ({
      id: c.id,
      channel: c.channel,
      status: c.status,
      deviceId: c.deviceId,
      fulfilment: c.fulfilment,
      orderId: c.orderId,
      createdAt: c.createdAt.toISOString(),
      lines: lines
        .filter((l) => l.cartId === c.id)
        .map((l) => ({ variantId: l.variantId, quantity: l.quantity, addedAt: l.addedAt.toISOString() })),
    })),
  };
}

/**
 * Her part of erasure (利用停止・消去): the guest contact on her orders, the delivery name, phone and
 * address on their fulfilments, her carts' delivery choice and device. Amounts, lines, payments, returns
 * and the stock movements they caused stay as they are, under the pseudonymous customer id.
 */
export async function eraseOrders(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const people = await personIds(tx, customerId);
  const mine = tx.select({ id: orders.id }).from(orders).where(inArray(orders.customerId, people));
  const guests = await tx
    .update(orders)
    .set({ guest: null })
    .where(and(inArray(orders.customerId, people), isNotNull(orders.guest)))
    .returning({ id: orders.id });
  const addresses = await tx
    .update(fulfilments)
    .set({ address: null })
    .where(and(inArray(fulfilments.orderId, mine), isNotNull(fulfilments.address)))
    .returning({ id: fulfilments.id });
  const cartRows = await tx
    .update(carts)
    .set({ fulfilment: null, deviceId: null })
    .where(inArray(carts.customerId, people))
    .returning({ id: carts.id });
  return { orderContacts: guests.length, deliveryAddresses: addresses.length, carts: cartRows.length };
}

/**
 * Her card payment still waiting for its confirmation (Stripe, minutes at most): the checkout body kept
 * with it (her contact) and who she is, cleared. The webhook then has nothing to place the order with;
 * her browser still can, or the sweep cancels the payment when its window lapses.
 */
export async function eraseWaitingCheckouts(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const people = await personIds(tx, customerId);
  const herCarts = tx.select({ id: carts.id }).from(carts).where(inArray(carts.customerId, people));
  const rows = await tx
    .update(cardAttempts)
    .set({ checkoutInput: null, actingAs: null })
    .where(
      and(
        or(isNotNull(cardAttempts.checkoutInput), isNotNull(cardAttempts.actingAs)),
        or(inArray(cardAttempts.cartId, herCarts), inArray(sql`${cardAttempts.actingAs}->>'customerId'`, people)),
      ),
    )
    .returning({ id: cardAttempts.id });
  return { waitingCheckouts: rows.length };
}
