import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { enqueue } from '../../platform/outbox.ts';
import { publish } from '../../platform/events/hub.ts';
import { finishIn } from '../inventory/service.ts';
import { recordFact } from '../events/record.ts';
import { cancelRedemption, earnForPurchase, refundToWallet } from '../loyalty/service.ts';
import { customerIdentifiers } from '../customers/schema.ts';
import { ORDERS_ACTOR, type OrderDeps } from './checkout.ts';
import { fulfilments, orders, payments, type FulfilmentStatus, type FulfilmentType } from './schema.ts';
import { loadOrder, orderView, type OrderView } from './views.ts';

/** Allowed moves per fulfilment type; anything else is a 409 naming both states. */
const FLOW: Partial<Record<FulfilmentType, Partial<Record<FulfilmentStatus, FulfilmentStatus[]>>>> = {
  pickup: { placed: ['picking', 'ready', 'cancelled'], picking: ['ready', 'cancelled'], ready: ['picked_up', 'cancelled'] },
  ship: { placed: ['picking', 'shipped', 'cancelled'], picking: ['shipped', 'cancelled'], shipped: ['delivered'] },
};

/** The moment the goods leave us: the sale is final, the card is captured, points are earned. */
const HANDOVER: FulfilmentStatus[] = ['picked_up', 'shipped'];

export async function transitionFulfilment(db: Db, deps: OrderDeps, actor: Principal, orderId: string, fulfilmentId: string, to: FulfilmentStatus): Promise<OrderView> {
  const staff = requireStaff(actor);
  const order = await loadOrder(db, orderId);
  const [f] = await db.select().from(fulfilments).where(and(eq(fulfilments.id, fulfilmentId), eq(fulfilments.orderId, orderId)));
  if (!f) throw new DomainError('order.not_found', { orderId });
  assertCanActAt(staff, f.locationId);
  if (!FLOW[f.type]?.[f.status]?.includes(to)) throw new DomainError('order.invalid_transition', { from: f.status, to });

  const cards = (await db.select().from(payments).where(and(eq(payments.orderId, orderId), eq(payments.method, 'card')))).filter((p) => p.providerRef);
  // The acquirer is outside our database: capture (idempotent) before recording the handover.
  if (HANDOVER.includes(to)) for (const p of cards) if (p.status === 'authorized') await deps.card.capture(p.providerRef!, p.amount);

  await inTransaction(db, async (tx) => {
    const [locked] = await tx.select().from(fulfilments).where(eq(fulfilments.id, fulfilmentId)).for('update');
    if (!FLOW[locked!.type]?.[locked!.status]?.includes(to)) throw new DomainError('order.invalid_transition', { from: locked!.status, to });
    const stamp = to === 'ready' ? { readyAt: new Date() } : HANDOVER.includes(to) || to === 'cancelled' || to === 'delivered' ? { completedAt: new Date() } : {};
    await tx.update(fulfilments).set({ status: to, ...stamp, updatedAt: sql`now()` }).where(eq(fulfilments.id, fulfilmentId));
    if (to === 'ready') await notifyReady(tx, order, locked!);
    if (HANDOVER.includes(to)) await handOver(tx, order, locked!, staff.staffId);
    if (to === 'cancelled') await cancel(tx, order, locked!, staff.staffId);
    await publish(tx, 'order', { orderId, number: order.number, fulfilmentId, type: locked!.type, locationId: locked!.locationId, status: to, customerId: order.customerId });
    if (order.customerId) {
      await recordFact(tx, { type: `order_${to}`, customerId: order.customerId, channel: 'store', locationId: locked!.locationId, source: staff.staffId, payload: { orderId, number: order.number } });
    }
  });
  if (to === 'cancelled') for (const p of cards) if (p.status === 'authorized') await deps.card.void(p.providerRef!);
  return orderView(db, orderId);
}

async function notifyReady(tx: Tx, order: typeof orders.$inferSelect, f: typeof fulfilments.$inferSelect) {
  if (!order.customerId && !order.guest) return;
  const [email] = order.customerId
    ? await tx.select({ value: customerIdentifiers.value }).from(customerIdentifiers).where(and(eq(customerIdentifiers.customerId, order.customerId), eq(customerIdentifiers.kind, 'email')))
    : [{ value: order.guest!.email }];
  if (email) await enqueue(tx, { channel: 'email', recipient: email.value, template: 'order_ready', payload: { orderId: order.id, number: order.number, pickupCode: f.pickupCode, locationId: f.locationId, deadline: f.deadline?.toISOString() } });
}

async function handOver(tx: Tx, order: typeof orders.$inferSelect, f: typeof fulfilments.$inferSelect, staffId: string) {
  if (f.reservationId) await finishIn(tx, ORDERS_ACTOR, f.reservationId, 'committed');
  await tx
    .update(payments)
    .set({ status: 'captured', capturedAmount: sql`${payments.amount}`, updatedAt: sql`now()` })
    .where(and(eq(payments.orderId, order.id), inArray(payments.status, ['authorized', 'pending'])));
  let pointsEarned = 0;
  const paid = order.total - order.pointsUsed; // points are not earned on the part paid with points
  if (order.customerId && paid > 0) {
    const earned = await earnForPurchase(tx, { customerId: order.customerId, spend: paid, reference: order.id, channel: order.channel === 'store' ? 'store' : order.channel, locationId: f.locationId, staffId });
    pointsEarned = earned.entry.points;
  }
  await tx.update(orders).set({ status: 'completed', pointsEarned, updatedAt: sql`now()` }).where(eq(orders.id, order.id));
}

async function cancel(tx: Tx, order: typeof orders.$inferSelect, f: typeof fulfilments.$inferSelect, staffId: string) {
  if (f.reservationId) await finishIn(tx, ORDERS_ACTOR, f.reservationId, 'released', { alreadyEndedOk: true });
  const channel = order.channel === 'store' ? 'store' : order.channel;
  const pays = await tx.select().from(payments).where(eq(payments.orderId, order.id));
  for (const p of pays) {
    if (p.method === 'points' && order.customerId) await cancelRedemption(tx, { customerId: order.customerId, reference: order.id, channel, staffId });
    if (p.method === 'wallet' && order.customerId) await refundToWallet(tx, { customerId: order.customerId, amount: p.amount, reference: order.id, channel, staffId });
  }
  await tx
    .update(payments)
    .set({ status: sql`CASE WHEN ${payments.status} IN ('authorized', 'pending') THEN 'voided' ELSE 'refunded' END`, refundedAmount: sql`${payments.capturedAmount}`, updatedAt: sql`now()` })
    .where(eq(payments.orderId, order.id));
  await tx.update(orders).set({ status: 'cancelled', updatedAt: sql`now()` }).where(eq(orders.id, order.id));
}

/** A store's live queue: pickups to prepare and hand over, ship-from-store work, newest deadline first. */
export async function storeQueue(db: Db, actor: Principal, locationId: string) {
  assertCanActAt(actor, locationId);
  const rows = await db
    .select({ orderId: fulfilments.orderId })
    .from(fulfilments)
    .where(and(eq(fulfilments.locationId, locationId), inArray(fulfilments.status, ['placed', 'picking', 'ready'])))
    .orderBy(fulfilments.deadline)
    .limit(200);
  return Promise.all([...new Set(rows.map((r) => r.orderId))].map((id) => orderView(db, id)));
}

/**
 * Pickups nobody collected and holds that lapsed: cancelled after their deadline, so the stock goes back
 * on sale and any payment is voided or refunded. Safe in several app copies (each fulfilment is
 * re-checked under its row lock by transitionFulfilment).
 */
export async function cancelUncollected(db: Db, deps: OrderDeps, now = new Date()): Promise<number> {
  const due = await db
    .select({ id: fulfilments.id, orderId: fulfilments.orderId })
    .from(fulfilments)
    .where(and(inArray(fulfilments.type, ['pickup', 'hold']), inArray(fulfilments.status, ['placed', 'picking', 'ready']), sql`${fulfilments.deadline} < ${now}`))
    .limit(100);
  let n = 0;
  for (const f of due) {
    try {
      await transitionFulfilment(db, deps, SYSTEM, f.orderId, f.id, 'cancelled');
      n++;
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'order.invalid_transition')) throw err; // someone else got there first
    }
  }
  return n;
}

const SYSTEM = ORDERS_ACTOR;
