import { seededId } from '../platform/ids.ts';
import { taxesByRate } from '../platform/money.ts';
import type { products, variants } from '../modules/catalog/schema.ts';
import type { stockLevels, stockMovements } from '../modules/inventory/schema.ts';
import type { fulfilments, orderLines, orders, payments, returnLines, returns } from '../modules/orders/schema.ts';
import type { couponCodes, couponRedemptions } from '../modules/promotions/schema.ts';
import type { DemoProduct } from './catalog.ts';
import { CHAIN_LOCATIONS, locationIdOf } from './chain.ts';
import type { Random } from './prng.ts';
import { WAREHOUSE_ID } from './showcase.ts';

/**
 * A year of real orders behind the members' timelines: every purchase customers.ts plans in the last
 * 12 months becomes an order with lines, a fulfilment (till, shipped from the warehouse, picked up or
 * delivered from her store) and a payment, the way the till and checkout write them; ~3 % of them were
 * partly returned. The stock ledger then explains today's shelves: receipts a year ago (and a
 * replenishment half a year ago) large enough for every sale, the sales and returns, ending at the
 * demo's current stock — with the stockouts that leaves between the last unit sold and the next delivery.
 */

const DAY = 86400_000;
export const HISTORY_DAYS = 365;
/** Order numbers the demo used: the sequence continues after them. */
export const FIRST_ORDER_NUMBER = 1001;
const RETURN_SHARE = 0.03;

export type Channel = 'web' | 'app' | 'store';

export interface BasketRequest {
  customerId: string;
  channel: Channel;
  /** The till's store for a store sale; null online. */
  locationId: string | null;
  /** Her home store (pickups and deliveries online). */
  homeLocationId: string;
  when: Date;
  /** Roughly what she spends (yen): the basket comes as close as the prices allow. */
  target: number;
}

export interface Basket {
  orderId: string;
  number: string;
  total: number;
  /** What points are earned on: the goods, not the shipping. */
  earnable: number;
}

export interface HistoryRows {
  orders: Array<typeof orders.$inferInsert>;
  orderLines: Array<typeof orderLines.$inferInsert>;
  fulfilments: Array<typeof fulfilments.$inferInsert>;
  payments: Array<typeof payments.$inferInsert>;
  returns: Array<typeof returns.$inferInsert>;
  returnLines: Array<typeof returnLines.$inferInsert>;
  /** The demo coupons' codes (used and not) and their uses (クーポン効果). */
  couponCodes: Array<typeof couponCodes.$inferInsert>;
  couponRedemptions: Array<typeof couponRedemptions.$inferInsert>;
}

/**
 * The demo's coupon history: 10 % off one line, one member order in DEMO_COUPON_EVERY (no random draw, so
 * the rest of the history is unchanged) — the app's 会員アプリ限定 codes used anywhere (the online → store
 * number when at a till), the receipt coupons handed out at the till used there or online; and as many
 * again handed out and never used.
 */
export const DEMO_COUPON_EVERY = 60;
export const DEMO_COUPON_PROMOTION_ID = seededId('prm', 900);
export const DEMO_APP_COUPON_ID = seededId('cpn', 900);
export const DEMO_RECEIPT_COUPON_ID = seededId('cpn', 901);

interface Move {
  variantId: string;
  locationId: string;
  quantity: number;
  at: number;
  kind: 'sale' | 'return';
  reference: string;
}

/**
 * Day weights of a chain's year, days ago 1…maxDays: weekends busier, the July–August summer sale and
 * December's gifts and year-end shopping the peaks, February quiet. The function returned turns one
 * uniform draw into a day, so the caller's random stream keeps its length.
 */
export function seasonality(now: number, maxDays = 900) {
  const cdf: number[] = [0];
  for (let d = 1; d <= maxDays; d++) {
    const date = new Date(now - d * DAY + 9 * 3600_000); // Japan time
    const dow = date.getUTCDay();
    const month = date.getUTCMonth();
    let w = dow === 0 || dow === 6 ? 1.5 : 1;
    if (month === 6 || month === 7) w *= 1.35;
    if (month === 11) w *= 1.7;
    if (month === 1) w *= 0.8;
    cdf.push(cdf[d - 1]! + w);
  }
  return (u: number, max: number): number => {
    const m = Math.max(1, Math.min(max, maxDays));
    const target = u * cdf[m]!;
    let lo = 1;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export function planHistory(
  items: readonly DemoProduct[],
  catalog: {
    products: ReadonlyArray<typeof products.$inferInsert>;
    variants: ReadonlyArray<typeof variants.$inferInsert>;
  },
  levels: ReadonlyArray<typeof stockLevels.$inferInsert>,
  rng: Random,
  now: number,
) {
  const rows: HistoryRows = {
    orders: [],
    orderLines: [],
    fulfilments: [],
    payments: [],
    returns: [],
    returnLines: [],
    couponCodes: [],
    couponRedemptions: [],
  };
  const moves: Move[] = [];
  const productById = new Map(catalog.products.map((p) => [p.id!, p]));
  const variantById = new Map(catalog.variants.map((v) => [v.id!, v]));
  const cafe = new Set(items.filter((i) => i.group === 'cafe').flatMap((i) => i.variants.map((v) => v.id)));
  // What each location has carried (a row, even at 0 today): what a basket there can hold.
  const carried = new Map<string, string[]>();
  for (const l of levels) {
    if (cafe.has(l.variantId)) continue;
    if (!carried.has(l.locationId)) carried.set(l.locationId, []);
    carried.get(l.locationId)!.push(l.variantId);
  }
  const deliveryStores = new Set(
    CHAIN_LOCATIONS.filter((l) => l.kind === 'store' && l.services.deliveryRadiusKm).map(locationIdOf),
  );
  let n = 0;

  const basket = (r: BasketRequest): Basket => {
    n++;
    const orderId = seededId('ord', n);
    const number = `${r.channel === 'store' ? 'S' : 'W'}-${String(FIRST_ORDER_NUMBER + n - 1).padStart(6, '0')}`;
    const type =
      r.channel === 'store'
        ? 'instore'
        : rng.chance(0.7)
          ? 'ship'
          : deliveryStores.has(r.homeLocationId) && rng.chance(0.35)
            ? 'delivery'
            : 'pickup';
    const from = type === 'instore' ? r.locationId! : type === 'ship' ? WAREHOUSE_ID : r.homeLocationId;
    const shelf = carried.get(from) ?? carried.get(WAREHOUSE_ID)!;
    const at = r.when.getTime();
    const lines: Array<typeof orderLines.$inferInsert> = [];
    let subtotal = 0;
    const fulfilmentId = seededId('ful', n);
    while (lines.length < 3 && (lines.length === 0 || subtotal < r.target * 0.85)) {
      const variantId = rng.pick(shelf);
      if (lines.some((l) => l.variantId === variantId)) break;
      const v = variantById.get(variantId)!;
      const p = productById.get(v.productId)!;
      const quantity = v.price < 1500 && rng.chance(0.4) ? rng.int(2, 3) : 1;
      const total = v.price * quantity;
      subtotal += total;
      lines.push({
        id: seededId('oln', rows.orderLines.length + lines.length + 1),
        orderId,
        fulfilmentId,
        variantId,
        productId: v.productId,
        name: p.name,
        options: v.options ?? {},
        jan: v.jan,
        quantity,
        unitPrice: v.price,
        taxRate: p.taxRate,
        discount: 0,
        total,
      });
      moves.push({ variantId, locationId: from, quantity: -quantity, at, kind: 'sale', reference: orderId });
    }
    const shippingFee = type === 'ship' && subtotal < 5000 ? 550 : type === 'delivery' ? 330 : 0;
    // A coupon on one member order in DEMO_COUPON_EVERY: 10 % off its first line.
    const couponed = r.customerId && n % DEMO_COUPON_EVERY === 0 && lines[0]!.total! >= 100;
    let discount = 0;
    const discounts: Array<{ code: string; label: string; amount: number }> = [];
    if (couponed) {
      const fromApp = (n / DEMO_COUPON_EVERY) % 3 !== 0;
      const code = `${fromApp ? 'APP' : 'RCT'}${String(n).padStart(7, '0')}`;
      discount = Math.floor(lines[0]!.total! / 10);
      lines[0]!.discount = discount;
      lines[0]!.total = lines[0]!.total! - discount;
      discounts.push({ code, label: 'ご愛顧クーポン 10%オフ', amount: discount });
      const issuedAt = new Date(at - 3 * DAY);
      const couponId = fromApp ? DEMO_APP_COUPON_ID : DEMO_RECEIPT_COUPON_ID;
      rows.couponCodes.push(
        { code, couponId, batchId: `demo-${couponId}`, redeemedAt: r.when, orderId, createdAt: issuedAt },
        // One handed out the same day and never used.
        { code: `${code}N`, couponId, batchId: `demo-${couponId}`, createdAt: issuedAt },
      );
      rows.couponRedemptions.push({
        id: seededId('red', rows.couponRedemptions.length + 1),
        couponId,
        promotionId: DEMO_COUPON_PROMOTION_ID,
        code,
        singleUse: true,
        customerId: r.customerId,
        orderId,
        amount: discount,
        issuedChannel: fromApp ? 'app' : 'store',
        channel: r.channel,
        locationId: from,
        createdAt: r.when,
      });
    }
    const total = subtotal - discount + shippingFee;
    const done = new Date(at + (type === 'instore' ? 0 : type === 'ship' ? 2 * DAY : 0.2 * DAY));
    rows.orders.push({
      id: orderId,
      number,
      channel: r.channel,
      locationId: r.channel === 'store' ? r.locationId : null,
      customerId: r.customerId,
      status: 'completed',
      subtotal,
      discountTotal: discount,
      shippingFee,
      total,
      taxes: taxesByRate(lines.map((l) => ({ rate: l.taxRate, amount: l.total }))),
      discounts,
      pointsUsed: 0,
      pointsEarned: Math.floor(subtotal / 100),
      createdAt: r.when,
      updatedAt: done,
    });
    rows.orderLines.push(...lines);
    rows.fulfilments.push({
      id: fulfilmentId,
      orderId,
      type,
      locationId: from,
      status: type === 'ship' || type === 'delivery' ? 'delivered' : type === 'pickup' ? 'picked_up' : 'completed',
      readyAt: type === 'pickup' ? new Date(at + 0.1 * DAY) : null,
      completedAt: done,
      updatedAt: done,
    });
    const cash = r.channel === 'store' && rng.chance(0.45);
    const payment: typeof payments.$inferInsert = {
      id: seededId('pay', n),
      orderId,
      method: r.channel === 'store' ? (cash ? 'cash' : 'terminal') : 'card',
      provider: r.channel === 'store' ? null : 'demo',
      amount: total,
      capturedAmount: total,
      status: 'captured',
      tendered: cash ? Math.ceil(total / 1000) * 1000 : null,
      createdAt: r.when,
      updatedAt: r.when,
    };
    rows.payments.push(payment);
    // A few come back within a fortnight, where they were sold or handed over (shipped ones by post to
    // the warehouse): resellable goods go back on the shelf. Points earned stay (as after a small return
    // below the earn threshold would not, a simplification of the demo).
    const returnAt = at + rng.int(1, 14) * DAY;
    if (rng.chance(RETURN_SHARE) && returnAt < now) {
      const line = rng.pick(lines);
      const returnId = seededId('ret', rows.returns.length + 1);
      const amount = line.total!;
      line.returnedQuantity = line.quantity;
      const resellable = rng.chance(0.8);
      rows.returns.push({
        id: returnId,
        orderId,
        locationId: from,
        reason: rng.pick(['サイズが合わない', 'イメージと違った', '不良品', '気が変わった']),
        refundMethod: 'original',
        refundTotal: amount,
        refunds: [
          {
            paymentId: payment.id!,
            method: payment.method,
            refundedAs: cash ? 'cash' : 'card',
            amount,
            status: 'refunded',
          },
        ],
        createdAt: new Date(returnAt),
      });
      rows.returnLines.push({
        returnId,
        orderLineId: line.id!,
        variantId: line.variantId,
        quantity: line.quantity,
        condition: resellable ? 'resellable' : 'damaged',
        amount,
      });
      payment.refundedAmount = amount;
      payment.status = amount === total ? 'refunded' : 'partially_refunded';
      if (resellable)
        moves.push({
          variantId: line.variantId,
          locationId: from,
          quantity: line.quantity!,
          at: returnAt,
          kind: 'return',
          reference: orderId,
        });
    }
    return { orderId, number, total, earnable: subtotal };
  };

  /** The stock ledger: opening receipts, a replenishment, the sales and returns, ending at today's stock. */
  const ledger = (): Array<typeof stockMovements.$inferInsert> => {
    const byKey = new Map<string, Move[]>();
    for (const m of moves) {
      const key = `${m.variantId}|${m.locationId}`;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key)!.push(m);
    }
    const opening = now - (HISTORY_DAYS + 5) * DAY;
    const restock = now - 180 * DAY;
    const out: Array<typeof stockMovements.$inferInsert> = [];
    let id = 0;
    for (const level of levels) {
      const ms = (byKey.get(`${level.variantId}|${level.locationId}`) ?? []).sort((a, b) => a.at - b.at);
      const onHand = level.onHand ?? 0;
      if (ms.length === 0 && onHand === 0) continue;
      // Units gone after each move; the receipts must cover the most that was ever gone.
      let gone = 0;
      let maxAll = 0;
      let maxFirst = 0;
      for (const m of ms) {
        gone -= m.quantity;
        maxAll = Math.max(maxAll, gone);
        if (m.at < restock) maxFirst = Math.max(maxFirst, gone);
      }
      const received = Math.max(onHand + gone, maxAll);
      // Most shelves got a little more than they sold before the restock; some ran dry until it came.
      const spare = rng.chance(0.15) ? 0 : rng.int(1, 3);
      const first = Math.min(received, maxFirst + spare);
      const receipts =
        ms.length && first > 0 && first < received
          ? [
              { at: opening, quantity: first, reason: '初期在庫' },
              { at: restock, quantity: received - first, reason: '補充' },
            ]
          : [{ at: opening, quantity: received, reason: '初期在庫' }];
      const all = [
        ...receipts.map((r) => ({ ...r, kind: 'receipt' as const, reference: 'demo' })),
        ...ms.map((m) => ({ ...m, reason: null })),
      ].sort((a, b) => a.at - b.at);
      let balance = 0;
      for (const m of all) {
        balance += m.quantity;
        out.push({
          id: seededId('mov', ++id),
          variantId: level.variantId,
          locationId: level.locationId,
          kind: m.kind,
          quantity: m.quantity,
          onHandAfter: balance,
          reason: m.reason,
          reference: m.reference,
          createdAt: new Date(m.at),
        });
      }
      if (balance !== onHand)
        // only when returns came back after the last sale: the stocktake puts the shelf at today's count
        out.push({
          id: seededId('mov', ++id),
          variantId: level.variantId,
          locationId: level.locationId,
          kind: 'count',
          quantity: onHand - balance,
          onHandAfter: onHand,
          reason: '棚卸',
          reference: 'demo',
          createdAt: new Date(now - DAY),
        });
    }
    return out;
  };

  return { rows, basket, ledger };
}
