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
  const mine = and(eq(scanAndGoBaskets.id, basketId), eq(scanAndGoBaskets.customerId, customerId));
  const [basket] = await db.select().from(scanAndGoBaskets).where(mine);
  if (!basket) throw new DomainError('scan_and_go.basket_not_found', { basketId });
  if (basket.status === 'paid' && basket.orderId)
    return { ...(await passOf(db, key, actor, basket.orderId)), replayed: true };
  // One payment of a basket at a time: a twin (a double tap) waits for it and answers with its sale, so the
  // stock the first one reserves never makes the second look sold out. A claim left by a process that died
  // is taken over after PAYING_LEASE_MS.
  const [claimed] = await db
    .update(scanAndGoBaskets)
    .set({ status: 'paying', updatedAt: sql`now()` })
    .where(
      and(
        mine,
        sql`(${scanAndGoBaskets.status} = 'open' OR (${scanAndGoBaskets.status} = 'paying' AND ${scanAndGoBaskets.updatedAt} < now() - make_interval(secs => ${PAYING_LEASE_MS / 1000})))`,
      ),
    )
    .returning();
  if (!claimed) return { ...(await twinOutcome(db, key, actor, basketId)), replayed: true };
  try {
    return await payClaimed(db, deps, key, actor, claimed, payment);
  } catch (err) {
    await db
      .update(scanAndGoBaskets)
      .set({ status: 'open', updatedAt: sql`now()` })
      .where(and(eq(scanAndGoBaskets.id, basketId), eq(scanAndGoBaskets.status, 'paying')));
    throw err;
  }
}

/** How long one payment of a basket may run before another request may take it over (a process that died). */
export const PAYING_LEASE_MS = 60_000;
const TWIN_WAIT_MS = 15_000;

/** The sale of the payment running beside this request, once it is done; 409 scan_and_go.paying if it takes too long. */
async function twinOutcome(db: Db, key: ExitPassKey, actor: Principal, basketId: string) {
  const until = Date.now() + TWIN_WAIT_MS;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    const [b] = await db.select().from(scanAndGoBaskets).where(eq(scanAndGoBaskets.id, basketId));
    if (b?.status === 'paid' && b.orderId) return passOf(db, key, actor, b.orderId);
    if (b?.status === 'open') break; // it failed: its own answer says why
  }
  throw new DomainError('scan_and_go.paying', { basketId });
}

async function payClaimed(
  db: Db,
  deps: OrderDeps,
  key: ExitPassKey,
  actor: Principal,
  basket: typeof scanAndGoBaskets.$inferSelect,
  payment: AppSalePayment,
): Promise<PaidBasket> {
  const customerId = basket.customerId;
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
