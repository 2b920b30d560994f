import { and, eq, sql } from 'drizzle-orm';
import { query, type Db, type Tx } from '../../platform/db/connection.ts';
import { inTransaction, sqlState } from '../../platform/db/tx.ts';
import { insertRows, writeTogether } from '../../platform/db/together.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertCanActAt, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { getVariants, normalizeJan, variantsByJan, type VariantInfo } from '../catalog/service.ts';
import { getLocation } from '../locations/service.ts';
import { sellAtTill } from '../inventory/service.ts';
import { pointBalance } from '../loyalty/service.ts';
import { actingStaff } from '../staff/service.ts';
import { customerIdByIdentifier, loadCustomer, verifyMemberCode, type MemberCodeKey } from '../customers/service.ts';
import { orderEventPayload, orderPlacedWrites } from './events.ts';
import { priceLines, pricedLine, type Totals } from './pricing.ts';
import { taxesByRate } from './tax.ts';
import { assertPresentToSpend } from './presence-check.ts';
import { recordEarned, settlePurchase } from './settle-purchase.ts';
import { fulfilments, orderLines, orders, payments } from './schema.ts';
import { orderLineRows, orderNumber, orderView, toOrderView, type OrderView } from './views.ts';
import { changeOf, receiptOf, tenderDetails, type Receipt } from './receipt.ts';
import type { TillBasket, TillPayment, TillQuoteInput, TillSale } from './schemas.ts';

export type { TillBasket, TillPayment, TillSale };

export interface TillResult {
  order: OrderView;
  change: number;
  receipt: Receipt;
  replayed: boolean;
}

/** The scanned lines as variants (JANs looked up in one read), quantities of the same item added up. */
async function variantIdsOf(
  db: Db,
  lines: TillSale['lines'],
): Promise<Array<{ variantId: string; quantity: number; variant?: VariantInfo | undefined; offline?: Charged }>> {
  const byJan = await variantsByJan(
    db,
    lines.flatMap((l) => (!l.variantId && l.jan ? [normalizeJan(l.jan)] : [])),
  );
  const out: Array<{ variantId: string; quantity: number; variant?: VariantInfo | undefined; offline?: Charged }> = [];
  for (const [i, l] of lines.entries()) {
    let id = l.variantId;
    let variant: VariantInfo | undefined;
    if (!id && l.jan) {
      variant = byJan.get(normalizeJan(l.jan));
      if (!variant) throw new DomainError('catalog.barcode_not_found', { jan: l.jan });
      id = variant.id;
    }
    if (!id) throw new DomainError('platform.validation', {}, [{ field: `lines.${i}`, message: 'jan_or_variant' }]);
    const charged =
      'unitPrice' in l && l.unitPrice !== undefined ? { unitPrice: l.unitPrice, discount: l.discount ?? 0 } : undefined;
    const same = out.find((o) => o.variantId === id);
    if (same) {
      same.quantity += l.quantity;
      if (same.offline && charged) same.offline.discount += charged.discount;
    } else out.push({ variantId: id, quantity: l.quantity, variant, ...(charged ? { offline: charged } : {}) });
  }
  return out;
}

/** What the till charged for a line offline: its unit price and discount. */
interface Charged {
  unitPrice: number;
  discount: number;
}

/**
 * Who rang a sale up: an offline sale says who was signed in at the till then (the queue may be sent later by the
 * next clerk, from any tab); hers when she still works at this store, else the one sending it.
 */
async function offlineClerk(
  db: Db,
  sale: TillSale,
  sender: StaffPrincipal,
): Promise<{ staffId: string; name: string }> {
  const claimed = sale.offline?.staffId;
  if (!claimed || claimed === sender.staffId) return sender;
  const clerk = await actingStaff(db, claimed);
  const here = clerk && (clerk.role === 'owner' || clerk.role === 'hq' || clerk.locationIds.includes(sale.locationId));
  return here ? clerk : sender;
}

/** An offline sale past this age is refused: the till keeps it for the manager (a clock far off, a lost device). */
const OFFLINE_MAX_AGE_DAYS = 30;

/**
 * An offline sale's checks: what the till could not have done without the server is refused (a 400 the till
 * keeps for the manager; its own screens never send one): coupons, her app code, wallet and points.
 */
function assertOffline(sale: TillSale): void {
  const bad = (field: string, message = 'offline_not_allowed') => {
    throw new DomainError('platform.validation', {}, [{ field, message }]);
  };
  const at = Date.parse(sale.offline!.at);
  if (at > Date.now() + 10 * 60_000 || at < Date.now() - OFFLINE_MAX_AGE_DAYS * 86_400_000)
    bad('offline.at', 'offline_time');
  if (sale.coupons?.length) bad('coupons');
  if (sale.memberCode) bad('memberCode');
  if (sale.presenceToken) bad('presenceToken');
  for (const [i, p] of sale.payments.entries())
    if (p.method === 'wallet' || p.method === 'points') bad(`payments.${i}.method`);
  for (const [i, l] of sale.lines.entries()) if (l.unitPrice === undefined) bad(`lines.${i}.unitPrice`, 'required');
}

/**
 * An offline sale's totals as the till charged them (its cached prices and automatic promotions), so the
 * synced receipt is the printed one: each line's price and discount, the promotions, 内消費税 per rate.
 */
async function chargedTotals(
  db: Db,
  lines: Array<{ variantId: string; quantity: number; offline?: Charged }>,
  discounts: NonNullable<TillSale['offline']>['discounts'],
): Promise<Totals> {
  const info = await getVariants(
    db,
    lines.map((l) => l.variantId),
  );
  // getVariants refuses an unknown id; each line is priced as the till charged it.
  const priced = lines.map((l, i) => {
    const c = l.offline!;
    if (c.discount > c.unitPrice * l.quantity)
      throw new DomainError('platform.validation', {}, [{ field: `lines.${i}.discount`, message: 'too_large' }]);
    return pricedLine(info.get(l.variantId)!, l.quantity, c.unitPrice, c.discount);
  });
  const subtotal = priced.reduce((s, l) => s + l.total, 0);
  const discountTotal = priced.reduce((s, l) => s + l.discount, 0);
  if (discounts.reduce((s, d) => s + d.amount, 0) !== discountTotal)
    throw new DomainError('platform.validation', {}, [{ field: 'offline.discounts', message: 'sum_mismatch' }]);
  return {
    lines: priced,
    subtotal,
    discounts,
    discountTotal,
    shippingFee: 0,
    total: subtotal - discountTotal,
    taxes: taxesByRate(priced.map((l) => ({ amount: l.total - l.discount, rate: l.taxRate }))),
    pointsToEarn: 0,
  };
}

async function memberOf(db: Db, key: MemberCodeKey, sale: TillBasket): Promise<string | null> {
  if (sale.customerId) return (await loadCustomer(db, sale.customerId, { active: true })).id;
  if (sale.memberCode) return verifyMemberCode(key, sale.memberCode).customerId; // signature and window; the card screen already used it once
  if (sale.memberNumber) {
    const id =
      (await customerIdByIdentifier(db, 'member_number', sale.memberNumber)) ??
      (await customerIdByIdentifier(db, 'card', sale.memberNumber));
    if (!id) throw new DomainError('customer.not_found', { customerId: sale.memberNumber });
    return id;
  }
  return null;
}

async function existing(db: Db | Tx, locationId: string, clientTransactionId: string) {
  const [o] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.locationId, locationId), eq(orders.clientTransactionId, clientTransactionId)));
  return o?.id ?? null;
}

/**
 * What the basket costs before anything is sold: the same pricing as the sale (promotions, the member's
 * tier, coupons — a coupon that does not apply is its 409 problem), so the till shows the real total and
 * the payments can be made to add up. Writes nothing.
 */
export async function tillQuote(db: Db, key: MemberCodeKey, actor: Principal, basket: TillQuoteInput) {
  assertCanActAt(actor, basket.locationId);
  const lines = await variantIdsOf(db, basket.lines);
  const customerId = await memberOf(db, key, basket);
  const tier = customerId ? (await loadCustomer(db, customerId)).tier : undefined;
  const totals = await priceLines(db, lines, {
    fulfilment: 'instore',
    tier,
    pointsUsed: basket.pointsUsed,
    earnAt: { channel: 'store', locationId: basket.locationId },
    promotions: {
      channel: 'store',
      locationId: basket.locationId,
      customerId,
      coupons: basket.coupons ?? [],
      strict: true,
    },
  });
  return { ...totals, customerId };
}

/**
 * A sale at the till, in one transaction: the goods leave the store's stock (never refused — see
 * sellAtTill), the payments are recorded (cash with change, card terminal, wallet, points), points are
 * earned and the timeline shows the visit. The till's clientTransactionId makes a resubmission (a
 * retry after a network drop, a double tap) answer with the first sale instead of selling twice.
 */
export async function tillSale(db: Db, key: MemberCodeKey, actor: Principal, sale: TillSale): Promise<TillResult> {
  const staff = assertCanActAt(actor, sale.locationId);
  // The store and the scanned JANs are read alongside the replay check (one wait, not three), and their
  // answers (or refusals) taken in the order the checks always came.
  const locationRead = getLocation(db, sale.locationId);
  const linesRead = variantIdsOf(db, sale.lines);
  locationRead.catch(() => {});
  linesRead.catch(() => {});
  const done = await existing(db, sale.locationId, sale.clientTransactionId);
  if (done) return result(db, done, true);
  if (sale.offline) assertOffline(sale);
  const clerk = await offlineClerk(db, sale, staff);
  const rangBy = clerk.staffId;
  const location = await locationRead;
  const lines = await linesRead;
  // Offline, the till took a member number it could not check: an unknown one still sells (the money was
  // taken), without a member.
  const customerId = sale.offline
    ? await memberOf(db, key, sale).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === 'customer.not_found') return null;
        throw err;
      })
    : await memberOf(db, key, sale);
  const tier = customerId ? (await loadCustomer(db, customerId)).tier : undefined;
  const coupons = sale.coupons ?? [];
  const totals = sale.offline
    ? await chargedTotals(db, lines, sale.offline.discounts)
    : await priceLines(db, lines, {
        fulfilment: 'instore',
        tier,
        earnAt: { channel: 'store', locationId: sale.locationId },
        promotions: { channel: 'store', locationId: sale.locationId, customerId, coupons, strict: true },
      });
  const paid = sale.payments.reduce((s, p) => s + p.amount, 0);
  if (paid !== totals.total) throw new DomainError('payment.amount_mismatch', { total: totals.total, paid });
  for (const [i, p] of sale.payments.entries()) {
    if ((p.method === 'wallet' || p.method === 'points') && !customerId)
      throw new DomainError('platform.validation', {}, [{ field: `payments.${i}.method`, message: 'members_only' }]);
    if (p.method === 'cash' && p.tendered !== undefined && p.tendered < p.amount)
      throw new DomainError('platform.validation', {}, [
        { field: `payments.${i}.tendered`, message: 'tendered_too_low' },
      ]);
  }
  // Her wallet, points and member coupons only with proof that she is here; a card number only earns.
  await assertPresentToSpend(db, key, {
    customerId,
    locationId: sale.locationId,
    staffId: staff.staffId,
    payments: sale.payments,
    coupons,
    memberCode: sale.memberCode,
    presenceToken: sale.presenceToken,
  });
  try {
    const written = await inTransaction(db, async (tx) => {
      const orderId = newId('ord');
      const [seq] = await query<{ n: string }>(tx, sql`SELECT nextval('order_number_seq') AS n`);
      const number = orderNumber('store', seq!.n);
      const pointsUsed = sale.payments.filter((p) => p.method === 'points').reduce((s, p) => s + p.amount, 0);
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
      };
      // The goods leave the shelf first (never refused: see sellAtTill), then the order, its lines, the
      // payments and the order.placed event in one statement.
      await sellAtTill(
        tx,
        staff,
        lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity, locationId: sale.locationId })),
        orderId,
      );
      const w = await writeTogether(tx, {
        order: [
          orders,
          insertRows(orders, [
            {
              id: orderId,
              number,
              channel: 'store',
              locationId: sale.locationId,
              customerId,
              status: 'completed',
              subtotal: totals.subtotal,
              discountTotal: totals.discountTotal,
              shippingFee: 0,
              total: totals.total,
              taxes: totals.taxes,
              discounts: totals.discounts,
              pointsUsed,
              clientTransactionId: sale.clientTransactionId,
              staffId: rangBy,
              offlineAt: sale.offline ? new Date(sale.offline.at) : null,
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
        payments: [
          payments,
          insertRows(
            payments,
            sale.payments.map((p, i) => ({
              id: newId('pay', now + i),
              orderId,
              method: p.method,
              amount: p.amount,
              capturedAmount: p.amount,
              status: 'captured' as const,
              tendered: p.tendered ?? null,
              details: tenderDetails(p),
            })),
          ),
        ],
        // order.placed (outbox): integrations hear of every order (webhook), her timeline of the purchase.
        event: orderPlacedWrites(
          orderEventPayload(
            { id: orderId, number, channel: 'store', customerId, guest: null, total: totals.total },
            fulfilment,
            rangBy,
            { storeName: location.name },
          ),
        ),
      });
      // Coupons → points → wallet → earn, as checkout and a hold's hand-over settle (her timeline hears of it from order.placed).
      const sum = (m: TillPayment['method']) =>
        sale.payments.filter((p) => p.method === m).reduce((s, p) => s + p.amount, 0);
      const { pointsEarned } = await settlePurchase(tx, {
        orderId,
        customerId,
        channel: 'store',
        locationId: sale.locationId,
        staffId: rangBy,
        coupons: { cartCoupons: coupons, discounts: totals.discounts },
        points: sum('points'),
        wallet: sum('wallet'),
        earn: { total: totals.total, shippingFee: 0, pointsUsed },
      });
      const order = customerId ? await recordEarned(tx, orderId, { pointsEarned }) : w.order[0]!;
      return { order, lines: w.lines, fulfilments: w.fulfilments, payments: w.payments };
    });
    // The answer is built from the rows just written; a member's sale reads her card details and balance.
    if (customerId) return result(db, written.order.id, false);
    const order = toOrderView({ ...written, customer: null });
    const change = changeOf(order);
    return {
      order,
      change,
      // The bootstrap token is nobody on a receipt (it has no staff row), as a reprint would say.
      receipt: await receiptOf(db, order, change, null, {
        store: location,
        clerk: staff.bootstrap && rangBy === staff.staffId ? null : clerk.name,
      }),
      replayed: false,
    };
  } catch (err) {
    // Two submissions of the same sale raced: the second finds the first.
    if (sqlState(err) === '23505') {
      const first = await existing(db, sale.locationId, sale.clientTransactionId);
      if (first) return result(db, first, true);
    }
    throw err;
  }
}

async function result(db: Db, orderId: string, replayed: boolean): Promise<TillResult> {
  const order = await orderView(db, orderId);
  const change = changeOf(order);
  const balance = order.customerId ? await pointBalance(db, order.customerId) : null;
  return { order, change, receipt: await receiptOf(db, order, change, balance), replayed };
}
