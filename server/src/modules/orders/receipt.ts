import type { Executor } from '../../platform/db/connection.ts';
import { getBusiness, getLocation } from '../locations/service.ts';
import { eq } from 'drizzle-orm';
import { staffNames } from '../staff/service.ts';
import { orders } from './schema.ts';
import type { OrderView } from './views.ts';

/** What an 80 mm receipt prints (and the app shows as the digital receipt), in Japanese retail's order. */
export interface Receipt {
  /** The business that issues it: with its registration number, the receipt is a 適格簡易請求書. */
  business: { name: string; registrationNumber: string | null; logo: string | null };
  store: { name: string; address: string; phone: string };
  number: string;
  /** A sale rung up offline: the till printed its own transaction number (the order number came at sync). */
  offline: { number: string } | null;
  issuedAt: string;
  /** Local time as printed (Asia/Tokyo). */
  issuedAtLocal: string;
  /** 担当: who rang the sale at the till (the operator of the till's session then); null for an online order. */
  clerk: string | null;
  lines: Array<{
    name: string;
    options: string;
    quantity: number;
    unitPrice: number;
    total: number;
    reducedRate: boolean;
  }>;
  subtotal: number;
  discounts: Array<{ label: string; amount: number }>;
  total: number;
  /** 「10%対象 ¥x（内消費税 ¥y）」 per rate. */
  taxes: Array<{ rate: number; base: number; tax: number }>;
  /** A terminal's 承認番号 or a QR payment's 取引番号 (`reference`) and the card brand or QR service. */
  payments: Array<{
    method: string;
    amount: number;
    tendered: number | null;
    reference: string | null;
    brand: string | null;
  }>;
  change: number;
  member: { number: string; pointsEarned: number; pointsUsed: number; balance: number | null } | null;
  /** ※ marks reduced-rate (8 %) items, as the receipt's footnote says. */
  footnote: string;
}

export const localTime = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

export async function receiptOf(
  db: Executor,
  order: OrderView,
  change: number,
  balance: number | null,
  /** What the caller has at hand: the store's row, and 担当's name (a sale just rung up knows who rang it). */
  known: { store?: Awaited<ReturnType<typeof getLocation>>; clerk?: string | null } = {},
): Promise<Receipt> {
  const at = order.locationId ?? order.fulfilments[0]?.locationId ?? null;
  const clerk = known.clerk !== undefined ? known.clerk : await clerkOf(db, order.id);
  return {
    ...(await issuerOf(db, at, known.store)),
    number: order.number,
    offline: order.offline ? { number: order.offline.transactionId } : null,
    // Offline, the receipt was printed when the sale was rung up: the synced receipt says the same.
    issuedAt: order.offline?.at ?? order.createdAt,
    issuedAtLocal: localTime.format(new Date(order.offline?.at ?? order.createdAt)),
    clerk,
    lines: order.lines.map((l) => ({
      name: l.name,
      options: optionsText(l.options),
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      total: l.total,
      reducedRate: l.taxRate === 8,
    })),
    subtotal: order.subtotal,
    discounts: order.discounts.map((d) => ({ label: d.label, amount: d.amount })),
    total: order.total,
    taxes: order.taxes,
    payments: order.payments.map((p) => ({
      method: p.method,
      amount: p.amount,
      tendered: p.tendered,
      reference: typeof p.details?.reference === 'string' ? p.details.reference : null,
      brand: typeof p.details?.brand === 'string' ? p.details.brand : null,
    })),
    change,
    member: order.customer
      ? {
          number: `****${order.customer.memberNumber.slice(-4)}`,
          pointsEarned: order.pointsEarned,
          pointsUsed: order.pointsUsed,
          balance,
        }
      : null,
    footnote: '※印は軽減税率（8%）対象商品です。',
  };
}

/** 担当: the staff member who rang a till sale up (none for an online order). */
async function clerkOf(db: Executor, orderId: string): Promise<string | null> {
  const [row] = await db
    .select({ staffId: orders.staffId, channel: orders.channel })
    .from(orders)
    .where(eq(orders.id, orderId));
  const clerkId = row?.channel === 'store' ? row.staffId : null;
  return clerkId ? ((await staffNames(db, [clerkId])).get(clerkId) ?? null) : null;
}

/**
 * Who issues a receipt or a refund slip: the business (its registration number makes the slip a 適格簡易請求書 or
 * 適格返還請求書) and the store, or for an online order the business's own online store.
 */
export async function issuerOf(
  db: Executor,
  locationId: string | null,
  store?: Awaited<ReturnType<typeof getLocation>>,
): Promise<Pick<Receipt, 'business' | 'store'>> {
  const loc = store && store.id === locationId ? store : locationId ? await getLocation(db, locationId) : null;
  const business = await getBusiness(db);
  return {
    business: { name: business.name, registrationNumber: business.registrationNumber, logo: business.logo },
    store: loc
      ? { name: loc.name, address: `${loc.prefecture}${loc.city}${loc.address}`, phone: loc.phone }
      : {
          name: business.name ? `${business.name} オンラインストア` : 'オンラインストア',
          address: business.address,
          phone: business.phone,
        },
  };
}

/** A line's options as a slip prints them under its name: 「ブラウン / XL」. */
export function optionsText(options: Record<string, string>): string {
  return Object.values(options).join(' / ');
}

/** Change handed back for cash payments (tendered − amount). */
export function changeOf(order: OrderView): number {
  return order.payments.reduce(
    (s, p) => s + (p.method === 'cash' && p.tendered !== null ? p.tendered - p.amount : 0),
    0,
  );
}

/** What a till payment keeps beside its amount: a terminal's approval number and brand, a QR payment's id and service. */
export function tenderDetails(p: { reference?: string | undefined; brand?: string | undefined }) {
  return p.reference || p.brand
    ? { ...(p.reference ? { reference: p.reference } : {}), ...(p.brand ? { brand: p.brand } : {}) }
    : null;
}
