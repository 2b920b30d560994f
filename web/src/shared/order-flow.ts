import type { FulfilmentMove, FulfilmentStatus } from './api/types';

/** Which moves the server allows (orders/fulfilment.ts FLOW), so the store only offers those. */
export const FLOW: Record<string, Partial<Record<FulfilmentStatus, FulfilmentMove[]>>> = {
  pickup: {
    placed: ['picking', 'ready', 'cancelled'],
    picking: ['ready', 'cancelled'],
    ready: ['picked_up', 'cancelled'],
  },
  order_ahead: {
    placed: ['picking', 'ready', 'cancelled'],
    picking: ['ready', 'cancelled'],
    ready: ['picked_up', 'cancelled'],
  },
  // 取り置き: set aside (ready), then paid at the counter as she collects it (picked_up) — or it lapses.
  hold: { placed: ['ready', 'cancelled'], ready: ['picked_up', 'cancelled'] },
  ship: { placed: ['picking', 'shipped', 'cancelled'], picking: ['shipped', 'cancelled'], shipped: ['delivered'] },
  delivery: {
    placed: ['picking', 'ready', 'cancelled'],
    picking: ['ready', 'cancelled'],
    ready: ['shipped', 'cancelled'],
    shipped: ['delivered'],
  },
};

export const FINAL: FulfilmentStatus[] = ['picked_up', 'delivered', 'cancelled'];

/** Slot length per kind, as the server's SLOT_RULES (orders/slots.ts). */
export const SLOT_MINUTES = { order_ahead: 10, delivery: 30 } as const;
