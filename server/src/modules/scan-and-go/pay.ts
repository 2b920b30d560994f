import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { getVariants } from '../catalog/service.ts';
import { sellScanAndGo, orderView, type AppSalePayment, type OrderDeps, type OrderView } from '../orders/service.ts';
import { basketLines, openStore, assertAddable } from './basket.ts';
import { PASS_MINUTES, pickedForCheck, signExitPass, type ExitPassKey } from './exit-pass.ts';
import { exitPasses, scanAndGoBaskets } from './schema.ts';

export interface PassView {
  code: string;
  orderId: string;
  orderNumber: string;
  locationId: string;
  itemCount: number;
  total: number;
  paidAt: string;
  expiresAt: string;
}

export interface PaidBasket {
  order: OrderView;
  pass: PassView;
  replayed: boolean;
}

function passView(key: ExitPassKey, order: OrderView, row: typeof exitPasses.$inferSelect): PassView {
  return {
    code: signExitPass(key, row.orderId, row.expiresAt),
    orderId: row.orderId,
    orderNumber: order.number,
    locationId: row.locationId,
    itemCount: row.itemCount,
    total: order.total,
    paidAt: row.issuedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/**
 * Pay her basket in the app: the store's rules checked again at the moment of paying (on, every item still
 * sold by スキャン＆ゴー and in stock, within the cap), then orders' scan-and-go sale, keyed by the basket —
 * a double tap or a retry is one sale — and the exit pass issued once, with its check drawn then.
 */
export async function payBasket(
  db: Db,
  deps: OrderDeps,
  key: ExitPassKey,
  actor: Principal,
  basketId: string,
  payment: AppSalePayment,
): Promise<PaidBasket> {
  const { customerId } = requireCustomer(actor);
  const [basket] = await db
    .select()
    .from(scanAndGoBaskets)
    .where(and(eq(scanAndGoBaskets.id, basketId), eq(scanAndGoBaskets.customerId, customerId)));
  if (!basket) throw new DomainError('scan_and_go.basket_not_found', { basketId });
  if (basket.status === 'paid' && basket.orderId)
    return { ...(await passOf(db, key, actor, basket.orderId)), replayed: true };
  const { location, settings } = await openStore(db, basket.locationId);
  const lines = await basketLines(db, basket.id);
  if (!lines.length) throw new DomainError('scan_and_go.basket_empty');
  const info = await getVariants(
    db,
    lines.map((l) => l.variantId),
  );
  const at = { customerId, locationId: basket.locationId, storeName: location.name, settings };
  for (const l of lines) await assertAddable(db, at, info.get(l.variantId)!, lines);

  const { order, replayed } = await sellScanAndGo(db, deps, {
    customerId,
    locationId: basket.locationId,
    lines,
    clientTransactionId: `sg_${basket.id}`,
    payment,
  });
  const itemCount = lines.reduce((s, l) => s + l.quantity, 0);
  const issuedAt = new Date(order.createdAt);
  await inTransaction(db, async (tx) => {
    await tx
      .insert(exitPasses)
      .values({
        orderId: order.id,
        basketId: basket.id,
        customerId,
        locationId: basket.locationId,
        itemCount,
        mustCheck: pickedForCheck(key, order.id, settings.checkPercent),
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + PASS_MINUTES * 60_000),
      })
      .onConflictDoNothing();
    await tx
      .update(scanAndGoBaskets)
      .set({ status: 'paid', orderId: order.id, updatedAt: sql`now()` })
      .where(eq(scanAndGoBaskets.id, basket.id));
  });
  return { ...(await passOf(db, key, actor, order.id)), replayed };
}

/** Her exit pass for a paid basket (shown again after a reload); another member's is 404. */
export async function passOf(
  db: Db,
  key: ExitPassKey,
  actor: Principal,
  orderId: string,
): Promise<{ order: OrderView; pass: PassView }> {
  const { customerId } = requireCustomer(actor);
  const [row] = await db
    .select()
    .from(exitPasses)
    .where(and(eq(exitPasses.orderId, orderId), eq(exitPasses.customerId, customerId)));
  if (!row) throw new DomainError('order.not_found', { orderId });
  const order = await orderView(db, orderId);
  return { order, pass: passView(key, order, row) };
}
