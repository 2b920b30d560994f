import type { Db } from '../../platform/db/connection.ts';
import { isChainWide, type Principal } from '../../platform/auth.ts';
import { assertOrderAccess } from './access.ts';
import { issuerOf, localTime, optionsText, type Receipt } from './receipt.ts';
import { returnView, type ReturnView } from './returns.ts';
import { taxesByRate } from './tax.ts';
import { orderView } from './views.ts';

/**
 * What the counter hands over with the money after a return (返品・返金明細): a 適格返還請求書 when the business
 * has its registration number — who gives back, when, the sale it corrects (its number and date), what came
 * back with the reduced-rate items marked, and the refund per tax rate with the tax contained in it.
 */
export interface RefundSlip {
  business: Receipt['business'];
  /** The store that took the goods back. */
  store: Receipt['store'];
  issuedAt: string;
  issuedAtLocal: string;
  /** The sale this return corrects, as its receipt printed it. */
  original: { number: string; issuedAtLocal: string };
  lines: Array<{ name: string; options: string; quantity: number; amount: number; reducedRate: boolean }>;
  total: number;
  taxes: Receipt['taxes'];
  /** How the money went back (the card refund may still be on its way: pending). */
  refunds: Array<{ as: ReturnView['refunds'][number]['refundedAs']; amount: number; pending: boolean }>;
  pointsReversed: number;
  reason: string;
  footnote: string;
}

export function refundSlipOf(
  r: ReturnView,
  order: Awaited<ReturnType<typeof orderView>>,
  issuer: Pick<Receipt, 'business' | 'store'>,
): RefundSlip {
  const byLine = new Map(order.lines.map((l) => [l.id, l]));
  // One row per order line: a line returned partly resellable, partly damaged is one item on the slip.
  const lines = new Map<string, RefundSlip['lines'][number] & { rate: number }>();
  for (const l of r.lines) {
    const line = byLine.get(l.orderLineId);
    const kept = lines.get(l.orderLineId);
    if (kept) {
      kept.quantity += l.quantity;
      kept.amount += l.amount;
    } else {
      lines.set(l.orderLineId, {
        name: line?.name ?? '',
        options: line ? optionsText(line.options) : '',
        quantity: l.quantity,
        amount: l.amount,
        reducedRate: line?.taxRate === 8,
        rate: line?.taxRate ?? 10,
      });
    }
  }
  const items = [...lines.values()];
  const refunds = new Map<string, { as: RefundSlip['refunds'][number]['as']; amount: number; pending: boolean }>();
  for (const x of r.refunds) {
    const kept = refunds.get(x.refundedAs) ?? { as: x.refundedAs, amount: 0, pending: false };
    kept.amount += x.amount;
    kept.pending ||= x.status === 'pending';
    refunds.set(x.refundedAs, kept);
  }
  const soldAt = order.offline?.at ?? order.createdAt;
  return {
    ...issuer,
    issuedAt: r.createdAt,
    issuedAtLocal: localTime.format(new Date(r.createdAt)),
    original: {
      number: order.offline?.transactionId ?? order.number,
      issuedAtLocal: localTime.format(new Date(soldAt)),
    },
    lines: items.map(({ rate: _rate, ...l }) => l),
    total: r.refundTotal,
    taxes: taxesByRate(items.map((l) => ({ amount: l.amount, rate: l.rate }))),
    refunds: [...refunds.values()].filter((x) => x.amount > 0),
    pointsReversed: r.pointsReversed,
    reason: r.reason,
    footnote: '※印は軽減税率（8%）対象商品です。',
  };
}

/**
 * A return's slip, for the store that took the goods back (returns are taken anywhere), the staff of the order's
 * own store, or the customer whose order it was.
 */
export async function readRefundSlip(db: Db, actor: Principal, returnId: string): Promise<RefundSlip> {
  const r = await returnView(db, returnId); // order.not_found when there is no such return
  const tookItBack = actor.kind === 'staff' && (isChainWide(actor) || actor.locationIds.includes(r.locationId));
  if (!tookItBack) await assertOrderAccess(db, actor, r.orderId);
  return refundSlipOf(r, await orderView(db, r.orderId), await issuerOf(db, r.locationId));
}
