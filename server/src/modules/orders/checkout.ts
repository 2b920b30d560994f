import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { notifySql } from '../../platform/events/hub.ts';
import { insertRows, Refused, writeTogether } from '../../platform/db/together.ts';
import { actorId, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import {
  extensionCtes,
  finishIn,
  reservationCtes,
  reserveStock,
  shortageOf,
  type Reservation,
  type ReserveInput,
} from '../inventory/service.ts';
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
import type { CheckoutInput, PaymentInput } from './schemas.ts';
import { orderLineRows, orderNumber, orderView, toOrderView, type OrderRows, type OrderView } from './views.ts';

/** Inventory acts for the order module under this name (every movement still names a reference). */
export const ORDERS_ACTOR: StaffPrincipal = {
  kind: 'staff',
  staffId: 'sys_orders',
  name: 'orders',
  role: 'owner',
  locationIds: [],
};

/** How long checkout holds the stock while the card is authorised, and how long a pickup waits. */
export const CHECKOUT_HOLD_SECONDS = 300;
/** Days a store pickup waits to be collected before it is cancelled and restocked (PICKUP_DAYS). */
export const PICKUP_DAYS = 7;

export type { CheckoutInput, PaymentInput };

export interface OrderDeps {
  card: CardProvider;
  /** Days an uncollected pickup waits (default PICKUP_DAYS). */
  pickupDays?: number | undefined;
}

const pickupCode = () =>
  randomBytes(6)
    .toString('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'X')
    .slice(0, 8);

/**
 * Checkout: read and price the cart; with a card, hold its stock for a few minutes and authorise; then
 * write the order in one statement that also reserves the stock until the order leaves (placeOrder). If
 * anything fails, a hold is released and the card authorisation voided: nothing stays reserved or
 * charged. A second checkout of the same cart returns the first order.
 */
export async function checkout(
  db: Db,
  deps: OrderDeps,
  actor: Principal,
  cartId: string,
  input: CheckoutInput,
): Promise<{ order: OrderView; replayed: boolean }> {
  const { cart, lines, drawn } = await loadCartWithLines(db, actor, cartId, { drawOrderNumber: true });
  if (cart.status === 'checked_out' && cart.orderId)
    return { order: await orderView(db, cart.orderId), replayed: true };
  if (cart.status !== 'open') throw new DomainError('cart.not_open', { cartId, orderId: cart.orderId });
  if (!lines.length) throw new DomainError('cart.empty');
  const choice = cart.fulfilment;
  if (!choice) throw new DomainError('cart.fulfilment_required');
  const customer = cart.customerId ? await loadCustomer(db, cart.customerId, { active: true }) : null;
  // A hold (取り置き) is for a known person: the store sets it aside under her name, she pays at the till.
  const isHold = choice.type === 'hold';
  if (isHold && !customer) throw new DomainError('cart.hold_members_only', { cartId });
  if (!customer && !input.guest)
    throw new DomainError('platform.validation', {}, [{ field: 'guest', message: 'required' }]);
  // Delivery: the store must still deliver to the address (radius and services can change), and a window is needed.
  const delivery = choice.type === 'delivery' ? await deliveryOrigin(db, choice.address, [], choice.locationId) : null;
  if (delivery && !choice.slotStart)
    throw new DomainError('cart.fulfilment_invalid', {
      reasonJa: 'お届け時間帯を選んでください。',
      reasonEn: 'Choose a delivery time.',
    });
  const totals = await priceLines(db, lines, {
    fulfilment: choice.type,
    distanceKm: delivery?.distanceKm,
    tier: customer?.tier,
    promotions: {
      channel: cart.channel,
      locationId: cart.locationId,
      customerId: customer?.id ?? null,
      coupons: cart.coupons,
      strict: true,
    },
  });
  if (isHold && (input.usePoints ?? 0) > 0)
    throw new DomainError('platform.validation', {}, [{ field: 'usePoints', message: 'not_for_hold' }]);
  if (isHold && input.payment)
    throw new DomainError('platform.validation', {}, [{ field: 'payment', message: 'not_for_hold' }]);
  const usePoints = Math.min(input.usePoints ?? 0, totals.total);
  if (usePoints > 0 && !customer)
    throw new DomainError('platform.validation', {}, [{ field: 'usePoints', message: 'members_only' }]);
  const rest = totals.total - usePoints;
  const payment = input.payment;
  if (rest > 0 && !payment && !isHold)
    throw new DomainError('platform.validation', {}, [{ field: 'payment', message: 'required' }]);
  if (payment?.method === 'pay_at_store' && choice.type !== 'pickup') {
    throw new DomainError('cart.fulfilment_invalid', {
      reasonJa: '店頭払いは店舗受け取りのときだけ選べます。',
      reasonEn: 'Pay at store is only for store pickup.',
    });
  }
  if (payment?.method === 'wallet' && !customer)
    throw new DomainError('platform.validation', {}, [{ field: 'payment.method', message: 'members_only' }]);
  // The chosen store; for shipping the warehouse (the sourcing plan below may add or use stores instead).
  const locationId = (await sourceLocation(db, choice)) ?? '';
  // Order-ahead and delivery: the slot must still be offered (not past, not within the lead time); it is booked in placeOrder.
  const slotKind = choice.type === 'order_ahead' || choice.type === 'delivery' ? choice.type : null;
  const slot = slotKind ? await checkSlot(db, locationId, slotKind, choice.slotStart ?? '') : null;
  const deadline = slot
    ? slot.kind === 'delivery'
      ? slotEnd(slot.start, 'delivery')
      : orderAheadDeadline(slot.start)
    : isHold
      ? holdDeadline((await getLocation(db, locationId)).openingHours)
      : choice.type === 'pickup'
        ? new Date(Date.now() + (deps.pickupDays ?? PICKUP_DAYS) * 86400_000)
        : null;

  // Where the stock comes from: the chosen store, or for shipping the sourcing plan (the warehouse, or
  // stores when it lacks something — one fulfilment per parcel). One reservation per source.
  const plan = choice.type === 'ship' ? await planShipments(db, lines, choice.address) : null;
  const groups = plan
    ? plan.shipments.map((s) => ({ locationId: s.locationId, lines: s.lines }))
    : [{ locationId, lines: [...lines] }];
  const unavailable = async (variantId: string, atLocation: string, extra: Record<string, unknown> = {}) => {
    const line = totals.lines.find((l) => l.variantId === variantId);
    return new DomainError('cart.unavailable', {
      variantId,
      ...extra,
      name: line?.name ?? '',
      locationName:
        (await db.query.locations.findFirst({ where: (l, { eq: is }) => is(l.id, atLocation) }))?.name ?? atLocation,
    });
  };
  if (plan?.short.length)
    throw await unavailable(plan.short[0]!.variantId, locationId, {
      requested: plan.short[0]!.requested,
      available: plan.short[0]!.available,
    });
  // Sold out as read with the cart (a flash sale's late buyers): refused here, before an order is built.
  // The order's statement decides for the rest, under the stock rows' locks.
  const gone =
    groups.length === 1 ? lines.find((l) => l.stock && !l.stock.lapsed && l.stock.available < l.quantity) : undefined;
  if (gone)
    throw await unavailable(gone.variantId, locationId, {
      locationId,
      requested: gone.quantity,
      available: Math.max(gone.stock!.available, 0),
    });

  // Held until the order leaves (picked up, shipped) — a day past its deadline; a hold lapses exactly at its deadline.
  const keepUntil = isHold ? deadline! : new Date((deadline?.getTime() ?? Date.now() + 14 * 86400_000) + 86400_000);
  const reservationOf = (group: (typeof groups)[number]) => ({
    lines: group.lines.map((l) => ({ variantId: l.variantId, locationId: group.locationId, quantity: l.quantity })),
    // A hold is listed on the clienteling card as one of hers (reference = the customer).
    reason: isHold ? ('hold' as const) : ('order' as const),
    reference: isHold ? customer!.id : cartId,
  });
  // With a card the stock is held for CHECKOUT_HOLD_SECONDS on its own while the acquirer answers (no lock
  // waits on it), and the order's transaction extends it. Without one it is reserved in the order's own
  // transaction, until keepUntil: one commit, and on any failure nothing to release.
  const card = payment?.method === 'card' && rest > 0 ? payment : null;
  const held: Reservation[] = [];
  const releaseHeld = () =>
    Promise.all(
      held.map((r) =>
        inTransaction(db, (tx) => finishIn(tx, ORDERS_ACTOR, r.id, 'released', { alreadyEndedOk: true })).catch(
          () => {},
        ),
      ),
    );
  let charge: { chargeId: string; last4: string } | null = null;
  try {
    if (card) {
      for (const group of groups)
        held.push(await reserveStock(db, ORDERS_ACTOR, { ...reservationOf(group), ttlSeconds: CHECKOUT_HOLD_SECONDS }));
      const auth = await deps.card.authorize({
        amount: rest,
        card: card.card,
        idempotencyKey: `checkout:${cartId}:${newId('att')}`,
      }); // per attempt: a declined or voided attempt must not answer the next one
      if (!auth.ok) throw new DomainError('payment.declined', { declineCode: auth.code });
      charge = auth;
    }
    const customerView = customer
      ? { name: customer.name, nameKana: customer.nameKana, memberNumber: customer.memberNumber, tier: customer.tier }
      : null;
    const placement: Placement = {
      actor,
      cartId,
      number: orderNumber(cart.channel, drawn!),
      groups: groups.map((g, i) => ({
        locationId: g.locationId,
        variantIds: g.lines.map((l) => l.variantId),
        reservation: held[i] ?? null,
        reserve: reservationOf(g),
      })),
      keepUntil,
      locationId: groups[0]!.locationId,
      deadline,
      totals,
      usePoints,
      rest,
      payment,
      charge,
      customerId: customer?.id ?? null,
      guest: input.guest,
      choice,
      slot,
      channel: cart.channel,
      sellingLocation: cart.locationId,
      provider: deps.card.name,
    };
    const written = await placeOrder(db, placement);
    // The answer is built from the rows the statement returned: the order just written is not read back.
    return { order: toOrderView({ ...written, customer: customerView }), replayed: false };
  } catch (err) {
    await releaseHeld();
    if (charge) await deps.card.void(charge.chargeId).catch(() => {});
    // Two checkouts of the same cart raced: the loser answers with the winner's order.
    const [again] = await db.select().from(carts).where(eq(carts.id, cartId));
    if (again?.status === 'checked_out' && again.orderId)
      return { order: await orderView(db, again.orderId), replayed: true };
    if (err instanceof DomainError && err.code === 'inventory.insufficient_stock')
      throw await unavailable(String(err.params.variantId), String(err.params.locationId ?? locationId), err.params);
    throw err;
  }
}

interface Placement {
  actor: Principal;
  cartId: string;
  /**
   * One per fulfilment (several only when shipping is split): where it leaves from, its lines, and either
   * the reservation already held (card) or what to reserve in this transaction.
   */
  groups: Array<{
    locationId: string;
    variantIds: string[];
    reservation: Reservation | null;
    reserve: Omit<ReserveInput, 'ttlSeconds'>;
  }>;
  /** W-001234 (drawn with the cart). */
  number: string;
  /** When the stock goes back on sale if the order is never collected. */
  keepUntil: Date;
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

/**
 * Write the order in one statement (writeTogether): the stock reserved until keepUntil (or the card's
 * hold extended), the cart taken, the order, its fulfilments, lines and payments, the "order received"
 * notice and the live-queue event. Its check refuses it as a whole — nothing is kept — when a line is
 * short, the hold has lapsed or the cart was taken meanwhile (a second checkout of the same cart waits
 * on the cart's row, then finds it taken). What needs more than one statement — a member's coupons,
 * first-purchase discount, points, wallet and timeline, an order-ahead or delivery slot — follows in the
 * same transaction; a guest's order needs no transaction at all.
 */
async function placeOrder(db: Db, p: Placement, lastTry = false): Promise<Omit<OrderRows, 'customer'>> {
  const orderId = newId('ord');
  const isHold = p.choice.type === 'hold';
  // Ids sort in parcel order (ids are time-ordered; i keeps them apart), like the lines' and payments'.
  const now = Date.now();
  const groups = p.groups.map((g, i) => ({
    ...g,
    id: newId('ful', now + i),
    reservationId: g.reservation?.id ?? newId('rsv'),
  }));
  const fulfilmentOf = new Map(groups.flatMap((g) => g.variantIds.map((v) => [v, g.id] as const)));
  const reserving = groups
    .filter((g) => !g.reservation)
    .map((g, i) => reservationCtes(ORDERS_ACTOR, g.reservationId, g.reserve, p.keepUntil, `r${i}`));
  const heldIds = groups.filter((g) => g.reservation).map((g) => g.reservationId);
  const extending = heldIds.length ? extensionCtes(heldIds, p.keepUntil) : null;

  const paymentRows: Array<typeof payments.$inferInsert> = [];
  const pay = (
    method: PaymentMethod,
    amount: number,
    status: 'authorized' | 'captured' | 'pending',
    extra: Partial<typeof payments.$inferInsert> = {},
  ) =>
    paymentRows.push({
      id: newId('pay', now + paymentRows.length),
      orderId,
      method,
      amount,
      status,
      capturedAmount: status === 'captured' ? amount : 0,
      ...extra,
    });
  if (p.usePoints > 0) pay('points', p.usePoints, 'captured');
  if (p.rest > 0 && p.payment) {
    if (p.payment.method === 'card')
      pay('card', p.rest, 'authorized', {
        provider: p.provider,
        providerRef: p.charge!.chargeId,
        details: { last4: p.charge!.last4 },
      });
    else if (p.payment.method === 'wallet') pay('wallet', p.rest, 'captured');
    else pay('pay_at_store', p.rest, 'pending');
  }
  const fulfilmentValues = groups.map((g) => ({
    id: g.id,
    orderId,
    type: p.choice.type,
    locationId: g.locationId,
    status: 'placed' as const,
    address: p.choice.address ?? null,
    slotStart: p.slot?.start ?? null,
    pickupCode: p.choice.type === 'pickup' || p.choice.type === 'order_ahead' || isHold ? pickupCode() : null,
    deadline: p.deadline,
    reservationId: g.reservationId,
  }));
  const facts = {
    id: orderId,
    number: p.number,
    customerId: p.customerId,
    guest: p.guest ?? null,
    total: p.totals.total,
  };

  const statement = (ex: Executor) =>
    writeTogether(
      ex,
      {
        cart: [
          carts,
          db
            .update(carts)
            .set({ status: 'checked_out', orderId, updatedAt: sql`now()` })
            .where(and(eq(carts.id, p.cartId), eq(carts.status, 'open')))
            .returning(),
        ],
        order: [
          orders,
          insertRows(orders, [
            {
              id: orderId,
              number: p.number,
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
            },
          ]),
        ],
        // Rows as one JSON parameter each (insertRows): Drizzle builds a statement of a hundred values slowly.
        fulfilments: [fulfilments, insertRows(fulfilments, fulfilmentValues)],
        lines: [
          orderLines,
          insertRows(
            orderLines,
            orderLineRows(p.totals.lines, orderId, (v) => fulfilmentOf.get(v)!, now),
          ),
        ],
        // A hold, or an order paid in full by a coupon, has no payment: no rows.
        payments: [payments, insertRows(payments, paymentRows)],
        // Inbox, e-mail, webhooks: one notice per order (about its first parcel).
        ...orderNotifier.orderPlaced(db, facts, fulfilmentValues[0]!),
      },
      {
        with: sql.join([...reserving.map((r) => r.ctes), ...(extending ? [extending.ctes] : [])], sql`, `),
        // Sold out already (read without a lock): refused before anything is written.
        precheck: () =>
          reserving.length
            ? sql`CASE ${sql.join(
                reserving.map((r) => sql`WHEN NOT ${r.possible} THEN 'stock:' || ${r.shortage}`),
                sql` `,
              )} END`
            : sql`NULL`,
        // After the parts (the cart's row is locked first), the stock rows last, in key order: a hot
        // item's row is held only while its reservation is written and the statement commits.
        check: (ref) => sql`CASE
            WHEN (SELECT count(*) FROM ${ref('cart')}) <> 1 THEN 'cart'
            WHEN NOT ${extending?.extended ?? sql`true`} THEN 'hold'
            ${sql.join(
              reserving.map((r) => sql`WHEN NOT ${r.reserved} THEN 'stock:' || ${r.shortage}`),
              sql` `,
            )} END`,
        also: () => [
          ...reserving.map((r) => r.announced),
          ...groups.map((g) =>
            notifySql(
              'order',
              sql`${JSON.stringify({ orderId, number: p.number, fulfilmentId: g.id, type: p.choice.type, locationId: g.locationId, status: 'placed', customerId: p.customerId })}::json`,
            ),
          ),
        ],
      },
    );

  const { channel } = p;
  const followUps = p.customerId !== null || p.slot !== null || p.totals.discounts.length > 0;
  try {
    const written = followUps
      ? await inTransaction(db, async (tx) => {
          const w = await statement(tx);
          // A first-purchase discount when she has ordered meanwhile, a single-use code already taken or a
          // member's limit reached throws 409 here and the whole order rolls back. The member's
          // first-purchase lock is taken before any coupon lock.
          const used = {
            orderId,
            customerId: p.customerId,
            cartCoupons: w.cart[0]!.coupons,
            discounts: p.totals.discounts,
          };
          await confirmFirstPurchase(tx, used);
          await redeemCoupons(tx, { ...used, channel: p.channel, locationId: p.sellingLocation ?? p.locationId });
          // A guarded upsert: a full slot throws 409 slot.full here.
          if (p.slot) await bookSlot(tx, p.locationId, p.slot.kind, p.slot.start, p.slot.capacity);
          // Not enough points or wallet money throws.
          if (p.usePoints > 0)
            await redeemForPurchase(tx, {
              customerId: p.customerId!,
              points: p.usePoints,
              reference: orderId,
              channel,
              locationId: p.locationId,
            });
          if (p.rest > 0 && p.payment?.method === 'wallet')
            await payFromWallet(tx, {
              customerId: p.customerId!,
              amount: p.rest,
              reference: orderId,
              channel,
              locationId: p.locationId,
            });
          if (p.customerId)
            await recordFact(tx, {
              type: 'order_placed',
              customerId: p.customerId,
              channel,
              locationId: p.locationId,
              source: 'orders',
              payload: { orderId, number: p.number, total: p.totals.total, fulfilment: p.choice.type },
            });
          return w;
        })
      : await statement(db);
    return {
      order: written.order[0]!,
      lines: written.lines,
      fulfilments: written.fulfilments,
      payments: written.payments,
    };
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    if (err.reason === 'cart') throw new DomainError('cart.not_open', { cartId: p.cartId });
    if (err.reason === 'hold')
      throw new DomainError('inventory.reservation_not_active', {
        reservationId: heldIds[0],
        currentStatus: 'expired',
      });
    // The refusal names what it found short under the lock. Nothing short (a reservation that had lapsed
    // was just given back, or stock came in meanwhile): try once more.
    const lines = groups.filter((g) => !g.reservation).flatMap((g) => g.reserve.lines);
    const short = await shortageOf(db, err.reason.slice('stock:'.length));
    if (short) throw short;
    if (!lastTry) return placeOrder(db, p, true);
    throw new DomainError('inventory.insufficient_stock', {
      variantId: lines[0]!.variantId,
      locationId: lines[0]!.locationId,
      requested: lines[0]!.quantity,
      available: 0,
    });
  }
}
