import { and, desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { sellableVariantIds } from '../catalog/service.ts';
import { personIds } from '../customers/service.ts';
import { listLocations } from '../locations/service.ts';
import { pointBalance } from '../loyalty/service.ts';
import { assertOrderAccess } from './access.ts';
import { addLines, myCart, type CartView } from './carts.ts';
import { changeOf, optionsText, receiptOf, type Receipt } from './receipt.ts';
import { returnsOf } from './returns.ts';
import { orders } from './schema.ts';
import { orderView, orderViews, type OrderView } from './views.ts';

/**
 * マイページ's 注文履歴: every order of hers whatever the channel (web, app, the till with her member code,
 * pickups and holds), newest first, and one of them with its e-receipt and its returns. What only staff
 * see (who rang it up or took it back, points the store could not recover) never reaches her.
 */

export interface MyOrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

// created_at to the microsecond as Postgres prints it: a JS Date would round it and skip or repeat rows.
const atText = sql<string>`to_char(${orders.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const encodeCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(at))
    throw new DomainError('platform.validation', {}, [{ field: 'cursor', message: 'bad_cursor' }]);
  return { at, id };
}

/**
 * Her orders across every channel, newest first, a page at a time (keyset on created_at, id) — with those of
 * the records merged into her, whose orders keep their ids (a till card she had under another record).
 */
export async function myOrderPage(
  db: Db,
  actor: Principal,
  page: { limit: number; cursor?: string | undefined },
): Promise<MyOrderPage> {
  const me = requireCustomer(actor);
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const people = await personIds(db, me.customerId);
  const rows = await db
    .select({ id: orders.id, at: atText })
    .from(orders)
    .where(
      and(
        inArray(orders.customerId, people),
        after ? sql`(${orders.createdAt}, ${orders.id}) < (${after.at}::timestamptz, ${after.id}::text)` : undefined,
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    items: await orderViews(
      db,
      shown.map((r) => r.id),
    ),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.at, last.id) : null,
  };
}

/** A return as she sees it: when, where, what went back and the money and points; not who took it back. */
export interface MyReturn {
  id: string;
  createdAt: string;
  locationId: string;
  storeName: string | null;
  refundTotal: number;
  byMethod: Record<'card' | 'wallet' | 'points' | 'cash', number>;
  pointsReversed: number;
  lines: Array<{ orderLineId: string; name: string; options: string; quantity: number; amount: number }>;
}

export interface MyOrder {
  order: OrderView;
  /** The e-receipt: for a till sale the same slip the till printed (invoice fields, tax per rate, ※). */
  receipt: Receipt;
  returns: MyReturn[];
}

/** One order of hers with its e-receipt and returns; anyone else's order is "not found" (404), never 403. */
export async function myOrder(db: Db, actor: Principal, orderId: string): Promise<MyOrder> {
  requireCustomer(actor);
  await assertOrderAccess(db, actor, orderId);
  const order = await orderView(db, orderId);
  const [receipt, rets] = await Promise.all([
    receiptOf(db, order, changeOf(order), order.customerId ? await pointBalance(db, order.customerId) : null),
    returnsOf(db, orderId),
  ]);
  const stores = rets.length ? new Map((await listLocations(db, {})).map((l) => [l.id, l.name])) : new Map();
  const lineOf = new Map(order.lines.map((l) => [l.id, l]));
  return {
    order,
    receipt,
    returns: rets.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      locationId: r.locationId,
      storeName: stores.get(r.locationId) ?? null,
      refundTotal: r.refundTotal,
      byMethod: r.byMethod,
      pointsReversed: r.pointsReversed,
      lines: r.lines.map((l) => ({
        orderLineId: l.orderLineId,
        name: lineOf.get(l.orderLineId)?.name ?? '',
        options: optionsText(lineOf.get(l.orderLineId)?.options ?? {}),
        quantity: l.quantity,
        amount: l.amount,
      })),
    })),
  };
}

export interface ReorderResult {
  cart: CartView;
  added: Array<{ variantId: string; name: string; options: string; quantity: number }>;
  /** Lines no longer sold (the variant or its product archived): named so she knows what is missing. */
  unavailable: Array<{ variantId: string; name: string; options: string }>;
}

/** 「もう一度買う」: the order's items still sold go into her cart in the quantities bought; the rest are named. */
export async function reorder(db: Db, actor: Principal, orderId: string): Promise<ReorderResult> {
  const me = requireCustomer(actor);
  await assertOrderAccess(db, actor, orderId);
  const order = await orderView(db, orderId);
  const sellable = await sellableVariantIds(
    db,
    order.lines.map((l) => l.variantId),
  );
  // One entry per variant: a till sale scans the same item as separate lines sometimes.
  const wanted = new Map<string, { variantId: string; name: string; options: string; quantity: number }>();
  for (const l of order.lines) {
    const seen = wanted.get(l.variantId);
    if (seen) seen.quantity = Math.min(99, seen.quantity + l.quantity);
    else
      wanted.set(l.variantId, {
        variantId: l.variantId,
        name: l.name,
        options: optionsText(l.options),
        quantity: l.quantity,
      });
  }
  const added = [...wanted.values()].filter((w) => sellable.has(w.variantId));
  const unavailable = [...wanted.values()]
    .filter((w) => !sellable.has(w.variantId))
    .map(({ variantId, name, options }) => ({ variantId, name, options }));
  const cart = await myCart(db, me);
  return {
    cart: added.length ? await addLines(db, me, cart.id, added) : cart,
    added,
    unavailable,
  };
}
