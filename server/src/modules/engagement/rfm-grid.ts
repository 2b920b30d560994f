import { sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { toCsv } from '../../platform/csv.ts';
import type { Principal } from '../../platform/auth.ts';
import { membersSql } from '../customers/service.ts';
import { purchaseFactsSql } from '../orders/service.ts';
import { RFM_CUTS_MAX_AGE_MINUTES, RFM_DAYS, RFM_REUSE_FROM, rfmCutPoints, rfmScoresSql, type RfmCuts } from './rfm.ts';
import { rfmGridCells, rfmGridState } from './schema.ts';
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
  /** When the figures were computed (now, or when the kept grid was). */
  asOf: string;
}

/** One row of the grid as computed: members of one home store ('' none) in one (r, f) and named group. */
interface GridRow {
  home: string;
  r: number;
  f: number;
  grp: string;
  members: number;
  spend: number;
  mo: number;
}

/** Every buyer scored and counted per home store, cell and group: the whole grid, before any store filter. */
async function computeRows(db: Executor): Promise<{ cuts: RfmCuts; rows: GridRow[] } | null> {
  const cuts = await rfmCutPoints(db);
  if (!cuts) return null;
  const rows = await query<{
    home: string;
    r: number;
    f: number;
    grp: string;
    members: number;
    spend: string;
    mo: number;
  }>(
    db,
    sql`WITH facts AS MATERIALIZED (${purchaseFactsSql(RFM_DAYS)}),
             rfm AS (${rfmScoresSql(sql`facts`, cuts)})
        SELECT coalesce(m.home_location_id, '') AS home, rfm.r, rfm.f, ${rfmGroupSql} AS grp, count(*)::int AS members,
               sum(facts.spend)::text AS spend, sum(rfm.mo)::int AS mo
          FROM rfm JOIN facts ON facts.customer_id = rfm.customer_id
          JOIN (${membersSql()}) m ON m.customer_id = rfm.customer_id
         GROUP BY 1, rfm.r, rfm.f, grp`,
  );
  return { cuts, rows: rows.map((r) => ({ ...r, spend: Number(r.spend) })) };
}

/**
 * The job engagement.rfm_grid: with `minBuyers` buyers or more (RFM_REUSE_FROM: where scoring them all takes
 * long enough to matter), the grid computed again and kept (rfm_grid_cells), replacing the last one in one
 * transaction; with fewer, nothing is kept (each read computes it, exact, in milliseconds) and nothing is
 * written. Answers the buyers it scored.
 */
export async function keepRfmGrid(db: Db, opts: { minBuyers?: number } = {}): Promise<number> {
  const computed = await computeRows(db);
  const buyers = computed ? computed.rows.reduce((s, r) => s + r.members, 0) : 0;
  if (!computed || buyers < (opts.minBuyers ?? RFM_REUSE_FROM)) {
    await db.execute(sql`DELETE FROM rfm_grid_state WHERE id = 'rfm'`);
    return buyers;
  }
  await inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('engagement.rfm_grid'))`);
    await tx.delete(rfmGridCells);
    for (let i = 0; i < computed.rows.length; i += 2000)
      await tx.insert(rfmGridCells).values(
        computed.rows.slice(i, i + 2000).map((r) => ({
          homeLocationId: r.home,
          r: r.r,
          f: r.f,
          grp: r.grp,
          members: r.members,
          spend: r.spend,
          mo: r.mo,
        })),
      );
    const state = { buyers, cuts: computed.cuts, computedAt: sql`now()` };
    await tx
      .insert(rfmGridState)
      .values({ id: 'rfm', ...state })
      .onConflictDoUpdate({ target: rfmGridState.id, set: state });
  });
  return buyers;
}

/** The kept grid when it may be read (kept, recent enough), else null. */
async function keptRows(db: Executor): Promise<{ cuts: RfmCuts; rows: GridRow[]; asOf: Date } | null> {
  const [state] = await query<{ buyers: number; cuts: RfmCuts; computed_at: string | Date }>(
    db,
    sql`SELECT buyers, cuts, computed_at FROM rfm_grid_state
         WHERE id = 'rfm' AND computed_at > now() - make_interval(mins => ${RFM_CUTS_MAX_AGE_MINUTES})`,
  );
  if (!state) return null;
  const rows = await query<GridRow & { spend: string }>(
    db,
    sql`SELECT home_location_id AS home, r, f, grp, members, spend::text AS spend, mo FROM rfm_grid_cells`,
  );
  return {
    cuts: state.cuts,
    rows: rows.map((r) => ({ ...r, spend: Number(r.spend) })),
    asOf: new Date(state.computed_at),
  };
}

/**
 * RFM分析: members who bought in the last RFM_DAYS on a 5 × 5 grid of recency × frequency scores, with
 * their count and spend, and the named groups — by the segments' own scores (rfm.ts) and over the same
 * members a segment preview counts (active, a store manager's stores' members), so a cell's count is the
 * preview of the `rfm_score` rule it links to. With RFM_REUSE_FROM buyers or more (where the cut points are
 * reused too) the grid kept by the job engagement.rfm_grid is read while it is at most
 * RFM_CUTS_MAX_AGE_MINUTES old; `asOf` says when it was computed.
 */
export async function rfmGrid(
  db: Db,
  actor: Principal,
  opts: { storeScope?: string[] | undefined } = {},
): Promise<RfmGrid> {
  const m = requireMarketer(actor);
  const homeStores = homeStoresOf(await scopeToRecord(db, m, opts.storeScope));
  const kept = await keptRows(db);
  const computed = kept ?? (await computeRows(db));
  const asOf = (kept?.asOf ?? new Date()).toISOString();
  if (!computed) return { buyers: 0, spend: 0, cells: [], groups: [], cuts: null, asOf };
  const { cuts } = computed;
  const inScope = homeStores ? new Set(homeStores) : null;
  const cells = new Map<string, RfmCell & { moSum: number }>();
  const groups = new Map<string, { members: number; spend: number }>();
  for (const row of computed.rows) {
    if (inScope && !inScope.has(row.home)) continue;
    const key = `${row.r}|${row.f}`;
    const cell = cells.get(key) ?? { r: row.r, f: row.f, members: 0, spend: 0, monetary: 0, moSum: 0 };
    cell.members += row.members;
    cell.spend += row.spend;
    cell.moSum += row.mo;
    cells.set(key, cell);
    const g = groups.get(row.grp) ?? { members: 0, spend: 0 };
    g.members += row.members;
    g.spend += row.spend;
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
    asOf,
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
