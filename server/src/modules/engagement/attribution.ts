import { eq, sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { requireRole, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { memberOrdersSql } from '../orders/service.ts';
import { campaigns } from './schema.ts';
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
}

const Z95 = 1.959964;

/**
 * Did the message bring her to the store? For a sent campaign, within its window (default 7 days):
 * - lift: the treated members' conversion and spend per member against the holdout's, who were
 *   deliberately not messaged — the difference is what the message earned, with a 95 % interval;
 * - attribution: every order (web, app, till) of a member whose last campaign message before it, within
 *   that campaign's window, was this one — by the sale's channel, store and day (Japan time). The message
 *   was online, so a till sale here is "sent online → bought in store".
 */
export async function campaignResults(db: Executor, actor: Principal, id: string): Promise<CampaignResults> {
  requireRole(actor, 'owner', 'hq');
  const [c] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  if (!c) throw new DomainError('engagement.campaign_not_found', { id });
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

  // Last touch: the latest message she was sent (any campaign) before the order, within that campaign's window.
  const attributed = await query<{
    channel: string;
    location_id: string | null;
    date: string;
    orders: number;
    sales: string;
  }>(
    db,
    sql`WITH o AS (${orders}),
        touched AS (
          SELECT o.*, (SELECT rr.campaign_id FROM campaign_recipients rr JOIN campaigns cc ON cc.id = rr.campaign_id
                        WHERE rr.customer_id = o.customer_id AND rr.status = 'queued' AND rr.created_at <= o.created_at
                          AND o.created_at < rr.created_at + make_interval(days => cc.window_days)
                        ORDER BY rr.created_at DESC, rr.campaign_id DESC LIMIT 1) AS campaign_id
            FROM o)
        SELECT channel, location_id, to_char(created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') AS date,
               count(*)::int AS orders, sum(net)::text AS sales
          FROM touched WHERE campaign_id = ${id}
         GROUP BY channel, location_id, date ORDER BY date, channel`,
  );
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
  };
}
