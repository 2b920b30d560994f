import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../../platform/db/connection.ts';
import { newId } from '../../../platform/ids.ts';
import { notifySql } from '../../../platform/events/hub.ts';
import { insertRows, writeTogether } from '../../../platform/db/together.ts';
import { actorId, type Principal } from '../../../platform/auth.ts';
import { reserveInStatement, type Reservation, type ReserveInput } from '../../inventory/service.ts';
import { orderEventPayload, orderPlacedWrites } from '../events.ts';
import type { PaymentInput } from './checkout.ts';
import type { Totals } from '../pricing.ts';
import { ORDERS_ACTOR } from '../deps.ts';
import {
  carts,
  fulfilments,
  orderLines,
  orders,
  payments,
  type FulfilmentChoice,
  type PaymentMethod,
} from '../schema.ts';
import { orderLineRows, type OrderRows } from '../views.ts';
import type { Deadline } from './deadline.ts';
import { REFUSED_ATTEMPT, REFUSED_CART } from './refusals.ts';
import { placedAttemptCte, placedAttemptMissing } from './card-attempts.ts';

/** One source of stock (several only when shipping is split): one fulfilment and one reservation. */
export interface Source {
  locationId: string;
  variantIds: string[];
  /** The reservation held while the card was authorised, extended by the statement; or null: reserve `reserve` in it. */
  reservation: Reservation | null;
  reserve: Omit<ReserveInput, 'ttlSeconds'>;
}

/** The order itself: who, what, from which cart, at what price. */
export interface OrderHead {
  id: string;
  /** W-001234 (drawn with the cart). */
  number: string;
  cartId: string;
  channel: typeof carts.$inferSelect.channel;
  sellingLocation: string | null;
  actor: Principal;
  customerId: string | null;
  guest: { name: string; email: string; phone?: string | undefined } | null;
  totals: Totals;
}

/** How it is paid: points, then the rest by card (authorised), wallet (taken) or at the store (pending). */
export interface Paid {
  points: number;
  rest: number;
  payment: PaymentInput | undefined;
  charge: { chargeId: string; last4: string } | null;
  provider: string;
  /** The card attempt this order places (card-attempts.ts), or null without a card. */
  attemptId: string | null;
}

/** The check's words as SQL literals (not parameters): the statement's text stays the same for every order. */
const word = (w: string) => sql.raw(`'${w}'`);

/** What the statement wrote, and the coupons the cart held when it was taken. */
export type Written = Omit<OrderRows, 'customer'> & { cartCoupons: readonly string[] };

const pickupCode = () =>
  randomBytes(6)
    .toString('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'X')
    .slice(0, 8);

/**
 * Step 3 — write the order in one statement (writeTogether): the stock reserved until keepUntil (or the
 * card's hold extended), the cart taken, the order, its fulfilments, lines and payments, the
 * `order.placed` event (outbox) and the live-queue notification. Its check refuses it as a whole — nothing is kept — when a
 * line is short, the hold has lapsed or the cart was taken meanwhile (a Refused: see refusals.ts). Undo:
 * the caller's transaction, when a later step fails.
 */
export async function writeOrder(
  ex: Executor,
  db: Db,
  head: OrderHead,
  sources: Source[],
  choice: FulfilmentChoice,
  when: Deadline,
  paid: Paid,
): Promise<Written> {
  const orderId = head.id;
  // Ids sort in parcel order (ids are time-ordered; i keeps them apart), like the lines' and payments'.
  const now = Date.now();
  const groups = sources.map((g, i) => ({
    ...g,
    id: newId('ful', now + i),
    reservationId: g.reservation?.id ?? newId('rsv'),
  }));
  const fulfilmentOf = new Map(groups.flatMap((g) => g.variantIds.map((v) => [v, g.id] as const)));
  // The stock: reserved in this statement until keepUntil, or the card's holds moved to keepUntil.
  const stock = reserveInStatement(
    ORDERS_ACTOR,
    groups.filter((g) => !g.reservation).map((g) => ({ id: g.reservationId, input: g.reserve })),
    groups.filter((g) => g.reservation).map((g) => g.reservationId),
    when.keepUntil,
  );

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
  if (paid.points > 0) pay('points', paid.points, 'captured');
  if (paid.rest > 0 && paid.payment) {
    if (paid.payment.method === 'card')
      pay('card', paid.rest, 'authorized', {
        provider: paid.provider,
        providerRef: paid.charge!.chargeId,
        details: { last4: paid.charge!.last4 },
      });
    else if (paid.payment.method === 'wallet') pay('wallet', paid.rest, 'captured');
    else pay('pay_at_store', paid.rest, 'pending');
  }
  const collected = choice.type === 'pickup' || choice.type === 'order_ahead' || choice.type === 'hold';
  const fulfilmentValues = groups.map((g) => ({
    id: g.id,
    orderId,
    type: choice.type,
    locationId: g.locationId,
    status: 'placed' as const,
    address: choice.address ?? null,
    slotStart: when.slot?.start ?? null,
    pickupCode: collected ? pickupCode() : null,
    deadline: when.deadline,
    reservationId: g.reservationId,
  }));
  // Inbox, e-mail, webhooks and her timeline hear of it from this event, after commit (one per order, about its first parcel).
  const placed = orderEventPayload(
    {
      id: orderId,
      number: head.number,
      channel: head.channel,
      customerId: head.customerId,
      guest: head.guest,
      total: head.totals.total,
    },
    fulfilmentValues[0]!,
    'orders',
  );
  const { totals } = head;
  const attempt =
    paid.attemptId && paid.charge ? placedAttemptCte(paid.attemptId, orderId, paid.charge.chargeId) : null;

  const written = await writeTogether(
    ex,
    {
      cart: [
        carts,
        db
          .update(carts)
          .set({ status: 'checked_out', orderId, updatedAt: sql`now()` })
          .where(and(eq(carts.id, head.cartId), eq(carts.status, 'open')))
          .returning(),
      ],
      order: [
        orders,
        insertRows(orders, [
          {
            id: orderId,
            number: head.number,
            channel: head.channel,
            locationId: head.sellingLocation,
            customerId: head.customerId,
            guest: head.guest,
            subtotal: totals.subtotal,
            discountTotal: totals.discountTotal,
            shippingFee: totals.shippingFee,
            total: totals.total,
            taxes: totals.taxes,
            discounts: totals.discounts,
            pointsUsed: paid.points,
            cartId: head.cartId,
            staffId: actorId(head.actor),
          },
        ]),
      ],
      // Rows as one JSON parameter each (insertRows): Drizzle builds a statement of a hundred values slowly.
      fulfilments: [fulfilments, insertRows(fulfilments, fulfilmentValues)],
      lines: [
        orderLines,
        insertRows(
          orderLines,
          orderLineRows(totals.lines, orderId, (v) => fulfilmentOf.get(v)!, now),
        ),
      ],
      // A hold, or an order paid in full by a coupon, has no payment: no rows.
      payments: [payments, insertRows(payments, paymentRows)],
      event: orderPlacedWrites(placed),
    },
    {
      // With a card, its attempt is marked placed in the same statement: never both placed and voided by the sweep.
      with: attempt ? sql`${stock.with}, ${attempt}` : stock.with,
      // Sold out already (read without a lock): refused before anything is written.
      precheck: () => stock.precheck,
      // After the parts (the cart's row is locked first), the stock rows last, in key order: a hot
      // item's row is held only while its reservation is written and the statement commits.
      check: (ref) =>
        sql`CASE WHEN (SELECT count(*) FROM ${ref('cart')}) <> 1 THEN ${word(REFUSED_CART)}${
          attempt ? sql` WHEN ${placedAttemptMissing} THEN ${word(REFUSED_ATTEMPT)}` : sql``
        } ELSE ${stock.refusal} END`,
      also: () => [
        ...stock.also,
        ...groups.map((g) =>
          notifySql(
            'order',
            sql`${JSON.stringify({ orderId, number: head.number, fulfilmentId: g.id, type: choice.type, locationId: g.locationId, status: 'placed', customerId: head.customerId })}::json`,
          ),
        ),
        // Her cart is now checked out: a clienteling card showing it reads it again (empty).
        ...(head.customerId
          ? [notifySql('cart', sql`${JSON.stringify({ customerId: head.customerId, cartId: head.cartId })}::json`)]
          : []),
      ],
    },
  );
  return {
    order: written.order[0]!,
    lines: written.lines,
    fulfilments: written.fulfilments,
    payments: written.payments,
    cartCoupons: written.cart[0]!.coupons,
  };
}
