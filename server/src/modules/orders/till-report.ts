import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { cashTopUpTotals } from '../loyalty/service.ts';
import type { TillReportFigures } from './schema.ts';
import { staffNames } from '../staff/service.ts';

export type { TillReportFigures };

/** The methods a till takes, in the order the report prints them. */
const TILL_METHODS = ['cash', 'terminal', 'qr', 'wallet', 'points'] as const;
type TillMethod = (typeof TILL_METHODS)[number];

const n = (v: unknown) => Number(v ?? 0);

/**
 * A session's figures from `openedAt` up to `until`: the till's sales at the store (channel store, not
 * cancelled) by payment method and tax rate, the returns taken at the store with their refunds, the cash
 * moved in and out, wallet top-ups taken in cash (チャージ: cash in the drawer, prepaid value, not a sale), and
 * the cash the drawer should hold (float + cash sales − cash refunds + cash top-ups + in − out).
 * A sale belongs to the window by when the server recorded it (`created_at`): an offline sale counts where it
 * was synced (the till syncs its queue before closing), and is counted as offline by its `offline_at`.
 * Reads only: the X report is this at any moment, the Z report this at the close, kept.
 */
export async function tillFigures(
  db: Executor,
  session: { id: string; locationId: string; float: number; openedAt: Date },
  until: Date,
): Promise<TillReportFigures> {
  const from = session.openedAt.toISOString();
  const to = until.toISOString();
  const sales = sql`o.channel = 'store' AND o.location_id = ${session.locationId} AND o.status <> 'cancelled'
    AND o.created_at >= ${from}::timestamptz AND o.created_at <= ${to}::timestamptz`;
  const [totals] = await query<{ sales: unknown; offline: unknown; gross: unknown; discounts: unknown }>(
    db,
    sql`SELECT count(*) AS sales, count(o.offline_at) AS offline, coalesce(sum(o.total), 0) AS gross,
          coalesce(sum(o.discount_total), 0) AS discounts
        FROM orders o WHERE ${sales}`,
  );
  const tenders = await query<{ method: string; service: string | null; count: unknown; amount: unknown }>(
    db,
    sql`SELECT p.method, p.details->>'brand' AS service, count(*) AS count, sum(p.amount) AS amount
        FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE ${sales} GROUP BY p.method, p.details->>'brand' ORDER BY p.method, p.details->>'brand'`,
  );
  const taxes = await query<{ rate: unknown; sales: unknown; tax: unknown }>(
    db,
    sql`SELECT (t->>'rate')::int AS rate, sum((t->>'base')::bigint) AS sales, sum((t->>'tax')::bigint) AS tax
        FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.taxes) t
        WHERE ${sales} GROUP BY 1 ORDER BY 1 DESC`,
  );
  // 担当者別: who rang the sales (the till's operator at the time, 担当切替).
  const clerks = await query<{ staff_id: string | null; count: unknown; amount: unknown }>(
    db,
    sql`SELECT o.staff_id, count(*) AS count, coalesce(sum(o.total), 0) AS amount
        FROM orders o WHERE ${sales} GROUP BY o.staff_id ORDER BY 3 DESC, 1`,
  );
  const names = await staffNames(
    db,
    clerks.map((c) => c.staff_id).filter((x): x is string => !!x),
  );
  const returned = sql`r.location_id = ${session.locationId}
    AND r.created_at >= ${from}::timestamptz AND r.created_at <= ${to}::timestamptz`;
  const [refundTotals] = await query<{ count: unknown; total: unknown }>(
    db,
    sql`SELECT count(*) AS count, coalesce(sum(r.refund_total), 0) AS total FROM returns r WHERE ${returned}`,
  );
  const refundsAs = await query<{ as: string; amount: unknown }>(
    db,
    sql`SELECT x->>'refundedAs' AS as, sum((x->>'amount')::bigint) AS amount
        FROM returns r CROSS JOIN LATERAL jsonb_array_elements(r.refunds) x
        WHERE ${returned} GROUP BY 1`,
  );
  const moves = await query<{ kind: string; amount: unknown }>(
    db,
    sql`SELECT kind, sum(amount) AS amount FROM till_cash_movements
        WHERE session_id = ${session.id} AND created_at <= ${to}::timestamptz GROUP BY kind`,
  );

  const cashTopUps = await cashTopUpTotals(db, { locationId: session.locationId, from: session.openedAt, until });

  const byMethod = Object.fromEntries(TILL_METHODS.map((m) => [m, { count: 0, amount: 0 }])) as Record<
    TillMethod,
    { count: number; amount: number }
  >;
  const byService: TillReportFigures['byService'] = [];
  for (const t of tenders) {
    const m = byMethod[t.method as TillMethod];
    if (!m) continue; // a till sale is paid only in these
    m.count += n(t.count);
    m.amount += n(t.amount);
    if (t.method === 'terminal' || t.method === 'qr')
      byService.push({ method: t.method, service: t.service ?? '', count: n(t.count), amount: n(t.amount) });
  }
  const refundBy = { cash: 0, card: 0, wallet: 0, points: 0 };
  for (const r of refundsAs) if (r.as in refundBy) refundBy[r.as as keyof typeof refundBy] += n(r.amount);
  const cashIn = n(moves.find((m) => m.kind === 'in')?.amount);
  const cashOut = n(moves.find((m) => m.kind === 'out')?.amount);
  const cashSales = byMethod.cash.amount;
  const grossSales = n(totals?.gross);
  const refundTotal = n(refundTotals?.total);
  return {
    float: session.float,
    cashIn,
    cashOut,
    cashSales,
    cashRefunds: refundBy.cash,
    cashTopUps,
    expectedCash: session.float + cashSales - refundBy.cash + cashTopUps.amount + cashIn - cashOut,
    salesCount: n(totals?.sales),
    offlineSalesCount: n(totals?.offline),
    grossSales,
    discountTotal: n(totals?.discounts),
    byMethod,
    byService,
    byStaff: clerks.map((c) => ({
      staffId: c.staff_id ?? '',
      name: (c.staff_id && names.get(c.staff_id)) || '',
      count: n(c.count),
      amount: n(c.amount),
    })),
    byTaxRate: taxes.map((t) => ({ rate: n(t.rate), sales: n(t.sales), tax: n(t.tax) })),
    refunds: { count: n(refundTotals?.count), total: refundTotal, byMethod: refundBy },
    netSales: grossSales - refundTotal,
    until: to,
  };
}
