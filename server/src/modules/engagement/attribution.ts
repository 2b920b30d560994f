import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import type { Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { memberOrdersSql } from '../orders/service.ts';
import { storeVisitsSql } from '../events/service.ts';
import { listLocations } from '../locations/service.ts';
import { toCsv } from '../../platform/csv.ts';
import { issuedRedemptionsSql } from '../promotions/service.ts';
import { loadVisible, offerKey } from './campaigns.ts';
import { requireMarketer } from './scope.ts';
import './problems.ts';

interface Group {
  members: number;
  buyers: number;
  /** Share of the group who bought within the window (0–1). */
  conversion: number;
  /** Yen, net of returns, within the window. */
  spend: number;
  spendPerMember: number;
}

export interface CampaignResults {
  from: string;
  until: string;
  treated: Group;
  holdout: Group;
  /** Treated minus holdout, with 95 % intervals (normal approximation); null without a holdout. */
  lift: {
    conversion: number;
    conversionInterval: [number, number];
    spendPerMember: number;
    spendPerMemberInterval: [number, number];
  } | null;
  /** Orders whose last campaign message before them (within its window) was this campaign's. */
  attributed: {
    orders: number;
    sales: number;
    /** Sent online, bought at a store's till. */
    inStore: { orders: number; sales: number };
    byChannel: Array<{ channel: string; orders: number; sales: number }>;
    byStore: Array<{ locationId: string; orders: number; sales: number }>;
    daily: Array<{ date: string; orders: number; sales: number }>;
  };
  /**
   * Store visits (a scan of her member code, a check-in) whose last campaign message before them, within its
   * window, was this campaign's: one per member, store and day — she came, whether or not she bought.
   */
  visits: { count: number; members: number; byStore: Array<{ locationId: string; count: number }> };
  /** Uses of the codes the campaign's offer issued (those of cancelled orders given back); null without an offer. */
  redeemed: {
    count: number;
    /** Yen of discount given. */
    discount: number;
    byChannel: Array<{ channel: string; count: number; discount: number }>;
    byStore: Array<{ locationId: string; count: number; discount: number }>;
  } | null;
}

const Z95 = 1.959964;

/**
 * Did the message bring her to the store? For a sent campaign, within its window (default 7 days):
 * - lift: the treated members' conversion and spend per member against the holdout's, who were
 *   deliberately not messaged — the difference is what the message earned, with a 95 % interval;
 * - attribution: every order (web, app, till) of a member whose last campaign message before it, within
 *   that campaign's window, was this one — by the sale's channel, store and day (Japan time). The message
 *   was online, so a till sale here is "sent online → bought in store". An order that used a code a
 *   campaign's offer issued to her belongs to that campaign whatever message came later (the code first,
 *   else the last message);
 * - redeemed: the uses of this campaign's issued codes, by the sale's channel and store.
 */
export async function campaignResults(db: Executor, actor: Principal, id: string): Promise<CampaignResults> {
  const { c, from, until, orders } = await measured(db, actor, id);
  const groups = await query<{
    status: string;
    members: number;
    buyers: number;
    spend: string;
    mean: string;
    variance: string | null;
  }>(
    db,
    sql`WITH per_member AS (
          SELECT r.customer_id, r.status, coalesce(sum(o.net), 0)::float8 AS spend, count(o.id) > 0 AS bought
            FROM (SELECT DISTINCT customer_id, status FROM campaign_recipients
                   WHERE campaign_id = ${id} AND status IN ('queued', 'holdout')) r
            LEFT JOIN (${orders}) o ON o.customer_id = r.customer_id
           GROUP BY r.customer_id, r.status)
        SELECT status, count(*)::int AS members, count(*) FILTER (WHERE bought)::int AS buyers,
               sum(spend)::text AS spend, avg(spend)::text AS mean, var_samp(spend)::text AS variance
          FROM per_member GROUP BY status`,
  );
  const group = (status: string): Group & { variance: number } => {
    const g = groups.find((x) => x.status === status);
    const members = g?.members ?? 0;
    const buyers = g?.buyers ?? 0;
    return {
      members,
      buyers,
      conversion: members ? buyers / members : 0,
      spend: Math.round(Number(g?.spend ?? 0)),
      spendPerMember: members ? Math.round(Number(g?.mean ?? 0)) : 0,
      variance: Number(g?.variance ?? 0),
    };
  };
  const { variance: vt, ...treated } = group('queued');
  const { variance: vh, ...holdout } = group('holdout');
  let lift: CampaignResults['lift'] = null;
  if (treated.members && holdout.members) {
    const d = treated.conversion - holdout.conversion;
    const se = Math.sqrt(
      (treated.conversion * (1 - treated.conversion)) / treated.members +
        (holdout.conversion * (1 - holdout.conversion)) / holdout.members,
    );
    const m = treated.spendPerMember - holdout.spendPerMember;
    const seM = Math.sqrt(vt / treated.members + vh / holdout.members);
    const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
    lift = {
      conversion: round(d),
      conversionInterval: [round(d - Z95 * se), round(d + Z95 * se)],
      spendPerMember: Math.round(m),
      spendPerMemberInterval: [Math.round(m - Z95 * seM), Math.round(m + Z95 * seM)],
    };
  }

  const attributed = await attributedRows(db, id, orders);
  const sum = <K extends string>(key: (r: (typeof attributed)[number]) => K | null) => {
    const out = new Map<K, { orders: number; sales: number }>();
    for (const r of attributed) {
      const k = key(r);
      if (k === null) continue;
      const v = out.get(k) ?? { orders: 0, sales: 0 };
      v.orders += r.orders;
      v.sales += Number(r.sales);
      out.set(k, v);
    }
    return out;
  };
  const byChannel = sum((r) => r.channel);
  const total = [...byChannel.values()].reduce((a, v) => ({ orders: a.orders + v.orders, sales: a.sales + v.sales }), {
    orders: 0,
    sales: 0,
  });
  return {
    redeemed: c.offerCouponId ? await redeemedOf(db, id, c.kind === 'trigger') : null,
    from: from.toISOString(),
    until: until.toISOString(),
    treated,
    holdout,
    lift,
    attributed: {
      ...total,
      inStore: byChannel.get('store') ?? { orders: 0, sales: 0 },
      byChannel: [...byChannel].map(([channel, v]) => ({ channel, ...v })),
      byStore: [...sum((r) => r.location_id)].map(([locationId, v]) => ({ locationId, ...v })),
      daily: [...sum((r) => r.date)].map(([date, v]) => ({ date, ...v })),
    },
    visits: await attributedVisits(db, id, from, until),
  };
}

/** Her visits in the window (one per member, store and Japan day) whose last message was campaign `id`'s. */
async function attributedVisits(db: Executor, id: string, from: Date, until: Date): Promise<CampaignResults['visits']> {
  const rows = await query<{ location_id: string | null; count: number; members: number }>(
    db,
    sql`WITH v AS (
          SELECT DISTINCT ON (v.customer_id, v.location_id, (v.occurred_at AT TIME ZONE 'Asia/Tokyo')::date)
                 v.customer_id, v.location_id, v.occurred_at
            FROM (${storeVisitsSql(from)}) v
           WHERE v.occurred_at < ${until} AND v.location_id IS NOT NULL
             AND v.customer_id IN (SELECT customer_id FROM campaign_recipients WHERE campaign_id = ${id} AND status = 'queued')
           ORDER BY v.customer_id, v.location_id, (v.occurred_at AT TIME ZONE 'Asia/Tokyo')::date, v.occurred_at),
        touched AS (
          SELECT v.*, ${lastTouchSql(sql`v.customer_id`, sql`v.occurred_at`)} AS campaign_id
            FROM v)
        -- Per store, and the whole (location_id null): a member who came to two stores is one member.
        SELECT location_id, count(*)::int AS count, count(DISTINCT customer_id)::int AS members
          FROM touched WHERE campaign_id = ${id}
         GROUP BY GROUPING SETS ((location_id), ()) ORDER BY location_id NULLS FIRST`,
  );
  const total = rows.find((r) => r.location_id === null);
  return {
    count: total?.count ?? 0,
    members: total?.members ?? 0,
    byStore: rows.filter((r) => r.location_id !== null).map((r) => ({ locationId: r.location_id!, count: r.count })),
  };
}

/**
 * Last touch: the campaign of the latest message `customer` was sent (any campaign) at or before `at`, within
 * that campaign's window — what an order or a visit is attributed to when no issued code says otherwise.
 */
const lastTouchSql = (customer: SQL, at: SQL) =>
  sql`(SELECT rr.campaign_id FROM campaign_recipients rr JOIN campaigns cc ON cc.id = rr.campaign_id
        WHERE rr.customer_id = ${customer} AND rr.status = 'queued' AND rr.created_at <= ${at}
          AND ${at} < rr.created_at + make_interval(days => cc.window_days)
        ORDER BY rr.created_at DESC, rr.campaign_id DESC LIMIT 1)`;

/**
 * A sent campaign, its window, and its audience's orders within it (head office, or a store manager for her
 * stores' campaigns; 409 before sending).
 */
async function measured(db: Executor, actor: Principal, id: string) {
  const c = await loadVisible(db, requireMarketer(actor), id);
  // A segment campaign's window opens at its sending; a trigger's at its activation and after each firing.
  const from = c.kind === 'trigger' ? c.activatedAt : c.sentAt;
  if (!from) throw new DomainError('engagement.campaign_not_sent', { id });
  const [last] = await query<{ at: Date | null }>(
    db,
    sql`SELECT max(created_at) AS at FROM campaign_recipients WHERE campaign_id = ${id}`,
  );
  const lastFiring = last?.at ? new Date(last.at) : from;
  const until = new Date(Math.max(from.getTime(), lastFiring.getTime()) + c.windowDays * 86400_000);
  // Her orders within the window after one of her firings (a segment campaign fired once, at its sending).
  const orders = sql`SELECT * FROM (${memberOrdersSql(from)}) x
                      WHERE EXISTS (SELECT 1 FROM campaign_recipients f
                                     WHERE f.campaign_id = ${id} AND f.customer_id = x.customer_id
                                       AND f.status IN ('queued', 'holdout') AND f.created_at <= x.created_at
                                       AND x.created_at < f.created_at + make_interval(days => ${c.windowDays}))`;
  return { c, from, until, orders };
}

const CHANNEL_JA: Record<string, string> = { web: 'ウェブ', app: 'アプリ', store: '店舗', line: 'LINE' };

/**
 * The attributed sales as CSV, one row per day (Japan time), store and sale channel: 日付, 店舗, チャネル,
 * 購入件数, 売上 (税込, net of returns). UTF-8 with BOM and CRLF, as Excel in Japan reads it.
 */
export async function campaignResultsCsv(db: Executor, actor: Principal, id: string): Promise<string> {
  const { orders } = await measured(db, actor, id);
  const rows = await attributedRows(db, id, orders);
  const names = new Map((await listLocations(db)).map((l) => [l.id, l.name]));
  return toCsv(
    rows.map((r) => ({
      date: r.date,
      store: r.location_id ? (names.get(r.location_id) ?? r.location_id) : 'オンライン',
      channel: CHANNEL_JA[r.channel] ?? r.channel,
      orders: r.orders,
      sales: Number(r.sales),
    })),
    { date: '日付', store: '店舗', channel: 'チャネル', orders: '購入件数', sales: '売上 (税込)' },
  );
}

/** The orders attributed to campaign `id` among `orders`, by sale channel, store and Japan-time day. */
async function attributedRows(db: Executor, id: string, orders: SQL) {
  // The campaign whose issued code the order used, else last touch: the latest message she was sent (any
  // campaign) before the order, within that campaign's window.
  const prefix = offerKey('');
  return query<{
    channel: string;
    location_id: string | null;
    date: string;
    orders: number;
    sales: string;
  }>(
    db,
    sql`WITH o AS (${orders}),
      by_code AS (
        SELECT DISTINCT ON (ir.order_id) ir.order_id,
               split_part(substr(ir.issued_for, ${prefix.length + 1}), ':', 1) AS campaign_id
          FROM (${issuedRedemptionsSql()}) ir
         WHERE ir.order_id IN (SELECT id FROM o) AND ir.issued_for LIKE ${`${prefix}%`}
         ORDER BY ir.order_id, ir.created_at, ir.code),
      touched AS (
        SELECT o.*, coalesce(bc.campaign_id,
                 ${lastTouchSql(sql`o.customer_id`, sql`o.created_at`)}) AS campaign_id
          FROM o LEFT JOIN by_code bc ON bc.order_id = o.id)
      SELECT channel, location_id, to_char(created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') AS date,
             count(*)::int AS orders, sum(net)::text AS sales
        FROM touched WHERE campaign_id = ${id}
       GROUP BY channel, location_id, date ORDER BY date, channel`,
  );
}

/** The uses of the codes a campaign's offer issued, in all and by the sale's channel and store. */
async function redeemedOf(
  db: Executor,
  id: string,
  perFiring: boolean,
): Promise<NonNullable<CampaignResults['redeemed']>> {
  const rows = await query<{ channel: string; location_id: string | null; count: number; discount: number }>(
    db,
    sql`SELECT channel, location_id, count(*)::int AS count, sum(amount)::int AS discount
          FROM (${issuedRedemptionsSql(offerKey(id), { perFiring })}) ir GROUP BY channel, location_id ORDER BY channel, location_id`,
  );
  const add = <K>(map: Map<K, { count: number; discount: number }>, k: K, r: (typeof rows)[number]) => {
    const v = map.get(k) ?? { count: 0, discount: 0 };
    map.set(k, { count: v.count + r.count, discount: v.discount + r.discount });
  };
  const byChannel = new Map<string, { count: number; discount: number }>();
  const byStore = new Map<string, { count: number; discount: number }>();
  for (const r of rows) {
    add(byChannel, r.channel, r);
    if (r.location_id) add(byStore, r.location_id, r);
  }
  return {
    count: rows.reduce((s, r) => s + r.count, 0),
    discount: rows.reduce((s, r) => s + r.discount, 0),
    byChannel: [...byChannel].map(([channel, v]) => ({ channel, ...v })),
    byStore: [...byStore].map(([locationId, v]) => ({ locationId, ...v })),
  };
}
