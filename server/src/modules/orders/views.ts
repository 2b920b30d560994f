import { asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { memberCards } from '../customers/service.ts';
import { fulfilments, orderLines, orders, payments } from './schema.ts';
import type { PricedLine } from './pricing.ts';
import type { OrderView } from './schemas.ts';

/** W-001234 online, S-001234 in store, from order_number_seq (unique and increasing; a failed checkout leaves a gap). */
export const orderNumber = (channel: string, n: number | string): string =>
  `${channel === 'store' ? 'S' : 'W'}-${String(n).padStart(6, '0')}`;

/**
 * The order_lines rows of priced lines, as sold (name, options, JAN, unit price, tax rate, discount). Their
 * ids sort in the order the lines were scanned or added (ids are time-ordered; i keeps them apart).
 */
export function orderLineRows(
  lines: readonly PricedLine[],
  orderId: string,
  fulfilmentOf: (variantId: string) => string,
  now = Date.now(),
): Array<typeof orderLines.$inferInsert> {
  return lines.map((l, i) => ({
    id: newId('oln', now + i),
    orderId,
    fulfilmentId: fulfilmentOf(l.variantId),
    variantId: l.variantId,
    productId: l.productId,
    name: l.name,
    options: l.options,
    jan: l.jan,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    taxRate: l.taxRate,
    discount: l.discount,
    total: l.total - l.discount,
  }));
}

export type OrderRow = typeof orders.$inferSelect;

export type { OrderView };

export async function loadOrder(db: Executor, id: string): Promise<OrderRow> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  if (!row) throw new DomainError('order.not_found', { orderId: id });
  return row;
}

export async function orderView(db: Executor, id: string): Promise<OrderView> {
  const [view] = await orderViews(db, [id]);
  if (!view) throw new DomainError('order.not_found', { orderId: id });
  return view;
}

/**
 * Several orders in five queries whatever their number (a store's queue, a member's history), in the
 * order of `ids`; unknown ids are left out.
 */
export async function orderViews(db: Executor, ids: readonly string[]): Promise<OrderView[]> {
  if (!ids.length) return [];
  const list = [...new Set(ids)];
  const rows = await db.select().from(orders).where(inArray(orders.id, list));
  const memberIds = [...new Set(rows.map((o) => o.customerId).filter((c): c is string => !!c))];
  const [lines, fuls, pays, members] = await Promise.all([
    db.select().from(orderLines).where(inArray(orderLines.orderId, list)).orderBy(asc(orderLines.id)),
    db.select().from(fulfilments).where(inArray(fulfilments.orderId, list)).orderBy(asc(fulfilments.id)),
    db
      .select()
      .from(payments)
      .where(inArray(payments.orderId, list))
      .orderBy(asc(payments.createdAt), asc(payments.id)),
    memberCards(db, memberIds),
  ]);
  const byId = new Map(rows.map((o) => [o.id, o]));
  return list
    .map((id) => byId.get(id))
    .filter((o): o is OrderRow => !!o)
    .map((o) => {
      const m = o.customerId ? members.get(o.customerId) : undefined;
      return toOrderView({
        order: o,
        lines: lines.filter((l) => l.orderId === o.id),
        fulfilments: fuls.filter((f) => f.orderId === o.id),
        payments: pays.filter((p) => p.orderId === o.id),
        customer: m ?? null,
      });
    });
}

export interface OrderRows {
  order: OrderRow;
  lines: Array<typeof orderLines.$inferSelect>;
  fulfilments: Array<typeof fulfilments.$inferSelect>;
  payments: Array<typeof payments.$inferSelect>;
  customer: OrderView['customer'];
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * The view of rows as the database holds them, e.g. as checkout's inserts returned them, so the order
 * just written is not read back. Sorted as orderView's queries sort (ids are ASCII, so JavaScript's
 * order is the database's under any collation that orders ASCII letters and digits bytewise, as C does).
 */
export function toOrderView(rows: OrderRows): OrderView {
  const { order: o, customer } = rows;
  const lines = [...rows.lines].sort(byKey((l) => l.id));
  const fuls = [...rows.fulfilments].sort(byKey((f) => f.id));
  const pays = [...rows.payments].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byKey<typeof a>((p) => p.id)(a, b),
  );
  return {
    id: o.id,
    number: o.number,
    channel: o.channel,
    status: o.status,
    customerId: o.customerId,
    customer,
    guest: o.guest,
    locationId: o.locationId,
    subtotal: o.subtotal,
    discountTotal: o.discountTotal,
    shippingFee: o.shippingFee,
    total: o.total,
    taxes: o.taxes,
    discounts: o.discounts,
    pointsUsed: o.pointsUsed,
    pointsEarned: o.pointsEarned,
    createdAt: o.createdAt.toISOString(),
    offline: o.offlineAt ? { at: o.offlineAt.toISOString(), transactionId: o.clientTransactionId ?? '' } : null,
    lines: lines.map(({ orderId: _o, ...l }) => l),
    fulfilments: fuls.map((f) => ({
      id: f.id,
      type: f.type,
      locationId: f.locationId,
      status: f.status,
      slotStart: f.slotStart?.toISOString() ?? null,
      pickupCode: f.pickupCode,
      deadline: f.deadline?.toISOString() ?? null,
      readyAt: f.readyAt?.toISOString() ?? null,
      completedAt: f.completedAt?.toISOString() ?? null,
      address: f.address,
    })),
    payments: pays.map((p) => ({
      id: p.id,
      method: p.method,
      amount: p.amount,
      status: p.status,
      capturedAmount: p.capturedAmount,
      refundedAmount: p.refundedAmount,
      tendered: p.tendered,
      details: p.details,
    })),
  };
}
