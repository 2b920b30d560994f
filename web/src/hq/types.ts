/**
 * The orders-search and promotion shapes, written from server/src/modules/orders/search.ts and
 * server/src/modules/promotions/{admin,schema}.ts: the OpenAPI document types them as `any` for now.
 */
export interface OrderRow {
  id: string;
  number: string;
  channel: string;
  status: string;
  locationId: string | null;
  /** Space-separated, e.g. "pickup ship". */
  fulfilmentTypes: string | null;
  fulfilmentLocations: string | null;
  customerId: string | null;
  customerName: string | null;
  memberNumber: string | null;
  total: number;
  pointsUsed: number;
  pointsEarned: number;
  createdAt: string;
}

export interface OrderPage {
  items: OrderRow[];
  nextCursor: string | null;
}

export type PromotionKind = 'percent_off' | 'amount_off' | 'buy_x_get_y' | 'bundle_price';

export interface Promotion {
  id: string;
  name: string;
  kind: PromotionKind;
  params: { percent?: number; amount?: number; buy?: number; get?: number; quantity?: number; price?: number };
  target: { type: 'all' | 'categories' | 'products' | 'variants'; ids: string[] };
  conditions: {
    channels: string[];
    locationIds: string[];
    tiers: string[];
    firstPurchaseOnly: boolean;
    minSpend: number;
  };
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  stackable: boolean;
  active: boolean;
  requiresCoupon: boolean;
}

export interface Coupon {
  id: string;
  code: string | null;
  promotionId: string;
  kind: 'public' | 'single_use';
  perCustomerLimit: number | null;
  startsAt: string | null;
  endsAt: string | null;
  issuedChannel: string | null;
  campaign: string | null;
}

export interface CouponBatch {
  couponId: string;
  batchId: string;
  codes: string[];
}

export interface CouponRedemptions {
  couponId: string;
  promotionId: string;
  code: string | null;
  kind: 'public' | 'single_use';
  issuedChannel: string | null;
  campaign: string | null;
  codesIssued: number | null;
  /** Uses that still stand; `released` ones were given back by a cancelled order and count nowhere else. */
  redemptions: number;
  released: number;
  discountTotal: number;
  usedAt: Array<{ channel: string; locationId: string | null; count: number; amount: number }>;
  items: Array<{
    code: string;
    customerId: string | null;
    orderId: string;
    amount: number;
    issuedChannel: string | null;
    channel: string;
    locationId: string | null;
    at: string;
    releasedAt: string | null;
  }>;
}

/** Save text or a blob as a file the browser downloads. */
export function saveFile(data: Blob | string, filename: string, type = 'text/csv;charset=utf-8') {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
