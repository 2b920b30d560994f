/**
 * Pricing a basket without the server, from the store's offline pack: the catalog's tax-included prices,
 * the store's automatic promotions through the very engine the server prices with (promotions/engine.ts:
 * pure functions, shared, so the till and the server cannot disagree), 内消費税 per rate as the receipt
 * states it (platform/money.ts). Offline nothing is known of the member, so tier and first-purchase
 * promotions do not apply; coupons need the server.
 */
import { applyOffers, type EnginePromotion } from '../../../../server/src/modules/promotions/engine.ts';
import { taxesByRate } from '../../../../server/src/platform/money.ts';
import type { Receipt, TillOfflinePack, TillSaleBody } from '../../shared/api/types';
import type { SalePayment, TillLine } from '../till';

export type PackVariant = TillOfflinePack['variants'][number];

/** The variant with this JAN (typed or scanned: full-width digits and spaces allowed). */
export function variantByJan(pack: TillOfflinePack, raw: string): PackVariant | null {
  const jan = raw.normalize('NFKC').replace(/\s/g, '');
  return pack.variants.find((v) => v.jan === jan) ?? null;
}

export interface OfflineFigures {
  subtotal: number;
  discountTotal: number;
  total: number;
  taxes: Array<{ rate: number; base: number; tax: number }>;
  pointsToEarn: number;
  /** Per line, in the basket's order. */
  lineDiscounts: number[];
  discounts: Array<{ code: string; label: string; amount: number }>;
}

function enginePromotions(pack: TillOfflinePack): EnginePromotion[] {
  return pack.promotions.map((p) => ({
    ...p,
    startsAt: p.startsAt ? new Date(p.startsAt) : null,
    endsAt: p.endsAt ? new Date(p.endsAt) : null,
  })) as EnginePromotion[];
}

export function priceOffline(pack: TillOfflinePack, lines: readonly TillLine[], now = new Date()): OfflineFigures {
  const byId = new Map(pack.variants.map((v) => [v.id, v]));
  const engineLines = lines.map((l) => ({
    variantId: l.variantId,
    productId: byId.get(l.variantId)?.productId ?? '',
    categoryIds: byId.get(l.variantId)?.categoryIds ?? [],
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    total: l.unitPrice * l.quantity,
  }));
  const result = applyOffers(
    engineLines,
    { channel: 'store', locationId: pack.locationId, tier: null, firstPurchase: false, now },
    enginePromotions(pack).map((promotion) => ({ promotion, code: null })),
  );
  const subtotal = engineLines.reduce((s, l) => s + l.total, 0);
  const discountTotal = result.total;
  return {
    subtotal,
    discountTotal,
    total: subtotal - discountTotal,
    taxes: taxesByRate(
      lines.map((l, i) => ({ amount: l.unitPrice * l.quantity - result.lineDiscounts[i]!, rate: l.taxRate })),
    ),
    pointsToEarn: 0,
    lineDiscounts: result.lineDiscounts,
    discounts: result.applied.map((d) => ({ code: d.code, label: d.label, amount: d.amount })),
  };
}

/**
 * A sale's transaction id (its clientTransactionId), short enough to print and read out when the receipt
 * is an offline one: T + the Japan date and time to the second + four random letters.
 */
export function tillTransactionId(now = new Date()): string {
  const jst = new Date(now.getTime() + 9 * 3_600_000).toISOString().replace(/\D/g, '').slice(2, 14);
  const rand = [...crypto.getRandomValues(new Uint8Array(4))]
    .map((b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 32])
    .join('');
  return `T${jst}${rand}`;
}

const local = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * The sale as the server will take it at sync, and the receipt printed now: the same figures the server
 * records (the receipt it answers later is this one, but for the order number it adds).
 */
export function offlineSale(
  pack: TillOfflinePack,
  sale: {
    id: string;
    lines: readonly TillLine[];
    figures: OfflineFigures;
    payments: SalePayment[];
    memberNumber: string | null;
    at: Date;
    /** 担当: who is at the till now (her name on the receipt, her id with the sale). */
    clerk?: string | null;
    clerkId?: string | null;
  },
): { body: TillSaleBody; receipt: Receipt } {
  const { figures, lines } = sale;
  const body: TillSaleBody = {
    locationId: pack.locationId,
    lines: lines.map((l, i) => ({
      variantId: l.variantId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discount: figures.lineDiscounts[i] ?? 0,
    })),
    payments: sale.payments,
    clientTransactionId: sale.id,
    ...(sale.memberNumber ? { memberNumber: sale.memberNumber } : {}),
    offline: {
      at: sale.at.toISOString(),
      discounts: figures.discounts,
      ...(sale.clerkId ? { staffId: sale.clerkId } : {}),
    },
  };
  const change = sale.payments.reduce(
    (s, p) => s + (p.method === 'cash' && p.tendered !== undefined ? p.tendered - p.amount : 0),
    0,
  );
  const receipt: Receipt = {
    business: pack.business,
    store: pack.store,
    number: '',
    offline: { number: sale.id },
    issuedAt: sale.at.toISOString(),
    issuedAtLocal: local.format(sale.at),
    clerk: sale.clerk ?? null,
    lines: lines.map((l, i) => ({
      name: l.name,
      options: Object.values(l.options).join(' / '),
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      total: l.unitPrice * l.quantity - (figures.lineDiscounts[i] ?? 0),
      reducedRate: l.taxRate === 8,
    })),
    subtotal: figures.subtotal,
    discounts: figures.discounts.map((d) => ({ label: d.label, amount: d.amount })),
    total: figures.total,
    taxes: figures.taxes,
    payments: sale.payments.map((p) => ({
      method: p.method,
      amount: p.amount,
      tendered: p.method === 'cash' ? (p.tendered ?? p.amount) : null,
      reference: p.reference ?? null,
      brand: p.brand ?? null,
    })),
    change,
    member: null,
    footnote: '※印は軽減税率（8%）対象商品です。',
  };
  return { body, receipt };
}
