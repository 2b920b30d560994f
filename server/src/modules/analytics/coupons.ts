import { sql } from 'drizzle-orm';
import type { Principal } from '../../platform/auth.ts';
import { toCsv } from '../../platform/csv.ts';
import { query, type Executor } from '../../platform/db/connection.ts';
import { couponsIssuedSql, couponUsesSql } from '../promotions/service.ts';
import { analyticsScope } from './access.ts';
import { keptCouponRows, type CouponIssuedRow, type CouponUseRow } from './coupon-kept.ts';
import { addDays, type Period } from './periods.ts';

/** Issue channels that are online: a campaign's message (inbox, e-mail, push, LINE), the site, the app. */
export const ONLINE_ISSUE = ['campaign', 'web', 'app', 'line', 'email', 'push', 'sms', 'inbox'] as const;
const isOnline = (c: string) => (ONLINE_ISSUE as readonly string[]).includes(c);

export interface CouponFigures {
  /** Uses that stand (the order not cancelled) in the period. */
  redeemed: number;
  /** The discount those uses gave, yen. */
  discount: number;
  /** Attributed sales: net sales (tax included, returns deducted) of the orders that used it. */
  sales: number;
}

export interface CouponEffect extends Period {
  locationIds: string[] | null;
  /** Single-use codes issued in the period, and how many of them are used now (null with a store filter). */
  issued: number | null;
  used: number | null;
  totals: CouponFigures;
  /** The OMO headline: codes issued online (a campaign, the site, the app, LINE) used at a store's till. */
  onlineToStore: CouponFigures;
  promotions: Array<
    CouponFigures & {
      promotionId: string;
      name: string;
      issued: number | null;
      used: number | null;
      /** used ÷ issued of the codes issued in the period; null without issued codes. */
      redemptionRate: number | null;
      onlineToStore: CouponFigures;
    }
  >;
  /** Issue channel × redemption channel. */
  channels: Array<CouponFigures & { issueChannel: string; channel: string }>;
  /** Per campaign that issued codes: its uses (its lift is the campaign's own results). */
  campaigns: Array<CouponFigures & { campaignId: string; issued: number | null; used: number | null; inStore: number }>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const zero = (): CouponFigures => ({ redeemed: 0, discount: 0, sales: 0 });
const add = (a: CouponFigures, b: CouponFigures) => {
  a.redeemed += b.redeemed;
  a.discount += b.discount;
  a.sales += b.sales;
};
/** The start of a Japan date, as an instant. */
const japanStart = (d: string) => new Date(`${d}T00:00:00+09:00`);

/** The report's rows read from promotions' uses and codes (before the kept tables are filled). */
async function liveRows(
  db: Executor,
  p: Period,
  ids: string[] | null,
): Promise<{ uses: CouponUseRow[]; issued: CouponIssuedRow[] }> {
  const range = { from: japanStart(p.from), to: japanStart(addDays(p.to, 1)) };
  const uses = await query<CouponUseRow>(
    db,
    sql`WITH u AS MATERIALIZED (${couponUsesSql({ ...range, locationIds: ids })}),
             s AS (SELECT order_id, sum(net) AS net FROM analytics_order_sales
                    WHERE order_id IN (SELECT order_id FROM u) GROUP BY order_id)
        SELECT u.promotion_id, u.promotion_name, u.campaign_id, u.issue_channel, u.channel,
               count(*)::int AS redeemed, sum(u.amount)::text AS discount, coalesce(sum(s.net), 0)::text AS sales
          FROM u LEFT JOIN s ON s.order_id = u.order_id
         GROUP BY 1, 2, 3, 4, 5`,
  );
  const issued = ids ? [] : await query<CouponIssuedRow>(db, couponsIssuedSql(range));
  return { uses, issued };
}

/**
 * クーポン効果 over the Japan dates [from, to] at the caller's stores: per promotion its codes issued and
 * used, the uses, the discount and the sales of the orders that used it, by channel of issue and of use.
 * Read from the kept uses per day (coupon-kept.ts) once they are filled; before, one pass over the period's
 * coupon uses, joined once to the settled sales of their orders (the sales rollup: a cancelled order has
 * none, a return is deducted). An order using two coupons counts for both. `kept: false` reads the uses
 * (the tests hold the kept tables to them).
 */
export async function couponEffect(
  db: Executor,
  actor: Principal,
  p: Period & { locationIds?: string[] | undefined },
  opts: { kept?: boolean } = {},
): Promise<CouponEffect> {
  const ids = analyticsScope(actor, p.locationIds);
  const kept = opts.kept === false ? null : await keptCouponRows(db, { from: p.from, to: p.to, ids });
  const { uses, issued: issuedRows } = kept ?? (await liveRows(db, p, ids));
  const totals = zero();
  const onlineToStore = zero();
  const promotions = new Map<string, CouponEffect['promotions'][number]>();
  const channels = new Map<string, CouponEffect['channels'][number]>();
  const campaigns = new Map<string, CouponEffect['campaigns'][number]>();
  const promotion = (id: string, name: string) => {
    let x = promotions.get(id);
    if (!x) {
      x = {
        promotionId: id,
        name,
        ...zero(),
        issued: ids ? null : 0,
        used: ids ? null : 0,
        redemptionRate: null,
        onlineToStore: zero(),
      };
      promotions.set(id, x);
    }
    return x;
  };
  const campaign = (id: string) => {
    let x = campaigns.get(id);
    if (!x) {
      x = { campaignId: id, ...zero(), issued: ids ? null : 0, used: ids ? null : 0, inStore: 0 };
      campaigns.set(id, x);
    }
    return x;
  };
  for (const r of uses) {
    const f = { redeemed: r.redeemed, discount: Number(r.discount), sales: Number(r.sales) };
    add(totals, f);
    const pr = promotion(r.promotion_id, r.promotion_name);
    add(pr, f);
    if (isOnline(r.issue_channel) && r.channel === 'store') {
      add(onlineToStore, f);
      add(pr.onlineToStore, f);
    }
    const key = `${r.issue_channel}|${r.channel}`;
    const ch = channels.get(key) ?? { issueChannel: r.issue_channel, channel: r.channel, ...zero() };
    add(ch, f);
    channels.set(key, ch);
    if (r.campaign_id) {
      const c = campaign(r.campaign_id);
      add(c, f);
      if (r.channel === 'store') c.inStore += f.redeemed;
    }
  }
  let issued: number | null = ids ? null : 0;
  let used: number | null = ids ? null : 0;
  for (const r of issuedRows) {
    const pr = promotion(r.promotion_id, r.promotion_name);
    pr.issued = (pr.issued ?? 0) + r.issued;
    pr.used = (pr.used ?? 0) + r.used;
    issued = (issued ?? 0) + r.issued;
    used = (used ?? 0) + r.used;
    if (r.campaign_id) {
      const c = campaign(r.campaign_id);
      c.issued = (c.issued ?? 0) + r.issued;
      c.used = (c.used ?? 0) + r.used;
    }
  }
  for (const pr of promotions.values())
    pr.redemptionRate = pr.issued ? Math.round((pr.used! / pr.issued) * 1000) / 1000 : null;
  return {
    from: p.from,
    to: p.to,
    locationIds: ids,
    issued,
    used,
    totals,
    onlineToStore,
    // Ties in a fixed order: the same figures always read the same, whichever rows they came from.
    promotions: [...promotions.values()].sort(
      (a, b) => b.sales - a.sales || a.name.localeCompare(b.name) || cmp(a.promotionId, b.promotionId),
    ),
    channels: [...channels.values()].sort(
      (a, b) => b.redeemed - a.redeemed || cmp(a.issueChannel, b.issueChannel) || cmp(a.channel, b.channel),
    ),
    campaigns: [...campaigns.values()].sort((a, b) => b.redeemed - a.redeemed || cmp(a.campaignId, b.campaignId)),
  };
}

const CHANNEL_JA: Record<string, string> = {
  campaign: 'キャンペーン配信',
  web: 'ウェブ',
  app: 'アプリ',
  store: '店舗',
  line: 'LINE',
  email: 'メール',
  push: 'プッシュ通知',
  sms: 'SMS',
  inbox: 'お知らせ',
  flyer: 'チラシ',
  unknown: '不明',
};
export const channelJa = (c: string) => CHANNEL_JA[c] ?? c;

/** The promotions table and the channel table as one CSV (counts and yen; no person). */
export function couponEffectCsv(r: CouponEffect): string {
  const rows = [
    ...r.promotions.map((x) => ({
      table: 'クーポン別',
      name: x.name,
      issueChannel: '',
      channel: '',
      issued: x.issued ?? '',
      used: x.used ?? '',
      redemptionRate: x.redemptionRate ?? '',
      redeemed: x.redeemed,
      discount: x.discount,
      sales: x.sales,
      onlineToStore: x.onlineToStore.redeemed,
    })),
    ...r.channels.map((x) => ({
      table: '配布チャネル×利用チャネル',
      name: '',
      issueChannel: channelJa(x.issueChannel),
      channel: channelJa(x.channel),
      redeemed: x.redeemed,
      discount: x.discount,
      sales: x.sales,
    })),
  ];
  return toCsv(rows, {
    table: '表',
    name: 'クーポン',
    issueChannel: '配布チャネル',
    channel: '利用チャネル',
    issued: '発行数',
    used: 'うち利用済み',
    redemptionRate: '利用率',
    redeemed: '利用件数',
    discount: '値引額',
    sales: '貢献売上（税込・返品控除後）',
    onlineToStore: 'オンライン配布→店舗利用',
  });
}
