import { and, eq, sql } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { insertRows, writeTogether } from '../../platform/db/together.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getLocation } from '../locations/service.ts';
import { loadCustomer } from '../customers/service.ts';
import { finishIn, releaseReservation, reserveStock } from '../inventory/service.ts';
import { ORDERS_ACTOR, type OrderDeps } from './deps.ts';
import { orderEventPayload, orderPlacedWrites } from './events.ts';
import { priceLines, type Totals } from './pricing.ts';
import { recordEarned, settlePurchase } from './settle-purchase.ts';
import { fulfilments, orderLines, orders, payments } from './schema.ts';
import { orderLineRows, orderNumber, orderView, type OrderView } from './views.ts';

/** What the shopper pays a scan-and-go basket with: points first, the rest from her wallet or by card. */
export interface AppSalePayment {
  usePoints?: number | undefined;
  method: 'wallet' | 'card';
  card?: { number?: string | undefined; token?: string | undefined } | undefined;
}

export interface AppSale {
  customerId: string;
  locationId: string;
  lines: Array<{ variantId: string; quantity: number }>;
  /** Makes a repeated pay (a double tap, a retry after a lost answer) answer with the first sale. */
  clientTransactionId: string;
  payment: AppSalePayment;
}

/** How long the stock is kept while the card is authorised: the sale commits it in seconds. */
const HOLD_SECONDS = 120;

async function existing(db: Db | Tx, locationId: string, clientTransactionId: string) {
  const [o] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.locationId, locationId), eq(orders.clientTransactionId, clientTransactionId)));
  return o?.id ?? null;
}

/** The basket priced as the store prices it (promotions for the app at that store, her tier, points used). */
export async function quoteAppSale(db: Db, sale: Omit<AppSale, 'clientTransactionId'>): Promise<Totals> {
  const customer = await loadCustomer(db, sale.customerId, { active: true });
  return priceLines(db, sale.lines, {
    fulfilment: 'instore',
    tier: customer.tier,
    pointsUsed: sale.payment.usePoints,
    earnAt: { channel: 'app', locationId: sale.locationId },
    promotions: { channel: 'app', locationId: sale.locationId, customerId: customer.id, coupons: [], strict: true },
  });
}

/**
 * スキャン＆ゴー's sale: paid in the app at a store's shelf, a sale of that store (channel `app`, one
 * `instore` fulfilment completed at once — the history calls it スキャン＆ゴー). The goods are not in a
 * clerk's hand, so unlike the till it never sells what the store does not have: the stock is reserved
 * first (a guarded statement: the last units go to one buyer), the card authorised and captured, then one
 * transaction commits the reservation (the units leave the store), writes the order and settles points,
 * wallet and the points earned. Anything failing gives the stock back and the card money back.
 */
export async function sellScanAndGo(
  db: Db,
  deps: OrderDeps,
  sale: AppSale,
): Promise<{ order: OrderView; replayed: boolean }> {
  const done = await existing(db, sale.locationId, sale.clientTransactionId);
  if (done) return { order: await orderView(db, done), replayed: true };
  const location = await getLocation(db, sale.locationId);
  const totals = await quoteAppSale(db, sale);
  const usePoints = Math.min(sale.payment.usePoints ?? 0, totals.total);
  const rest = totals.total - usePoints;
  const byCard = sale.payment.method === 'card' && rest > 0;
  if (byCard && !deps.card.available) throw new DomainError('payment.card_unavailable');
  // A card confirmed in the browser (Stripe) needs its own two-step flow, which scan-and-go does not have yet.
  if (byCard && deps.card.begin) throw new DomainError('payment.card_unavailable');

  const reservation = await reserveStock(db, ORDERS_ACTOR, {
    lines: sale.lines.map((l) => ({ ...l, locationId: sale.locationId })),
    ttlSeconds: HOLD_SECONDS,
    reason: 'order',
    reference: sale.clientTransactionId,
  });
  let charge: { chargeId: string; last4: string } | null = null;
  try {
    if (byCard) {
      const auth = await deps.card.authorize({
        amount: rest,
        card: sale.payment.card ?? {},
        idempotencyKey: `sg:${sale.clientTransactionId}`,
      });
      if (!auth.ok) throw new DomainError('payment.declined', { declineCode: auth.code });
      charge = auth;
      await deps.card.capture(auth.chargeId, rest).catch((err: unknown) => {
        throw new DomainError('payment.provider_unavailable', { cause: String(err).slice(0, 200) });
      });
    }
    const orderId = await inTransaction(db, (tx) =>
      writeSale(tx, {
        sale,
        totals,
        usePoints,
        rest,
        charge,
        provider: deps.card.name,
        reservationId: reservation.id,
        storeName: location.name,
      }),
    );
    return { order: await orderView(db, orderId), replayed: false };
  } catch (err) {
    await releaseReservation(db, ORDERS_ACTOR, reservation.id).catch(() => undefined);
    if (charge) {
      // Captured, then the write failed: the money goes back (idempotent by key), unless a twin request won.
      const twin = await existing(db, sale.locationId, sale.clientTransactionId);
      if (!twin)
        await deps.card.refund(charge.chargeId, rest, `sg-undo:${sale.clientTransactionId}`).catch(() => undefined);
    }
    if (sqlState(err) === '23505') {
      const first = await existing(db, sale.locationId, sale.clientTransactionId);
      if (first) return { order: await orderView(db, first), replayed: true };
    }
    throw err;
  }
}

interface Writing {
  sale: AppSale;
  totals: Totals;
  usePoints: number;
  rest: number;
  charge: { chargeId: string; last4: string } | null;
  provider: string;
  reservationId: string;
  storeName: string;
}

async function writeSale(tx: Tx, w: Writing): Promise<string> {
  const { sale, totals } = w;
  const orderId = newId('ord');
  const [seq] = await query<{ n: string }>(tx, sql`SELECT nextval('order_number_seq') AS n`);
  const number = orderNumber('app', seq!.n);
  const now = Date.now();
  const fulfilment = {
    id: newId('ful'),
    orderId,
    type: 'instore' as const,
    locationId: sale.locationId,
    status: 'completed' as const,
    completedAt: new Date(now),
    pickupCode: null,
    deadline: null,
    slotStart: null,
    reservationId: w.reservationId,
  };
  // The reserved units leave the store's stock now: the sale is done at the shelf.
  await finishIn(tx, ORDERS_ACTOR, w.reservationId, 'committed');
  const pays: Array<typeof payments.$inferInsert> = [];
  if (w.usePoints > 0)
    pays.push({
      id: newId('pay', now),
      orderId,
      method: 'points',
      amount: w.usePoints,
      capturedAmount: w.usePoints,
      status: 'captured',
    });
  if (w.rest > 0)
    pays.push({
      id: newId('pay', now + 1),
      orderId,
      method: sale.payment.method,
      amount: w.rest,
      capturedAmount: w.rest,
      status: 'captured',
      ...(w.charge ? { provider: w.provider, providerRef: w.charge.chargeId, details: { last4: w.charge.last4 } } : {}),
    });
  await writeTogether(tx, {
    order: [
      orders,
      insertRows(orders, [
        {
          id: orderId,
          number,
          channel: 'app',
          locationId: sale.locationId,
          customerId: sale.customerId,
          status: 'completed',
          subtotal: totals.subtotal,
          discountTotal: totals.discountTotal,
          shippingFee: 0,
          total: totals.total,
          taxes: totals.taxes,
          discounts: totals.discounts,
          pointsUsed: w.usePoints,
          clientTransactionId: sale.clientTransactionId,
        },
      ]),
    ],
    fulfilments: [fulfilments, insertRows(fulfilments, [fulfilment])],
    lines: [
      orderLines,
      insertRows(
        orderLines,
        orderLineRows(totals.lines, orderId, () => fulfilment.id, now),
      ),
    ],
    ...(pays.length ? { payments: [payments, insertRows(payments, pays)] as const } : {}),
    event: orderPlacedWrites(
      orderEventPayload(
        { id: orderId, number, channel: 'app', customerId: sale.customerId, guest: null, total: totals.total },
        fulfilment,
        sale.customerId,
        { storeName: w.storeName },
      ),
    ),
  });
  const { pointsEarned } = await settlePurchase(tx, {
    orderId,
    customerId: sale.customerId,
    channel: 'app',
    locationId: sale.locationId,
    coupons: { cartCoupons: [], discounts: totals.discounts },
    points: w.usePoints,
    wallet: sale.payment.method === 'wallet' ? w.rest : 0,
    earn: { total: totals.total, shippingFee: 0, pointsUsed: w.usePoints },
  });
  await recordEarned(tx, orderId, { pointsEarned });
  return orderId;
}
