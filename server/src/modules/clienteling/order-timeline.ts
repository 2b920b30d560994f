import type { Db } from '../../platform/db/connection.ts';
import type { DomainEvent, Subscriber } from '../../platform/subscribers.ts';
import { recordFactOnce, type Fact } from '../events/service.ts';
import type { OrderEventPayload } from '../orders/service.ts';

/** What an order event puts on her timeline (the card's "last here", her orders and holds), or nothing. */
export function timelineFact(name: string, e: OrderEventPayload): Fact | null {
  const customerId = e.order.customerId;
  if (!customerId || name === 'order.hold_expiring') return null;
  const at = { customerId, locationId: e.fulfilment.locationId, occurredAt: new Date(e.at) };
  if (name === 'order.placed')
    return e.fulfilment.type === 'instore'
      ? {
          ...at,
          type: 'purchased',
          channel: 'store',
          source: e.by,
          payload: { orderId: e.order.id, number: e.order.number, total: e.order.total, store: e.storeName },
        }
      : {
          ...at,
          type: 'order_placed',
          channel: e.order.channel,
          source: 'orders',
          payload: { orderId: e.order.id, number: e.order.number, total: e.order.total, fulfilment: e.fulfilment.type },
        };
  return {
    ...at,
    type: `order_${e.fulfilment.status}`,
    channel: 'store',
    source: e.by,
    payload: { orderId: e.order.id, number: e.order.number },
  };
}

/**
 * Subscriber to `order.*`: the member's timeline. Idempotent: the fact's id is derived from the event's,
 * so a redelivered event adds nothing.
 */
export function recordOrderTimeline(db: Db): Subscriber {
  return async (event: DomainEvent) => {
    const fact = timelineFact(event.name, event.payload as unknown as OrderEventPayload);
    if (fact) await recordFactOnce(db, `evt_ord${event.id}`, fact);
  };
}
