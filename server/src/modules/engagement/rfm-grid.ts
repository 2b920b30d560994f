import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { toCsv } from '../../platform/csv.ts';
import type { Principal } from '../../platform/auth.ts';
import { membersSql } from '../customers/service.ts';
import { purchaseFactsSql } from '../orders/service.ts';
import { RFM_DAYS, rfmCutPoints, rfmScoresSql } from './rfm.ts';
import { rfmGroupSql } from './segment-sql.ts';
import type { RfmGroup } from './segment-rules.ts';
import { homeStoresOf, requireMarketer, scopeToRecord } from './scope.ts';

/** One cell of the grid: members with this recency and frequency score, and what they spent in RFM_DAYS. */
export interface RfmCell {
  r: number;
  f: number;
  members: number;
  /** Their net spend over the RFM_DAYS, yen (returns deducted, tax included). */
  spend: number;
  /** Their mean monetary score (1–5). */
  monetary: number;
}

export interface RfmGrid {
  /** Members who bought in the RFM_DAYS (those scored). */
  buyers: number;
  spend: number;
  /** Every (r, f) with members; an absent cell has none. */
  cells: RfmCell[];
  /** The named groups of the segment rules, with their members and spend. */
  groups: Array<{ group: Exclude<RfmGroup, 'none'>; members: number; spend: number }>;
  /** The cut points: the first last-purchase date, order count and spend of each higher fifth. */
  cuts: { recency: string[]; frequency: number[]; monetary: number[] } | null;
}

/**
 * RFM分析: members who bought in the last RFM_DAYS on a 5 × 5 grid of recency × frequency scores, with
 * their count and spend, and the named groups — by the segments' own scores (rfm.ts) and over the same
 * members a segment preview counts (active, a store manager's stores' members), so a cell's count is the
 * preview of the `rfm_score` rule it links to.
 */
export async function rfmGrid(
  db: Db,
  actor: Principal,
  opts: { storeScope?: string[] | undefined } = {},
): Promise<RfmGrid> {
  const m = requireMarketer(actor);
  const homeStores = homeStoresOf(await scopeToRecord(db, m, opts.storeScope));
  const cuts = await rfmCutPoints(db);
  if (!cuts) return { buyers: 0, spend: 0, cells: [], groups: [], cuts: null };
  const scope = homeStores
    ? sql`AND m.home_location_id IN (${sql.join(
        homeStores.map((s) => sql`${s}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await query<{ r: number; f: number; grp: string; members: number; spend: string; mo: number }>(
    db,
    sql`WITH facts AS MATERIALIZED (${purchaseFactsSql(RFM_DAYS)}),
             rfm AS (${rfmScoresSql(sql`facts`, cuts)})
        SELECT rfm.r, rfm.f, ${rfmGroupSql} AS grp, count(*)::int AS members,
               sum(facts.spend)::text AS spend, sum(rfm.mo)::int AS mo
          FROM rfm JOIN facts ON facts.customer_id = rfm.customer_id
          JOIN (${membersSql()}) m ON m.customer_id = rfm.customer_id
         WHERE true ${scope}
         GROUP BY rfm.r, rfm.f, grp`,
  );
  const cells = new Map<string, RfmCell & { moSum: number }>();
  const groups = new Map<string, { members: number; spend: number }>();
  for (const row of rows) {
    const key = `${row.r}|${row.f}`;
    const cell = cells.get(key) ?? { r: row.r, f: row.f, members: 0, spend: 0, monetary: 0, moSum: 0 };
    cell.members += row.members;
    cell.spend += Number(row.spend);
    cell.moSum += row.mo;
    cells.set(key, cell);
    const g = groups.get(row.grp) ?? { members: 0, spend: 0 };
    g.members += row.members;
    g.spend += Number(row.spend);
    groups.set(row.grp, g);
  }
  const all = [...cells.values()].sort((a, b) => b.r - a.r || a.f - b.f);
  const order: Array<Exclude<RfmGroup, 'none'>> = ['champions', 'new', 'regular', 'at_risk', 'dormant'];
  return {
    buyers: all.reduce((s, c) => s + c.members, 0),
    spend: all.reduce((s, c) => s + c.spend, 0),
    cells: all.map(({ moSum, ...c }) => ({ ...c, monetary: Math.round((moSum / c.members) * 10) / 10 })),
    groups: order.map((group) => ({ group, ...(groups.get(group) ?? { members: 0, spend: 0 }) })),
    cuts: { recency: cuts.r.map((d) => new Date(d).toISOString()), frequency: cuts.f, monetary: cuts.m },
  };
}

const GROUP_JA: Record<Exclude<RfmGroup, 'none'>, string> = {
  champions: '優良',
  new: '新規',
  regular: '一般',
  at_risk: '離反懸念',
  dormant: '休眠',
};

/** The grid as CSV: the 25 cells (empty ones with 0), then the named groups. Counts and yen only, no person. */
export function rfmGridCsv(g: RfmGrid): string {
  const rows: Array<Record<string, unknown>> = [];
  for (let r = 5; r >= 1; r--)
    for (let f = 1; f <= 5; f++) {
      const c = g.cells.find((x) => x.r === r && x.f === f);
      const members = c?.members ?? 0;
      rows.push({
        kind: 'セル',
        name: `最近度${r}・頻度${f}`,
        r,
        f,
        members,
        spend: c?.spend ?? 0,
        perMember: members ? Math.round((c?.spend ?? 0) / members) : 0,
        monetary: c?.monetary ?? '',
      });
    }
  for (const x of g.groups)
    rows.push({
      kind: 'グループ',
      name: GROUP_JA[x.group],
      members: x.members,
      spend: x.spend,
      perMember: x.members ? Math.round(x.spend / x.members) : 0,
    });
  return toCsv(rows, {
    kind: '区分',
    name: '名称',
    r: '最近度スコア',
    f: '頻度スコア',
    members: '会員数',
    spend: '365日の純購入額（税込）',
    perMember: '1人あたり購入額',
    monetary: '平均金額スコア',
  });
}
