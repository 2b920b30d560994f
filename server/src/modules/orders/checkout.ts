import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { publish } from '../../platform/events/hub.ts';
import { actorId, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { extendIn, finishIn, reserveStock, type Reservation } from '../inventory/service.ts';
import { recordFact } from '../events/record.ts';
import { loadCustomer } from '../customers/service.ts';
import { payFromWallet, redeemForPurchase } from '../loyalty/service.ts';
import type { CardInput, CardProvider } from '../payments/provider.ts';
import { loadCartWithLines, sourceLocation } from './carts.ts';
import { priceLines } from './pricing.ts';
import { confirmFirstPurchase, redeemCoupons } from '../promotions/service.ts';
import { getLocation } from '../locations/service.ts';
import { orderNotifier } from '../notifications/notifier.ts';
import { holdDeadline } from './holds.ts';
import { bookSlot, checkSlot, orderAheadDeadline, slotEnd } from './slots.ts';
import { deliveryOrigin } from './delivery.ts';
import { planShipments } from './sourcing.ts';
import { carts, fulfilments, orderLines, orders, payments, type PaymentMethod } from './schema.ts';
import { lineId, orderView, toOrderView, type OrderRows, type OrderView } from './views.ts';

/** Inventory acts for the order module under this name (every movement still names a reference). */
export const ORDERS_ACTOR: StaffPrincipal = { kind: 'staff', staffId: 'sys_orders', name: 'orders', role: 'owner', locationIds: [] };

/** How long checkout holds the stock while the card is authorised, and how long a pickup waits. */
export const CHECKOUT_HOLD_SECONDS = 300;
/** Days a store pickup waits to be collected before it is cancelled and restocked (PICKUP_DAYS). */
export const PICKUP_DAYS = 7;

export type PaymentInput = { method: 'card'; card: CardInput } | { method: 'wallet' } | { method: 'pay_at_store' };

export interface CheckoutInput {
  payment?: PaymentInput | undefined;
  usePoints?: number | undefined;
  guest?: { name: string; email: string; phone?: string | undefined } | undefined;
}

export interface OrderDeps {
  card: CardProvider;
  /** Days an uncollected pickup waits (default PICKUP_DAYS). */
  pickupDays?: number | undefined;
}

const pickupCode = () => randomBytes(6).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, 'X').slice(0, 8);

/**
 * Checkout: price the cart, reserve its stock at the fulfilling location, authorise the card, then in one
 * transaction write the order, take points and wallet money and keep the stock reserved for the order
 * (until it is picked up or shipped). If anything fails, the reservation is released and the card
 * authorisation voided: nothing stays reserved or charged. A second checkout of the same cart returns
 * the first order.
 */
export async function checkout(db: Db, deps: OrderDeps, actor: Principal, cartId: string, input: CheckoutInput): Promise<{ order: OrderView; replayed: boolean }> {
  const { cart, lines } = await loadCartWithLines(db, actor, cartId);
  if (cart.status === 'checked_out' && cart.orderId) return { order: await orderView(db, cart.orderId), replayed: true };
  if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId, orderId: cart.orderId });
  if (!lines.length) throw new DomainError('cart.empty');
  const choice = cart.fulfilment;
  if (!choice) throw new DomainError('cart.fulfilment_required');
  const customer = cart.customerId ? await loadCustomer(db, cart.customerId, { active: true }) : null;
  // A hold (取り置き) is for a known person: the store sets it aside under her name, she pays at the till.
  const isHold = choice.type === 'hold';
  if (isHold && !customer) throw new DomainError('cart.hold_members_only', { cartId });
  if (!customer && !input.guest) throw new DomainError('platform.validation', {}, [{ field: 'guest', message: 'required' }]);
  // Delivery: the store must still deliver to the address (radius and services can change), and a window is needed.
  const delivery = choice.type === 'delivery' ? await deliveryOrigin(db, choice.address, [], choice.locationId) : null;
  if (delivery && !choice.slotStart) throw new DomainError('cart.fulfilment_invalid', { reasonJa: 'お届け時間帯を選んでください。', reasonEn: 'Choose a delivery time.' });
  const totals = await priceLines(db, lines, { fulfilment: choice.type, distanceKm: delivery?.distanceKm, tier: customer?.tier, promotions: { channel: cart.channel, locationId: cart.locationId, customerId: customer?.id ?? null, coupons: cart.coupons, strict: true } });
  if (isHold && (input.usePoints ?? 0) > 0) throw new DomainError('platform.validation', {}, [{ field: 'usePoints', message: 'not_for_hold' }]);
  if (isHold && input.payment) throw new DomainError('platform.validation', {}, [{ field: 'payment', message: 'not_for_hold' }]);
  const usePoints = Math.min(input.usePoints ?? 0, totals.total);
  if (usePoints > 0 && !customer) throw new DomainError('platform.validation', {}, [{ field: 'usePoints', message: 'members_only' }]);
  const rest = totals.total - usePoints;
  const payment = input.payment;
  if (rest > 0 && !payment && !isHold) throw new DomainError('platform.validation', {}, [{ field: 'payment', message: 'required' }]);
  if (payment?.method === 'pay_at_store' && choice.type !== 'pickup') {
    throw new DomainError('cart.fulfilment_invalid', { reasonJa: '店頭払いは店舗受け取りのときだけ選べます。', reasonEn: 'Pay at store is only for store pickup.' });
  }
  if (payment?.method === 'wallet' && !customer) throw new DomainError('platform.validation', {}, [{ field: 'payment.method', message: 'members_only' }]);
  // The chosen store; for shipping the warehouse (the sourcing plan below may add or use stores instead).
  const locationId = (await sourceLocation(db, choice)) ?? '';
  // Order-ahead and delivery: the slot must still be offered (not past, not within the lead time); it is booked in placeOrder.
  const slotKind = choice.type === 'order_ahead' || choice.type === 'delivery' ? choice.type : null;
  const slot = slotKind ? await checkSlot(db, locationId, slotKind, choice.slotStart ?? '') : null;
  const deadline = slot ? (slot.kind === 'delivery' ? slotEnd(slot.start, 'delivery') : orderAheadDeadline(slot.start)) : isHold ? holdDeadline((await getLocation(db, locationId)).openingHours) : choice.type === 'pickup' ? new Date(Date.now() + (deps.pickupDays ?? PICKUP_DAYS) * 86400_000) : null;

  // Where the stock comes from: the chosen store, or for shipping the sourcing plan (the warehouse, or
  // stores when it lacks something — one fulfilment per parcel). One reservation per source.
  const plan = choice.type === 'ship' ? await planShipments(db, lines, choice.address) : null;
  const groups = plan ? plan.shipments.map((s) => ({ locationId: s.locationId, lines: s.lines })) : [{ locationId, lines: [...lines] }];
  const unavailable = async (variantId: string, atLocation: string, extra: Record<string, unknown> = {}) => {
    const line = totals.lines.find((l) => l.variantId === variantId);
    return new DomainError('cart.unavailable', { variantId, ...extra, name: line?.name ?? '', locationName: (await db.query.locations.findFirst({ where: (l, { eq: is }) => is(l.id, atLocation) }))?.name ?? atLocation });
  };
  if (plan?.short.length) throw await unavailable(plan.short[0]!.variantId, locationId, { requested: plan.short[0]!.requested, available: plan.short[0]!.available });

  const reserved: Array<{ locationId: string; reservation: Reservation; variantIds: string[] }> = [];
  const releaseAll = () => Promise.all(reserved.map((r) => inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, r.reservation.id, 'released', { alreadyEndedOk: true })).catch(() => {})));
  for (const group of groups) {
    try {
      const reservation = await reserveStock(db, ORDERS_ACTOR, {
        lines: group.lines.map((l) => ({ variantId: l.variantId, locationId: group.locationId, quantity: l.quantity })),
        ttlSeconds: CHECKOUT_HOLD_SECONDS,
        // A hold is listed on the clienteling card as one of hers (reference = the customer).
        reason: isHold ? 'hold' : 'order',
        reference: isHold ? customer!.id : cartId,
      });
      reserved.push({ locationId: group.locationId, reservation, variantIds: group.lines.map((l) => l.variantId) });
    } catch (err) {
      await releaseAll();
      if (err instanceof DomainError && err.code === 'inventory.insufficient_stock') throw await unavailable(String(err.params.variantId), group.locationId, err.params);
      throw err;
    }
  }

  let charge: { chargeId: string; last4: string } | null = null;
  try {
    if (payment?.method === 'card' && rest > 0) {
      const auth = await deps.card.authorize({ amount: rest, card: payment.card, idempotencyKey: `checkout:${cartId}:${newId('att')}` }); // per attempt: a declined or voided attempt must not answer the next one
      if (!auth.ok) throw new DomainError('payment.declined', { declineCode: auth.code });
      charge = auth;
    }
    const customerView = customer ? { name: customer.name, nameKana: customer.nameKana, memberNumber: customer.memberNumber, tier: customer.tier } : null;
    const written = await inTransaction(db, (tx) => placeOrder(tx, { actor, cartId, groups: reserved, locationId: reserved[0]!.locationId, deadline, totals, usePoints, rest, payment, charge, customerId: customer?.id ?? null, guest: input.guest, choice, slot, channel: cart.channel, sellingLocation: cart.locationId, provider: deps.card.name }));
    // The answer is built from the rows the inserts returned: the order just written is not read back.
    return { order: toOrderView({ ...written, customer: customerView }), replayed: false };
  } catch (err) {
    await releaseAll();
    if (charge) await deps.card.void(charge.chargeId).catch(() => {});
    // Two checkouts of the same cart raced: the loser answers with the winner's order.
    const [again] = await db.select().from(carts).where(eq(carts.id, cartId));
    if (again?.status === 'checked_out' && again.orderId) return { order: await orderView(db, again.orderId), replayed: true };
    throw err;
  }
}

interface Placement {
  actor: Principal;
  cartId: string;
  /** One per fulfilment: where it leaves from, its reservation and its lines (several only when shipping is split). */
  groups: Array<{ locationId: string; reservation: Reservation; variantIds: string[] }>;
  /** The (first) fulfilling location: slots, points and wallet entries are recorded there. */
  locationId: string;
  /** Pickups wait PICKUP_DAYS (or deps.pickupDays); holds lapse at the store's closing time (see holdDeadline); a delivery is due by its window's end. */
  deadline: Date | null;
  totals: Awaited<ReturnType<typeof priceLines>>;
  usePoints: number;
  rest: number;
  payment: PaymentInput | undefined;
  charge: { chargeId: string; last4: string } | null;
  customerId: string | null;
  guest: CheckoutInput['guest'];
  choice: NonNullable<typeof carts.$inferSelect.fulfilment>;
  /** An order-ahead pickup slot or a delivery window, booked in the order's transaction. */
  slot: { start: Date; capacity: number; kind: 'order_ahead' | 'delivery' } | null;
  channel: typeof carts.$inferSelect.channel;
  sellingLocation: string | null;
  provider: string;
}

async function placeOrder(tx: Tx, p: Placement): Promise<Omit<OrderRows, 'customer'>> {
  const orderId = newId('ord');
  // Taking the cart is the first write: the guarded update locks its row, so of two checkouts of the same
  // cart one waits here and then finds it no longer open (and answers with the first order).
  const [cart] = await tx
    .update(carts)
    .set({ status: 'checked_out', orderId, updatedAt: sql`now()` })
    .where(and(eq(carts.id, p.cartId), eq(carts.status, 'open')))
    .returning({ coupons: carts.coupons });
  if (!cart) {
    const [now] = await tx.select({ orderId: carts.orderId }).from(carts).where(eq(carts.id, p.cartId));
    throw new DomainError('cart.not_open', { cartId: p.cartId, orderId: now?.orderId });
  }
  const deadline = p.deadline;
  const isHold = p.choice.type === 'hold';
  const [order] = await tx
    .insert(orders)
    .values({
      id: orderId,
      // W-001234 online, S-001234 in store: the number comes from the sequence in the same statement
      number: sql`${p.channel === 'store' ? 'S-' : 'W-'} || lpad(nextval('order_number_seq')::text, 6, '0')`,
      channel: p.channel,
      locationId: p.sellingLocation,
      customerId: p.customerId,
      guest: p.guest ?? null,
      subtotal: p.totals.subtotal,
      discountTotal: p.totals.discountTotal,
      shippingFee: p.totals.shippingFee,
      total: p.totals.total,
      taxes: p.totals.taxes,
      discounts: p.totals.discounts,
      pointsUsed: p.usePoints,
      cartId: p.cartId,
      staffId: actorId(p.actor),
    })
    .returning();
  const number = order!.number;
  // Inside the order's transaction: a first-purchase discount when she has ordered meanwhile, a single-use
  // code already taken or a member's limit reached throws 409 here, the order rolls back and checkout
  // releases the stock and voids the card. The member's first-purchase lock is taken before any coupon lock.
  const used = { orderId, customerId: p.customerId, cartCoupons: cart.coupons, discounts: p.totals.discounts };
  await confirmFirstPurchase(tx, used);
  await redeemCoupons(tx, { ...used, channel: p.channel, locationId: p.sellingLocation ?? p.locationId });
  // A guarded upsert: a full slot throws 409 slot.full here and the whole order rolls back (stock released, card voided).
  if (p.slot) await bookSlot(tx, p.locationId, p.slot.kind, p.slot.start, p.slot.capacity);
  // Ids sort in parcel order (ids are time-ordered; i keeps them apart), like the lines'.
  const now = Date.now();
  const groups = p.groups.map((g, i) => ({ ...g, id: newId('ful', now + i) }));
  const fulfilmentOf = new Map(groups.flatMap((g) => g.variantIds.map((v) => [v, g.id] as const)));
  const fulfilmentRows = await tx
    .insert(fulfilments)
    .values(
      groups.map((g) => ({
        id: g.id,
        orderId,
        type: p.choice.type,
        locationId: g.locationId,
        status: 'placed' as const,
        address: p.choice.address ?? null,
        slotStart: p.slot?.start ?? null,
        pickupCode: p.choice.type === 'pickup' || p.choice.type === 'order_ahead' || isHold ? pickupCode() : null,
        deadline,
        reservationId: g.reservation.id,
      })),
    )
    .returning();
  const lineRows = await tx
    .insert(orderLines)
    .values(
      p.totals.lines.map((l, i) => ({ id: lineId(i), orderId, fulfilmentId: fulfilmentOf.get(l.variantId)!, variantId: l.variantId, productId: l.productId, name: l.name, options: l.options, jan: l.jan, quantity: l.quantity, unitPrice: l.unitPrice, taxRate: l.taxRate, discount: l.discount, total: l.total - l.discount })),
    )
    .returning();
  // The stock stays reserved for the order until it leaves (picked up, shipped): it is still on the shelf.
  // A hold lapses exactly at its deadline: the stock is back on sale then, even before the job cancels it.
  for (const g of groups) await extendIn(tx, ORDERS_ACTOR, g.reservation.id, isHold ? deadline! : new Date((deadline?.getTime() ?? Date.now() + 14 * 86400_000) + 86400_000));

  const channel = p.channel === 'store' ? 'store' : p.channel;
  const paymentRows: OrderRows['payments'] = [];
  const pay = async (method: PaymentMethod, amount: number, status: 'authorized' | 'captured' | 'pending', extra: Partial<typeof payments.$inferInsert> = {}) => {
    const [row] = await tx.insert(payments).values({ id: newId('pay'), orderId, method, amount, status, capturedAmount: status === 'captured' ? amount : 0, ...extra }).returning();
    paymentRows.push(row!);
  };
  if (p.usePoints > 0) {
    await redeemForPurchase(tx, { customerId: p.customerId!, points: p.usePoints, reference: orderId, channel, locationId: p.locationId });
    await pay('points', p.usePoints, 'captured');
  }
  if (p.rest > 0 && p.payment) {
    if (p.payment.method === 'card') await pay('card', p.rest, 'authorized', { provider: p.provider, providerRef: p.charge!.chargeId, details: { last4: p.charge!.last4 } });
    else if (p.payment.method === 'wallet') {
      await payFromWallet(tx, { customerId: p.customerId!, amount: p.rest, reference: orderId, channel, locationId: p.locationId });
      await pay('wallet', p.rest, 'captured');
    } else await pay('pay_at_store', p.rest, 'pending');
  }
  await orderNotifier.orderPlaced(tx, order!, fulfilmentRows[0]!); // inbox, e-mail, webhooks — in this transaction (one notice per order)
  for (const g of groups) await publish(tx, 'order', { orderId, number, fulfilmentId: g.id, type: p.choice.type, locationId: g.locationId, status: 'placed', customerId: p.customerId });
  if (p.customerId) {
    await recordFact(tx, { type: 'order_placed', customerId: p.customerId, channel, locationId: p.locationId, source: 'orders', payload: { orderId, number, total: p.totals.total, fulfilment: p.choice.type } });
  }
  return { order: order!, lines: lineRows, fulfilments: fulfilmentRows, payments: paymentRows };
}
