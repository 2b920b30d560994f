import { apiScopes } from '../platform/api-scopes.ts';
import { TEST_CARDS } from '../modules/payments/service.ts';
import type { StaffRole } from '../platform/auth.ts';
import {
  createTestLocation,
  createTestProduct,
  newStaff,
  receive,
  registerCustomer,
  STAFF_PASSWORD,
  type TestApp,
} from './harness.ts';

/**
 * Who calls in the authorization matrix. Every object of the fixture lives at store A and belongs to
 * customer A, so `staff`/`manager` are the object's store and `otherStaff`/`otherManager` another store;
 * `customer` owns the object and `otherCustomer` does not.
 */
export const principals = [
  'anonymous',
  'customer',
  'otherCustomer',
  'staff',
  'otherStaff',
  'manager',
  'otherManager',
  'hq',
  'owner',
  // An integration's API token of the owner's with every read scope (platform/api-scopes.ts): let through
  // exactly where a read scope opens the operation and the owner is, refused (403) everywhere else.
  'readToken',
] as const;
export type Who = (typeof principals)[number];

export interface Member {
  id: string;
  memberNumber: string;
  email: string;
  token: string;
}

/** The shared world every row's request is built from: two stores, their staff, two members and their things. */
export interface Fixture {
  storeA: string;
  storeB: string;
  productId: string;
  variantId: string;
  jan: string;
  tokens: Record<Who, string | null>;
  emails: Partial<Record<Who, string>>;
  customerA: Member;
  customerB: Member;
  order: { id: string; number: string; fulfilmentId: string; lineId: string };
  cartId: string;
  reservationId: string;
  reconciliationId: string;
  /** Customer A's till sale at store A, one unit brought back there: its refund slip. */
  returnId: string;
  /** Store A's open till session (レジ開け), closed by the matrix's close row. */
  tillSessionId: string;
  transferId: string;
  promotionId: string;
  couponId: string;
  couponCode: string;
  webhookId: string;
  /** Store A's (its manager's): scoped to store A's members. */
  segmentId: string;
  campaignId: string;
  triggerCampaignId: string;
  categoryId: string;
  collectionId: string;
  /** Customer A's review of the product, which she bought at store A's till. */
  reviewId: string;
  /** Store A's 来店予約 service (done by its clerk), and customer A's booking of it next Monday at 10:00. */
  appointmentServiceId: string;
  appointmentId: string;
  /** A Monday ahead (store A opens Mondays only), as a Japan date. */
  appointmentDate: string;
  staffIds: Partial<Record<Who, string>>;
}

export const PASSWORD = STAFF_PASSWORD;
/** The scopes of the matrix's `readToken`. */
export const READ_SCOPES = apiScopes.filter((s) => s.endsWith(':read'));
export const MEMBER_PASSWORD = 'sakura-password-2026';

type Call = (method: string, url: string, body?: unknown, token?: string | null) => Promise<Record<string, any>>;

/** A call that must succeed while the fixture is being seeded. */
export function seeding(app: TestApp): Call {
  return async (method, url, body, token) => {
    const res = await app.api(method, url, {
      ...(body !== undefined ? { body } : {}),
      ...(token !== undefined ? { token } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`seed ${method} ${url} → ${res.statusCode}: ${res.body}`);
    return res.json();
  };
}

export async function newMember(app: TestApp): Promise<Member> {
  const { token, customer } = await registerCustomer(app, { password: MEMBER_PASSWORD });
  return { id: customer.id, memberNumber: customer.memberNumber, email: customer.email, token };
}

export async function seedFixture(app: TestApp): Promise<Fixture> {
  const call = seeding(app);
  const [storeA, storeB] = [await createTestLocation(app), await createTestLocation(app)];
  const { productId, variantIds, jans } = await createTestProduct(app);
  const variantId = variantIds[0]!;
  await receive(app, variantId, storeA, 100);
  await receive(app, variantId, storeB, 100);
  const roles: Array<[Who, StaffRole, string[]]> = [
    ['staff', 'staff', [storeA]],
    ['otherStaff', 'staff', [storeB]],
    ['manager', 'store_manager', [storeA]],
    ['otherManager', 'store_manager', [storeB]],
    ['hq', 'hq', []],
    ['owner', 'owner', []],
  ];
  const tokens = { anonymous: null } as Record<Who, string | null>;
  const emails: Partial<Record<Who, string>> = {};
  const staffIds: Partial<Record<Who, string>> = {};
  for (const [who, role, at] of roles) {
    const s = await newStaff(app, role, at);
    tokens[who] = s.token;
    emails[who] = s.email;
    staffIds[who] = s.id;
  }
  tokens.readToken = (
    await call('POST', '/api/api-tokens', { name: 'マトリクス (読み取り)', scopes: READ_SCOPES }, tokens.owner)
  ).token;
  const customerA = await newMember(app);
  const customerB = await newMember(app);
  tokens.customer = customerA.token;
  tokens.otherCustomer = customerB.token;
  emails.customer = customerA.email;
  emails.otherCustomer = customerB.email;
  // Both agree to location, so a position report reaches past the consent check to the limit.
  for (const c of [customerA, customerB])
    await call(
      'PUT',
      '/api/account/consents',
      { items: [{ channel: 'location', purpose: 'marketing', granted: true }] },
      c.token,
    );

  // Her order, picked up at store A: store A's staff see her "in context" for 30 days.
  const orderCart = await call('POST', '/api/carts', {}, customerA.token);
  await call('POST', `/api/carts/${orderCart.id}/lines`, { variantId, quantity: 1 }, customerA.token);
  await call('PUT', `/api/carts/${orderCart.id}/fulfilment`, { type: 'pickup', locationId: storeA }, customerA.token);
  const placed = await call(
    'POST',
    `/api/carts/${orderCart.id}/checkout`,
    { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
    customerA.token,
  );
  // Her open cart, and points and wallet money to look at.
  const cart = await call('POST', '/api/carts', {}, customerA.token);
  await call('POST', `/api/carts/${cart.id}/lines`, { variantId, quantity: 1 }, customerA.token);
  await call('POST', '/api/loyalty/transactions', {
    customerId: customerA.id,
    kind: 'earn',
    points: 500,
    reason: 'ようこそ',
    reference: 'matrix-welcome',
  });
  await call('POST', '/api/wallet/transactions', {
    customerId: customerA.id,
    kind: 'top_up',
    amount: 5000,
    method: 'cash',
    reference: 'matrix-topup',
    locationId: storeA,
  });
  // Her app's member QR scanned at store A: in context there, not at store B.
  const { code } = await call('GET', '/api/account/member-code', undefined, customerA.token);
  await call('POST', '/api/member-codes/resolve', { locationId: storeA, code }, tokens.staff);

  const reservation = await call('POST', '/api/reservations', {
    lines: [{ variantId, locationId: storeA, quantity: 1 }],
    reason: 'hold',
    ttlSeconds: 3600,
  });
  const transfer = await call('POST', '/api/stock-movements', {
    variantId,
    locationId: storeB,
    toLocationId: storeA,
    kind: 'transfer',
    quantity: 1,
  });
  // A till sale of more than store A has free: a shortfall for its manager to reconcile; then restocked.
  const oversold = { locationId: storeA, lines: [{ variantId, quantity: 500 }] };
  const quote = await call('POST', '/api/pos/quote', oversold);
  await call('POST', '/api/pos/sales', {
    ...oversold,
    payments: [{ method: 'cash', amount: quote.total }],
    clientTransactionId: `matrix-oversold-${Date.now().toString(36)}`,
  });
  await call('POST', '/api/stock-movements', { variantId, locationId: storeA, kind: 'receipt', quantity: 500 });
  const reconciliations = await call('GET', `/api/stock-reconciliations?locationId=${storeA}&open=true`);
  const bought = { locationId: storeA, customerId: customerA.id, lines: [{ variantId, quantity: 1 }] };
  const boughtQuote = await call('POST', '/api/pos/quote', bought);
  const sold = await call('POST', '/api/pos/sales', {
    ...bought,
    payments: [{ method: 'cash', amount: boughtQuote.total }],
    clientTransactionId: `matrix-returned-${Date.now().toString(36)}`,
  });
  const returned = await call('POST', `/api/orders/${sold.order.id}/returns`, {
    lines: [{ orderLineId: sold.order.lines[0].id, quantity: 1 }],
    locationId: storeA,
    reason: 'サイズ違い',
  });
  // A unit she keeps, bought at store A's till, and her review of it.
  await call('POST', '/api/pos/sales', {
    ...bought,
    payments: [{ method: 'cash', amount: boughtQuote.total }],
    clientTransactionId: `matrix-kept-${Date.now().toString(36)}`,
  });
  const review = await call(
    'POST',
    '/api/account/reviews',
    { productId, rating: 4, title: 'マトリクス', body: 'よかったです' },
    customerA.token,
  );
  // 来店予約 at store A (open Mondays): a service its clerk does, and customer A's visit on a Monday ahead.
  const appointmentService = await call('POST', '/api/appointment-services', {
    locationId: storeA,
    nameJa: 'マトリクス試着',
    durationMinutes: 30,
    capacityPerStaff: 5,
    staffIds: [staffIds.staff],
  });
  const appointmentDate = nextMondayInJapan();
  const appointment = await call(
    'POST',
    '/api/account/appointments',
    { serviceId: appointmentService.id, startsAt: `${appointmentDate}T10:00:00+09:00` },
    customerA.token,
  );
  const tillSession = await call('POST', '/api/till-sessions', { locationId: storeA, float: 30000 });
  const promotion = await call('POST', '/api/promotions', {
    name: 'マトリクス10%引き',
    kind: 'percent_off',
    params: { percent: 10 },
    requiresCoupon: true,
  });
  const couponCode = `matrix-${Date.now().toString(36)}`;
  const coupon = await call('POST', '/api/coupons', { promotionId: promotion.id, code: couponCode });
  const webhook = await call('POST', '/api/webhooks', {
    url: 'https://example.jp/hooks/matrix',
    events: ['order.placed'],
  });
  // Store A's segment and campaigns, made by its manager: scoped to store A's members.
  const segment = await call(
    'POST',
    '/api/segments',
    { name: 'マトリクス', rules: { conditions: [{ field: 'near_store', locationId: storeA, km: 2 }] } },
    tokens.manager,
  );
  const campaignBody = { name: 'マトリクス', segmentId: segment.id, title: 'お知らせ', body: '本文' };
  const campaign = await call('POST', '/api/campaigns', campaignBody, tokens.manager);
  const triggerCampaign = await call('POST', '/api/campaigns', {
    name: 'マトリクス (店舗の近く)',
    title: '{{store}}まで {{distance}}',
    body: '本文',
    trigger: { kind: 'near_store', radiusM: 300, cooldownDays: 7, locationIds: [storeA] },
  });
  const category = await call('POST', '/api/categories', { name: 'マトリクス分類' });
  const collection = await call('POST', '/api/collections', {
    name: 'マトリクス特集',
    kind: 'manual',
    productIds: [productId],
  });
  return {
    categoryId: category.id,
    collectionId: collection.id,
    appointmentServiceId: appointmentService.id,
    appointmentId: appointment.id,
    appointmentDate,
    storeA,
    storeB,
    productId,
    variantId,
    jan: jans[0]!,
    tokens,
    emails,
    staffIds,
    customerA,
    customerB,
    order: {
      id: placed.id,
      number: placed.number,
      fulfilmentId: placed.fulfilments[0].id,
      lineId: placed.lines[0].id,
    },
    cartId: cart.id,
    reservationId: reservation.id,
    reconciliationId: reconciliations.items[0].id,
    returnId: returned.return.id,
    tillSessionId: tillSession.id,
    transferId: transfer.transfer.id,
    promotionId: promotion.id,
    couponId: coupon.id,
    couponCode,
    webhookId: webhook.id,
    segmentId: segment.id,
    campaignId: campaign.id,
    triggerCampaignId: triggerCampaign.id,
    reviewId: review.id,
  };
}

/** A Monday at least two days ahead, as a Japan date (store A's only opening day). */
function nextMondayInJapan(): string {
  for (let d = 2; ; d++) {
    const day = new Date(Date.now() + 9 * 3600_000 + d * 86_400_000);
    if (day.getUTCDay() === 1) return day.toISOString().slice(0, 10);
  }
}
