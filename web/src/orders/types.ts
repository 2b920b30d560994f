/**
 * The cart and order shapes, written from server/src/modules/orders/{carts,pricing,views}.ts: the
 * OpenAPI document types these responses as `any` for now, so the screens name them here.
 */
export interface TaxByRate {
  rate: number;
  /** Tax-included total at this rate. */
  base: number;
  /** 内消費税: the consumption tax contained in it. */
  tax: number;
}

export interface CartLine {
  variantId: string;
  productId: string;
  name: string;
  options: Record<string, string>;
  jan: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  taxRate: number;
  discount: number;
  total: number;
}

export interface Address {
  postalCode: string;
  prefecture: string;
  city: string;
  line1: string;
  line2?: string | undefined;
  name: string;
  phone: string;
  /** The address's pin: local delivery measures the distance to the store to it. */
  lat?: number | undefined;
  lng?: number | undefined;
}

export type FulfilmentChoice =
  | { type: 'pickup'; locationId: string }
  | { type: 'ship'; address: Address }
  | { type: 'order_ahead'; locationId: string; slotStart: string }
  | { type: 'delivery'; address: Address; locationId?: string | undefined; slotStart?: string | undefined };

export interface LineIssue {
  variantId: string;
  requested: number;
  available: number;
  alternatives: {
    locations: Array<{ locationId: string; name: string; available: number }>;
    variants: Array<{ variantId: string; options: Record<string, string>; available: number }>;
  };
}

export interface Cart {
  id: string;
  channel: string;
  status: 'open' | 'checked_out' | 'merged' | 'abandoned';
  customerId: string | null;
  locationId: string | null;
  fulfilment: {
    type: string;
    locationId?: string | null;
    slotStart?: string | null;
    address?: Address | null;
    distanceKm?: number | null;
  } | null;
  orderId: string | null;
  lines: CartLine[];
  subtotal: number;
  discounts: Array<{ code: string; label: string; amount: number }>;
  discountTotal: number;
  shippingFee: number;
  total: number;
  taxes: TaxByRate[];
  pointsToEarn: number;
  issues: LineIssue[];
  /** Shipping: where the parcels leave from (the warehouse, or stores when it lacks something). */
  shipments: Array<{
    locationId: string;
    name: string;
    kind: 'store' | 'warehouse';
    distanceKm: number | null;
    lines: Array<{ variantId: string; quantity: number }>;
  }> | null;
}

export type FulfilmentStatus = 'placed' | 'picking' | 'ready' | 'picked_up' | 'shipped' | 'delivered' | 'cancelled';

export interface Fulfilment {
  id: string;
  type: string;
  locationId: string;
  status: FulfilmentStatus;
  /** order_ahead: the 10-minute pickup slot's start (UTC). */
  slotStart?: string | null;
  pickupCode: string | null;
  deadline: string | null;
  readyAt: string | null;
  completedAt: string | null;
  address: Address | null;
}

export interface OrderLine extends CartLine {
  id: string;
  fulfilmentId: string;
  returnedQuantity: number;
}

export interface Order {
  id: string;
  number: string;
  channel: string;
  status: string;
  customerId: string | null;
  customer: { name: string | null; nameKana: string | null; memberNumber: string; tier: string } | null;
  guest: { name: string; email: string; phone?: string } | null;
  locationId: string | null;
  subtotal: number;
  discountTotal: number;
  shippingFee: number;
  total: number;
  taxes: TaxByRate[];
  discounts: Array<{ code: string; label: string; amount: number }>;
  pointsUsed: number;
  pointsEarned: number;
  createdAt: string;
  lines: OrderLine[];
  fulfilments: Fulfilment[];
  payments: Array<{
    id: string;
    method: string;
    amount: number;
    status: string;
    capturedAmount: number;
    refundedAmount: number;
    tendered: number | null;
    details: unknown;
  }>;
}

export type PaymentInput =
  { method: 'card'; card: { number: string } } | { method: 'wallet' } | { method: 'pay_at_store' };

/** Which moves the server allows (orders/fulfilment.ts FLOW), so the store only offers those. */
export const FLOW: Record<string, Partial<Record<FulfilmentStatus, FulfilmentStatus[]>>> = {
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

/** One slot (GET /api/locations/:id/slots): a 10-minute order-ahead pickup or a 30-minute delivery window. */
export interface Slot {
  start: string;
  end: string;
  capacity: number;
  booked: number;
  remaining: number;
}

export interface SlotList {
  locationId: string;
  kind: 'order_ahead' | 'delivery';
  date: string;
  slotMinutes: number;
  slots: Slot[];
}

/** The store's preparation board (GET /api/locations/:id/prep-board). */
export interface PrepBoard {
  locationId: string;
  date: string;
  slots: Array<{
    slotStart: string;
    slotEnd: string;
    orders: Array<{
      orderId: string;
      number: string;
      fulfilmentId: string;
      status: FulfilmentStatus;
      pickupCode: string | null;
      name: string | null;
      customerId: string | null;
      lines: Array<{ name: string; options: Record<string, string>; quantity: number }>;
    }>;
  }>;
}

/** `event: order` on /api/stream?topics=order (staff: the whole event; a member: her own orders). */
export interface OrderEvent {
  orderId: string;
  number: string;
  fulfilmentId: string;
  type?: string;
  locationId?: string;
  status: string;
  customerId?: string | null;
}
