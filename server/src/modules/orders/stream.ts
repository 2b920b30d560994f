import type { StreamFilter } from '../../platform/http/stream.ts';

export interface OrderEvent {
  orderId: string;
  number: string;
  fulfilmentId: string;
  type: string;
  locationId: string;
  status: string;
  customerId: string | null;
}

/**
 * Order progress on /api/stream?topics=order: staff hear the orders of their stores (the live pickup
 * queue and preparation board), a member hears only their own orders (the "ready" on her phone).
 */
export const orderStreamFilter: StreamFilter = (event, principal, q) => {
  const e = event.data as unknown as OrderEvent;
  if (q.locationIds && !q.locationIds.has(e.locationId)) return null;
  if (principal.kind === 'staff') {
    const chainWide = principal.role === 'owner' || principal.role === 'hq';
    return chainWide || principal.locationIds.includes(e.locationId) ? { ...e } : null;
  }
  if (principal.kind === 'customer' && e.customerId === principal.customerId)
    return { orderId: e.orderId, number: e.number, fulfilmentId: e.fulfilmentId, status: e.status };
  return null;
};

/** What `event: cart` carries: whose open cart changed (lines, quantities, coupons, how it reaches her, checked out). */
export interface CartEvent {
  customerId: string;
  cartId: string;
}

/**
 * A member's cart changes on /api/stream?topics=cart: she hears her own (another of her devices);
 * a clerk hears only the members named in `customerIds`, admitted for each by the clienteling scan
 * (the stream's admission check). The event says only that the cart changed: its content is read from
 * the API, which checks again.
 */
export const cartStreamFilter: StreamFilter = (event, principal, q) => {
  const e = event.data as unknown as CartEvent;
  if (principal.kind === 'customer') return e.customerId === principal.customerId ? { cartId: e.cartId } : null;
  if (principal.kind === 'staff' && q.customerIds?.has(e.customerId)) return { customerId: e.customerId };
  return null;
};
