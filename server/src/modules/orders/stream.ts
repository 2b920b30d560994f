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
