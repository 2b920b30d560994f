import type { Executor } from '../../platform/db/connection.ts';
import { emit, eventWrites } from '../../platform/subscribers.ts';
import { emitIfWanted } from '../../platform/event-demand.ts';
import type { FulfilmentStatus, FulfilmentType, OrderChannel } from './schema.ts';

/**
 * What the order module tells the modules above it (notifications, clienteling), as outbox events written
 * in the order's own transaction and delivered after commit: `order.placed` (checkout, the till) and
 * `order.<status>` for every fulfilment move (order.ready, order.shipped, order.cancelled …). The key is
 * the order id, so one order's events are handed over in order.
 */
export interface OrderEventPayload {
  order: {
    id: string;
    number: string;
    channel: OrderChannel;
    customerId: string | null;
    /** A guest's checkout contact (her e-mail gets the order messages). */
    guest: { name: string; email: string; phone?: string | undefined } | null;
    total: number;
  };
  /** The fulfilment the event is about (an order's first parcel when it is placed). */
  fulfilment: {
    id: string;
    type: FulfilmentType;
    status: FulfilmentStatus;
    pickupCode: string | null;
    locationId: string;
    deadline: string | null;
    slotStart: string | null;
  };
  /** Who made the change: the staff member, or 'orders' (checkout, the system's own moves). */
  by: string;
  /** When it happened (ISO), not when it is delivered. */
  at: string;
  /** A till sale: the store's name, for her timeline. */
  storeName?: string | undefined;
}

export type OrderEventName = 'order.placed' | `order.${FulfilmentStatus}` | 'return.created';

/**
 * `return.created`: goods of an order came back (written in the return's transaction; keyed by the order id,
 * so it is handed over in order with the order's own events). Named outside `order.*`: the order's
 * subscribers (messages, timeline) speak of fulfilments, and the return has its own timeline fact.
 */
export interface ReturnEventPayload {
  order: { id: string; number: string; channel: OrderChannel; customerId: string | null };
  return: { id: string; locationId: string; refundTotal: number; items: number };
  by: string;
  at: string;
}

type Fulfilment = {
  id: string;
  type: FulfilmentType;
  status: FulfilmentStatus;
  pickupCode: string | null;
  locationId: string;
  deadline: Date | null;
  slotStart: Date | null;
};

/** The event's payload from the rows as written. */
export function orderEventPayload(
  order: OrderEventPayload['order'],
  f: Fulfilment,
  by: string,
  extra: { storeName?: string | undefined } = {},
): OrderEventPayload {
  return {
    order: {
      id: order.id,
      number: order.number,
      channel: order.channel,
      customerId: order.customerId,
      guest: order.guest,
      total: order.total,
    },
    fulfilment: {
      id: f.id,
      type: f.type,
      status: f.status,
      pickupCode: f.pickupCode,
      locationId: f.locationId,
      deadline: f.deadline?.toISOString() ?? null,
      slotStart: f.slotStart?.toISOString() ?? null,
    },
    by,
    at: new Date().toISOString(),
    ...(extra.storeName ? { storeName: extra.storeName } : {}),
  };
}

/** `order.placed` as a part of the order's own statement (writeTogether): no statement of its own. */
export function orderPlacedWrites(payload: OrderEventPayload) {
  return eventWrites([
    { name: 'order.placed', key: payload.order.id, payload: payload as unknown as Record<string, unknown> },
  ]);
}

/** `order.<status>` in the move's transaction. */
export async function emitFulfilmentChanged(tx: Executor, payload: OrderEventPayload): Promise<void> {
  await emit(tx, `order.${payload.fulfilment.status}`, payload.order.id, payload as unknown as Record<string, unknown>);
}

/** `return.created` in the return's transaction. */
export async function emitReturnCreated(tx: Executor, payload: ReturnEventPayload): Promise<void> {
  await emit(tx, 'return.created', payload.order.id, payload as unknown as Record<string, unknown>);
}

/** `refund.succeeded`: money went back to her (in the refund's transaction; keyed by the order id). */
export interface RefundEventPayload {
  orderId: string;
  returnId: string | null;
  paymentId: string;
  /** How the order was paid: card, wallet, points, cash … */
  method: string;
  /** How the money went back: card (with the provider), wallet, points, cash (at the till). */
  refundedAs: string;
  amount: number;
  at: string;
}

export async function emitRefundSucceeded(tx: Executor, payload: Omit<RefundEventPayload, 'at'>): Promise<void> {
  await emitIfWanted(tx, 'refund.succeeded', payload.orderId, { ...payload, at: new Date().toISOString() });
}
