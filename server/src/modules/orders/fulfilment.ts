import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { assertCanActAt, requireStaff, type Principal } from '../../platform/auth.ts';
import { publish } from '../../platform/events/hub.ts';
import { finishIn } from '../inventory/service.ts';
import { newId } from '../../platform/ids.ts';
import { cancelRedemption, refundToWallet } from '../loyalty/service.ts';
import { recordEarned, settlePurchase } from './settle-purchase.ts';
import { assertPresentToSpend } from './presence-check.ts';
import type { MemberCodeKey } from '../customers/service.ts';
import { emitFulfilmentChanged, orderEventPayload } from './events.ts';
import { releaseRedemptions } from '../promotions/service.ts';
import { ORDERS_ACTOR, type OrderDeps } from './deps.ts';
import { fulfilments, orders, payments, type FulfilmentStatus, type FulfilmentType } from './schema.ts';
import { loadOrder, orderView, orderViews, type OrderView } from './views.ts';
import type { TillPayment } from './pos.ts';
import { tenderDetails } from './receipt.ts';
import { releaseSlot } from './slots.ts';

/** Allowed moves per fulfilment type; anything else is a 409 naming both states. */
const FLOW: Partial<Record<FulfilmentType, Partial<Record<FulfilmentStatus, FulfilmentStatus[]>>>> = {
  pickup: {
    placed: ['picking', 'ready', 'cancelled'],
    picking: ['ready', 'cancelled'],
    ready: ['picked_up', 'cancelled'],
  },
  ship: { placed: ['picking', 'shipped', 'cancelled'], picking: ['shipped', 'cancelled'], shipped: ['delivered'] },
  // 取り置き: set aside (ready), then sold at the till (picked_up, paid there) — or it lapses (cancelled).
  hold: { placed: ['ready', 'cancelled'], ready: ['picked_up', 'cancelled'] },
  // Mobile order: the café makes it (picking), puts it on the counter (ready), the customer takes it (picked_up).
  order_ahead: {
    placed: ['picking', 'ready', 'cancelled'],
    picking: ['ready', 'cancelled'],
    ready: ['picked_up', 'cancelled'],
  },
  // Local delivery: picked and bagged (ready), handed to the rider (shipped = 配達中), at the door (delivered).
  delivery: {
    placed: ['picking', 'ready', 'cancelled'],
    picking: ['ready', 'cancelled'],
    ready: ['shipped', 'cancelled'],
    shipped: ['delivered'],
  },
};

/** The moment the goods leave us: the sale is final, the card is captured, points are earned. */
const HANDOVER: FulfilmentStatus[] = ['picked_up', 'shipped'];
/** Not yet left (can still be cancelled). */
const OPEN: FulfilmentStatus[] = ['placed', 'picking', 'ready'];
const handedOver = (s: FulfilmentStatus) => HANDOVER.includes(s) || s === 'delivered';

export interface TransitionOptions {
  /** A hold's till payment when it is picked up: must add up to what is still owed (payment.amount_mismatch). */
  payments?: TillPayment[] | undefined;
  /** Proof the member is here, needed when the hold is paid with her wallet or points (presence-check.ts). */
  presenceToken?: string | undefined;
  memberKey?: MemberCodeKey | undefined;
}

export async function transitionFulfilment(
  db: Db,
  deps: OrderDeps,
  actor: Principal,
  orderId: string,
  fulfilmentId: string,
  to: FulfilmentStatus,
  opts: TransitionOptions = {},
): Promise<OrderView> {
  const staff = requireStaff(actor);
  const order = await loadOrder(db, orderId);
  const [f] = await db
    .select()
    .from(fulfilments)
    .where(and(eq(fulfilments.id, fulfilmentId), eq(fulfilments.orderId, orderId)));
  if (!f) throw new DomainError('order.not_found', { orderId });
  assertCanActAt(staff, f.locationId);
  if (!FLOW[f.type]?.[f.status]?.includes(to))
    throw new DomainError('order.invalid_transition', { from: f.status, to });

  const existing = await db.select().from(payments).where(eq(payments.orderId, orderId));
  const till = tillPaymentsFor(order, f, to, existing, opts.payments);
  await assertPresentToSpend(db, opts.memberKey, {
    customerId: order.customerId,
    locationId: f.locationId,
    staffId: staff.staffId,
    payments: till,
    presenceToken: opts.presenceToken,
  });
  const cards = existing.filter((p) => p.method === 'card' && p.providerRef);
  // The acquirer is outside our database: capture (idempotent) before recording the handover.
  if (HANDOVER.includes(to)) {
    for (const p of cards) {
      if (p.status !== 'authorized') continue;
      // Nothing is recorded when the acquirer does not confirm: the clerk tries again (capture is idempotent).
      await deps.card.capture(p.providerRef!, p.amount).catch((err: unknown) => {
        throw new DomainError('payment.provider_unavailable', { paymentId: p.id, cause: String(err).slice(0, 200) });
      });
    }
  }

  await inTransaction(db, async (tx) => {
    // The whole order's fulfilments, locked in id order (a split shipment has several; see sourcing.ts).
    const all = await tx
      .select()
      .from(fulfilments)
      .where(eq(fulfilments.orderId, orderId))
      .orderBy(fulfilments.id)
      .for('update');
    const locked = all.find((x) => x.id === fulfilmentId)!;
    const siblings = all.filter((x) => x.id !== fulfilmentId);
    if (!FLOW[locked.type]?.[locked.status]?.includes(to))
      throw new DomainError('order.invalid_transition', { from: locked.status, to });
    // One order, one payment: once a parcel has left, the rest ships (or comes back as a return).
    if (to === 'cancelled' && siblings.some((x) => handedOver(x.status)))
      throw new DomainError('order.partially_shipped', { orderId, number: order.number });
    const stamp =
      to === 'ready'
        ? { readyAt: new Date() }
        : HANDOVER.includes(to) || to === 'cancelled' || to === 'delivered'
          ? { completedAt: new Date() }
          : {};
    const cancelled = to === 'cancelled' ? [locked, ...siblings.filter((x) => OPEN.includes(x.status))] : [];
    await tx
      .update(fulfilments)
      .set({ status: to, ...stamp, updatedAt: sql`now()` })
      .where(inArray(fulfilments.id, cancelled.length ? cancelled.map((x) => x.id) : [fulfilmentId]));
    if (HANDOVER.includes(to)) await handOver(tx, order, locked, siblings, staff.staffId, till);
    if (to === 'cancelled') await cancel(tx, order, cancelled, staff.staffId);
    // Inbox, e-mail, webhooks and her timeline hear of the move from this event, after commit.
    await emitFulfilmentChanged(tx, orderEventPayload(order, { ...locked, status: to }, staff.staffId));
    for (const x of cancelled.length ? cancelled : [locked]) {
      await publish(tx, 'order', {
        orderId,
        number: order.number,
        fulfilmentId: x.id,
        type: x.type,
        locationId: x.locationId,
        status: to,
        customerId: order.customerId,
      });
    }
  });
  // The cancel is committed; an authorisation the acquirer fails to void lapses there by itself within days.
  if (to === 'cancelled')
    for (const p of cards) if (p.status === 'authorized') await deps.card.void(p.providerRef!).catch(() => {});
  return orderView(db, orderId);
}

/**
 * Payments taken at the till when a hold is picked up: they must cover what is still owed (nothing was
 * paid at checkout), wallet and points only for the member. Other handovers take none.
 */
function tillPaymentsFor(
  order: typeof orders.$inferSelect,
  f: typeof fulfilments.$inferSelect,
  to: FulfilmentStatus,
  existing: Array<typeof payments.$inferSelect>,
  given: TillPayment[] | undefined,
): TillPayment[] {
  if (!(f.type === 'hold' && to === 'picked_up')) {
    if (given?.length)
      throw new DomainError('platform.validation', {}, [{ field: 'payments', message: 'only_for_hold_pickup' }]);
    return [];
  }
  const till = given ?? [];
  const settled = existing
    .filter((p) => p.status !== 'voided' && p.status !== 'refunded')
    .reduce((s, p) => s + p.amount, 0);
  const due = order.total - settled;
  const paid = till.reduce((s, p) => s + p.amount, 0);
  if (paid !== due) throw new DomainError('payment.amount_mismatch', { total: due, paid });
  for (const [i, p] of till.entries()) {
    if ((p.method === 'wallet' || p.method === 'points') && !order.customerId)
      throw new DomainError('platform.validation', {}, [{ field: `payments.${i}.method`, message: 'members_only' }]);
    if (p.method === 'cash' && p.tendered !== undefined && p.tendered < p.amount)
      throw new DomainError('platform.validation', {}, [
        { field: `payments.${i}.tendered`, message: 'tendered_too_low' },
      ]);
  }
  return till;
}

/**
 * A fulfilment leaves: its stock is sold. The money moves with the first parcel of the order (card
 * captured, till payments taken, points earned on what was paid); the order is completed when its last
 * parcel has left.
 */
async function handOver(
  tx: Tx,
  order: typeof orders.$inferSelect,
  f: typeof fulfilments.$inferSelect,
  siblings: Array<typeof fulfilments.$inferSelect>,
  staffId: string,
  till: TillPayment[] = [],
) {
  // A hold past its deadline has given its stock back: this fails (reservation not active) and nothing is recorded.
  if (f.reservationId) await finishIn(tx, ORDERS_ACTOR, f.reservationId, 'committed');
  const last = !siblings.some((x) => OPEN.includes(x.status));
  if (siblings.some((x) => handedOver(x.status))) {
    if (last)
      await tx
        .update(orders)
        .set({ status: 'completed', updatedAt: sql`now()` })
        .where(eq(orders.id, order.id));
    return;
  }
  // A hold is paid at the till when it is picked up: each payment is recorded captured, like a till sale.
  for (const p of till)
    await tx.insert(payments).values({
      id: newId('pay'),
      orderId: order.id,
      method: p.method,
      amount: p.amount,
      capturedAmount: p.amount,
      status: 'captured',
      tendered: p.tendered ?? null,
      details: tenderDetails(p),
    });
  await tx
    .update(payments)
    .set({ status: 'captured', capturedAmount: sql`${payments.amount}`, updatedAt: sql`now()` })
    .where(and(eq(payments.orderId, order.id), inArray(payments.status, ['authorized', 'pending'])));
  const sum = (m: TillPayment['method']) => till.filter((p) => p.method === m).reduce((s, p) => s + p.amount, 0);
  const pointsUsed = order.pointsUsed + sum('points');
  // Points and wallet money from the till (a hold), then points earned on what was paid — as the till does.
  const { pointsEarned } = await settlePurchase(tx, {
    orderId: order.id,
    customerId: order.customerId,
    channel: order.channel,
    locationId: f.locationId,
    staffId,
    points: sum('points'),
    wallet: sum('wallet'),
    earn: { total: order.total, shippingFee: order.shippingFee, pointsUsed },
  });
  await recordEarned(tx, order.id, { status: last ? 'completed' : 'placed', pointsEarned, pointsUsed });
}

/** Cancel these fulfilments (all that had not left: an order is cancelled whole) and give everything back. */
async function cancel(
  tx: Tx,
  order: typeof orders.$inferSelect,
  fs: Array<typeof fulfilments.$inferSelect>,
  staffId: string,
) {
  for (const f of fs) {
    if (f.reservationId) await finishIn(tx, ORDERS_ACTOR, f.reservationId, 'released', { alreadyEndedOk: true });
    // An order-ahead order gives its place in the pickup slot back, a delivery its place in the window.
    if ((f.type === 'order_ahead' || f.type === 'delivery') && f.slotStart)
      await releaseSlot(tx, f.locationId, f.type, f.slotStart);
  }
  // Her coupons come back with the order: a single-use code works again, a per-member limit no longer counts it.
  await releaseRedemptions(tx, order.id);
  const channel = order.channel === 'store' ? 'store' : order.channel;
  const pays = await tx.select().from(payments).where(eq(payments.orderId, order.id));
  for (const p of pays) {
    if (p.method === 'points' && order.customerId)
      await cancelRedemption(tx, { customerId: order.customerId, reference: order.id, channel, staffId });
    if (p.method === 'wallet' && order.customerId)
      await refundToWallet(tx, {
        customerId: order.customerId,
        amount: p.amount,
        reference: order.id,
        channel,
        staffId,
      });
  }
  await tx
    .update(payments)
    .set({
      status: sql`CASE WHEN ${payments.status} IN ('authorized', 'pending') THEN 'voided' ELSE 'refunded' END`,
      refundedAmount: sql`${payments.capturedAmount}`,
      updatedAt: sql`now()`,
    })
    .where(eq(payments.orderId, order.id));
  await tx
    .update(orders)
    .set({ status: 'cancelled', updatedAt: sql`now()` })
    .where(eq(orders.id, order.id));
}

/**
 * A store's live queue: pickups to prepare and hand over, ship-from-store work, deliveries to bag and
 * those out with a rider (until delivered), earliest deadline first.
 */
export async function storeQueue(db: Db, actor: Principal, locationId: string) {
  assertCanActAt(actor, locationId);
  const rows = await db
    .select({ orderId: fulfilments.orderId })
    .from(fulfilments)
    .where(
      and(
        eq(fulfilments.locationId, locationId),
        or(inArray(fulfilments.status, OPEN), and(eq(fulfilments.type, 'delivery'), eq(fulfilments.status, 'shipped'))),
      ),
    )
    .orderBy(fulfilments.deadline)
    .limit(200);
  return orderViews(
    db,
    rows.map((r) => r.orderId),
  );
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
    .where(
      and(
        inArray(fulfilments.type, ['pickup', 'hold', 'order_ahead']),
        inArray(fulfilments.status, OPEN),
        sql`${fulfilments.deadline} < ${now}`,
      ),
    )
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
