import { sql, type SQL } from 'drizzle-orm';
import { query, type Database, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { longTransaction } from '../../platform/db/long-transaction.ts';
import {
  membersSql,
  personsOfSql,
  recordsOfSql,
  survivorsSql,
  type EraseStep,
  type MergeStep,
} from '../customers/service.ts';

/**
 * コホート and 累計LTV kept per person (issue 10 §5: ≤ 1 s at 1 M members / 10 M orders). Grouping every
 * member's per-order rows by month on each view takes seconds at a large chain, so each person's months
 * (`analytics_cohort_months`), her cohort, first channel, tier and value to date (`analytics_cohort_people`)
 * and the grids they add up to (`analytics_cohort_cells`, `analytics_ltv_cells`) are kept for every store
 * together (scope '*') and for each store. Exact at every moment: whenever a person's per-order rows change
 * (settling, in the settling's transaction), her records are merged or a merge undone (in the merge's
 * transaction), or her tier changes (on `loyalty.tier_changed`), her rows are computed again from the
 * per-order rows and the grids move by the difference, under a lock per person. An existing database is
 * filled once, set-based (`fillCohorts`, the job analytics.cohorts); until then, and for a filter of several
 * stores, the reports group the per-order rows as before (cohorts.ts, ltv.ts).
 */

/**
 * Taken exclusively by the fill and by a merge or its undo (who is whom changes), shared by every keeping of
 * a person's rows, which then finds her records only once the lock is won: a settling that began before a
 * merge ends before the merge recomputes, and one after it sees the merge.
 */
const WHOLE_LOCK = 0x636f6866; // 'cohf'
const FILLED = 'cohorts';

/** Per scope ('*' and each store) × person × Japan month of `records` (person_id, id): orders and value. */
const monthsSql = (records: SQL): SQL =>
  sql`SELECT * FROM (
        SELECT CASE WHEN grouping(o.location_id) = 1 THEN '*' ELSE o.location_id END AS scope, r.person_id,
               date_trunc('month', o.sold_on)::date AS month, sum(o.orders)::int AS orders,
               sum(o.net)::bigint AS net, sum(o.net_excl)::bigint AS net_excl
          FROM analytics_order_sales o JOIN (${records}) r ON r.id = o.customer_id
         GROUP BY GROUPING SETS ((r.person_id, date_trunc('month', o.sold_on)),
                                 (o.location_id, r.person_id, date_trunc('month', o.sold_on)))) m
       WHERE scope <> ''`;

/**
 * Per scope × person (from `months`, by name, and `records`): her cohort (the first month with an order),
 * her first order's channel there (earliest Japan date, then order id), her tier now, her orders and value.
 */
const peopleSql = (months: SQL, records: SQL, erased?: string): SQL =>
  sql`WITH firsts AS (
        SELECT DISTINCT ON (scope, person_id) scope, person_id, channel FROM (
          SELECT '*' AS scope, r.person_id, o.channel, o.sold_on, o.order_id
            FROM analytics_order_sales o JOIN (${records}) r ON r.id = o.customer_id WHERE o.orders > 0
          UNION ALL
          SELECT o.location_id, r.person_id, o.channel, o.sold_on, o.order_id
            FROM analytics_order_sales o JOIN (${records}) r ON r.id = o.customer_id
           WHERE o.orders > 0 AND o.location_id <> '') x
         ORDER BY scope, person_id, sold_on, order_id),
      p AS (
        SELECT scope, person_id, min(month) FILTER (WHERE orders > 0) AS cohort, sum(orders)::int AS orders,
               sum(net)::bigint AS net, sum(net_excl)::bigint AS net_excl
          FROM ${months} GROUP BY scope, person_id)
      SELECT p.scope, p.person_id, p.cohort, f.channel,
             CASE WHEN p.person_id = ${erased ?? ''} THEN '' ELSE coalesce(c.tier, '') END AS tier,
             p.orders, p.net, p.net_excl
        FROM p JOIN firsts f ON f.scope = p.scope AND f.person_id = p.person_id
        LEFT JOIN (${membersSql()}) c ON c.customer_id = p.person_id
       WHERE p.cohort IS NOT NULL`;

/** What people `p` and their months `m` (both by name) add to the cohort grid, times `sign`. */
const cellsOf = (m: string, p: string, sign: 1 | -1): SQL =>
  sql`SELECT m.scope, p.cohort, m.month, ${sql.raw(String(sign))} * (m.orders > 0)::int AS buyers, ${sql.raw(String(sign))} * m.net AS net,
             ${sql.raw(String(sign))} * m.net_excl AS net_excl
        FROM ${sql.identifier(m)} m JOIN ${sql.identifier(p)} p ON p.scope = m.scope AND p.person_id = m.person_id
       WHERE m.month >= p.cohort`;

/** What people `p` (by name) add to the LTV grid, times `sign`. */
const ltvOf = (p: string, sign: 1 | -1): SQL =>
  sql`SELECT scope, cohort, channel, tier, ${sql.raw(String(sign))} AS members, ${sql.raw(String(sign))} * orders AS orders, ${sql.raw(String(sign))} * net AS net,
             ${sql.raw(String(sign))} * net_excl AS net_excl
        FROM ${sql.identifier(p)}`;

const list = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/**
 * Taken (shared) by a transaction before it changes per-order rows it will then keep cohorts for (settling):
 * a merge or the fill waits for it to commit, so neither computes a person without its change.
 */
export async function lockCohortsShared(tx: Executor): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${WHOLE_LOCK})`);
}

/** The statement a fill of kept per-order figures takes first (exclusive): no settling runs beside it. */
export const settlingsHeldSql = (): SQL => sql`SELECT pg_advisory_xact_lock(${WHOLE_LOCK})`;

/**
 * Compute the kept rows of the persons these customer records are (and of the records themselves, should
 * they have been persons before a merge) again from the per-order rows, and move the grids by the
 * difference. Runs inside the caller's transaction (settling, a merge, a tier change). `erased`: the member
 * being erased, who has no tier any more (her erasure runs before she is marked).
 */
export async function keepCohortsOf(
  tx: Executor,
  customerIds: readonly string[],
  opts: { erased?: string } = {},
): Promise<void> {
  const given = [...new Set(customerIds.filter(Boolean))];
  if (!given.length) return;
  // A fill or a merge running: wait for it (it holds this lock exclusively), then go on from what it wrote.
  await lockCohortsShared(tx);
  const personsOf = async () =>
    (await query<{ person_id: string }>(tx, personsOfSql(list(given)))).map((r) => r.person_id);
  // One lock per person (and per record given), in one order (by hash): two keepings of one person go one
  // after the other. Who is whom is read again once the locks are won, until no new person turns up (a
  // merge committed meanwhile).
  let persons = await personsOf();
  const locked = new Set<string>();
  for (;;) {
    const fresh = [...new Set([...given, ...persons])].filter((id) => !locked.has(id));
    if (!fresh.length) break;
    await tx.execute(sql`SELECT count(pg_advisory_xact_lock(k)) FROM (
        SELECT DISTINCT hashtextextended('analytics.person:' || x, 0) AS k
          FROM jsonb_array_elements_text(${JSON.stringify(fresh)}::jsonb) AS x ORDER BY k) s`);
    for (const id of fresh) locked.add(id);
    persons = await personsOf();
  }
  const touched = [...locked].sort();
  const records = persons.length
    ? recordsOfSql(list(persons))
    : sql`SELECT NULL::text AS person_id, NULL::text AS id WHERE false`;
  // The planner cannot foresee how few rows a person has and prices this statement past JIT's threshold:
  // compiling it took ~150 ms of a ~5 ms statement at 10 M orders.
  await tx.execute(sql`SET LOCAL jit = off`);
  await tx.execute(
    sql`WITH new_m AS MATERIALIZED (${monthsSql(records)}),
             new_p AS MATERIALIZED (${peopleSql(sql`new_m`, records, opts.erased)}),
             old_m AS MATERIALIZED (
               SELECT scope, person_id, month, orders, net, net_excl FROM analytics_cohort_months
                WHERE person_id IN (${list(touched)})),
             old_p AS MATERIALIZED (
               SELECT scope, person_id, cohort, channel, tier, orders, net, net_excl FROM analytics_cohort_people
                WHERE person_id IN (${list(touched)})),
             del_m AS (
               DELETE FROM analytics_cohort_months k USING old_m o
                WHERE k.person_id = o.person_id AND k.scope = o.scope AND k.month = o.month
                  AND NOT EXISTS (SELECT 1 FROM new_m n
                                   WHERE n.person_id = o.person_id AND n.scope = o.scope AND n.month = o.month)
               RETURNING 1),
             put_m AS (
               INSERT INTO analytics_cohort_months (scope, person_id, month, orders, net, net_excl)
               SELECT scope, person_id, month, orders, net, net_excl FROM new_m
               ON CONFLICT (person_id, scope, month) DO UPDATE
                  SET orders = excluded.orders, net = excluded.net, net_excl = excluded.net_excl
               RETURNING 1),
             del_p AS (
               DELETE FROM analytics_cohort_people k USING old_p o
                WHERE k.person_id = o.person_id AND k.scope = o.scope
                  AND NOT EXISTS (SELECT 1 FROM new_p n WHERE n.person_id = o.person_id AND n.scope = o.scope)
               RETURNING 1),
             put_p AS (
               INSERT INTO analytics_cohort_people (scope, person_id, cohort, channel, tier, orders, net, net_excl)
               SELECT scope, person_id, cohort, channel, tier, orders, net, net_excl FROM new_p
               ON CONFLICT (person_id, scope) DO UPDATE
                  SET cohort = excluded.cohort, channel = excluded.channel, tier = excluded.tier,
                      orders = excluded.orders, net = excluded.net, net_excl = excluded.net_excl
               RETURNING 1),
             cells AS (
               INSERT INTO analytics_cohort_cells (scope, cohort, month, buyers, net, net_excl)
               SELECT scope, cohort, month, sum(buyers), sum(net), sum(net_excl)
                 FROM (${cellsOf('new_m', 'new_p', 1)} UNION ALL ${cellsOf('old_m', 'old_p', -1)}) d
                GROUP BY scope, cohort, month
               HAVING sum(buyers) <> 0 OR sum(net) <> 0 OR sum(net_excl) <> 0
                ORDER BY scope, cohort, month
               ON CONFLICT (scope, cohort, month) DO UPDATE
                  SET buyers = analytics_cohort_cells.buyers + excluded.buyers,
                      net = analytics_cohort_cells.net + excluded.net,
                      net_excl = analytics_cohort_cells.net_excl + excluded.net_excl
               RETURNING 1),
             ltv AS (
               INSERT INTO analytics_ltv_cells (scope, cohort, channel, tier, members, orders, net, net_excl)
               SELECT scope, cohort, channel, tier, sum(members), sum(orders), sum(net), sum(net_excl)
                 FROM (${ltvOf('new_p', 1)} UNION ALL ${ltvOf('old_p', -1)}) d
                GROUP BY scope, cohort, channel, tier
               HAVING sum(members) <> 0 OR sum(orders) <> 0 OR sum(net) <> 0 OR sum(net_excl) <> 0
                ORDER BY scope, cohort, channel, tier
               ON CONFLICT (scope, cohort, channel, tier) DO UPDATE
                  SET members = analytics_ltv_cells.members + excluded.members,
                      orders = analytics_ltv_cells.orders + excluded.orders,
                      net = analytics_ltv_cells.net + excluded.net,
                      net_excl = analytics_ltv_cells.net_excl + excluded.net_excl
               RETURNING 1)
        SELECT (SELECT count(*) FROM del_m) + (SELECT count(*) FROM put_m) + (SELECT count(*) FROM del_p)
               + (SELECT count(*) FROM put_p) + (SELECT count(*) FROM cells) + (SELECT count(*) FROM ltv) AS n`,
  );
}

/** Whether the kept cohorts are whole (filled once; kept exact since). */
export async function cohortsFilled(db: Executor): Promise<boolean> {
  const [row] = await query<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM analytics_cohort_fill WHERE name = ${FILLED}`,
  );
  return Number(row?.n) > 0;
}

/**
 * Fill the kept cohorts from the per-order rows, set-based, in one transaction that keeps every settling,
 * merge and tier change waiting until it commits (so none is lost or counted twice). Once per database (a
 * new one at its first start, an existing one after the upgrade); answers false when already filled.
 */
export async function fillCohorts(database: Database): Promise<boolean> {
  return longTransaction(database, async (exec) => {
    await exec(sql`SELECT pg_advisory_xact_lock(${WHOLE_LOCK})`);
    const [done] = await exec<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM analytics_cohort_fill WHERE name = ${FILLED}`,
    );
    if (Number(done?.n)) return false;
    for (const table of [
      'analytics_cohort_months',
      'analytics_cohort_people',
      'analytics_cohort_cells',
      'analytics_ltv_cells',
    ])
      await exec(sql`DELETE FROM ${sql.identifier(table)}`);
    // Every record with orders and the person she is (herself, or the survivor of her merges).
    const records = sql`SELECT DISTINCT coalesce(s.person_id, o.customer_id) AS person_id, o.customer_id AS id
                          FROM analytics_order_sales o LEFT JOIN (${survivorsSql()}) s ON s.id = o.customer_id
                         WHERE o.customer_id IS NOT NULL`;
    await exec(sql`INSERT INTO analytics_cohort_months (scope, person_id, month, orders, net, net_excl)
                   SELECT scope, person_id, month, orders, net, net_excl FROM (${monthsSql(records)}) m`);
    await exec(sql`INSERT INTO analytics_cohort_people (scope, person_id, cohort, channel, tier, orders, net, net_excl)
                   SELECT scope, person_id, cohort, channel, tier, orders, net, net_excl
                     FROM (${peopleSql(sql`analytics_cohort_months`, records)}) p`);
    await exec(sql`INSERT INTO analytics_cohort_cells (scope, cohort, month, buyers, net, net_excl)
                   SELECT scope, cohort, month, sum(buyers), sum(net), sum(net_excl)
                     FROM (${cellsOf('analytics_cohort_months', 'analytics_cohort_people', 1)}) d
                    GROUP BY scope, cohort, month`);
    await exec(sql`INSERT INTO analytics_ltv_cells (scope, cohort, channel, tier, members, orders, net, net_excl)
                   SELECT scope, cohort, channel, tier, sum(members), sum(orders), sum(net), sum(net_excl)
                     FROM (${ltvOf('analytics_cohort_people', 1)}) d
                    GROUP BY scope, cohort, channel, tier`);
    // Statistics now, not whenever autovacuum comes: without them a settling's lookup of a few persons is
    // planned as a scan of every person's months (seconds at 10 M orders instead of milliseconds).
    for (const table of [
      'analytics_cohort_months',
      'analytics_cohort_people',
      'analytics_cohort_cells',
      'analytics_ltv_cells',
    ])
      await exec(sql`ANALYZE ${sql.identifier(table)}`);
    await exec(sql`INSERT INTO analytics_cohort_fill (name) VALUES (${FILLED})`);
    return true;
  });
}

/** The job analytics.cohorts: fill once, when not filled yet. */
export async function fillCohortsIfDue(database: Database): Promise<boolean> {
  if (await cohortsFilled(database.db)) return false;
  return fillCohorts(database);
}

/**
 * customers' merge step: once two records are one person (or one again two), both persons' kept rows are
 * computed again in the merge's transaction.
 */
export const cohortsMergeStep: MergeStep = {
  move: async () => ({}),
  moveBack: async () => {},
  afterwards: async (tx, survivorId, otherId) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${WHOLE_LOCK})`);
    await keepCohortsOf(tx, [survivorId, otherId]);
  },
};

/** customers' erase step: her tier leaves the kept rows (her orders stay, under her pseudonymous id). */
export const eraseCohortTier: EraseStep = async (tx, customerId) => {
  await keepCohortsOf(tx, [customerId], { erased: customerId });
  return {};
};

/** The subscriber of `loyalty.tier_changed`: her tier in the kept rows (and the LTV grid) moved. */
export function keepTierOnChange(db: Db) {
  return async (event: { key?: string | null; payload: unknown }) => {
    const id = (event.payload as { customerId?: string }).customerId ?? event.key;
    if (id) await inTransaction(db, (tx) => keepCohortsOf(tx, [id]));
  };
}

/** The scope of a filter the kept rows answer ('*' or one store), or null (several stores: read live). */
const scopeOf = (ids: string[] | null) => (ids === null ? '*' : ids.length === 1 ? ids[0]! : null);

/** The kept cohort grid's rows (as cohorts.ts reads them) for cohorts first..last, or null when not kept. */
export async function keptCohortRows(
  db: Executor,
  first: string,
  last: string,
  ids: string[] | null,
): Promise<{
  rows: Array<{ cohort: string; month: string; buyers: string; net: string; net_excl: string }>;
  sizes: Array<{ cohort: string; members: string }>;
} | null> {
  const scope = scopeOf(ids);
  if (scope === null || !(await cohortsFilled(db))) return null;
  const rows = await query<{ cohort: string; month: string; buyers: string; net: string; net_excl: string }>(
    db,
    sql`SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month, buyers::text AS buyers,
               net::text AS net, net_excl::text AS net_excl
          FROM analytics_cohort_cells
         WHERE scope = ${scope} AND cohort BETWEEN ${first}::date AND ${last}::date
         ORDER BY cohort, month`,
  );
  const sizes = rows
    .filter((r) => r.month === r.cohort && Number(r.buyers) > 0)
    .map((r) => ({ cohort: r.cohort, members: r.buyers }));
  return { rows, sizes };
}

/** The kept LTV grid grouped as ltv.ts groups it (dim, key, members, orders, net, net_excl), or null. */
export async function keptLtvRows(
  db: Executor,
  first: string,
  last: string,
  ids: string[] | null,
): Promise<Array<{ dim: string; key: string; members: string; orders: string; net: string; net_excl: string }> | null> {
  const scope = scopeOf(ids);
  if (scope === null || !(await cohortsFilled(db))) return null;
  return query(
    db,
    sql`WITH m AS (SELECT * FROM analytics_ltv_cells
                    WHERE scope = ${scope} AND cohort BETWEEN ${first}::date AND ${last}::date AND members <> 0)
        SELECT dim, key, sum(members)::text AS members, sum(orders)::text AS orders, sum(net)::text AS net,
               sum(net_excl)::text AS net_excl
          FROM (SELECT 'channel' AS dim, channel AS key, members, orders, net, net_excl FROM m
                UNION ALL SELECT 'tier', tier, members, orders, net, net_excl FROM m
                UNION ALL SELECT 'cohort', to_char(cohort, 'YYYY-MM'), members, orders, net, net_excl FROM m
                UNION ALL SELECT 'total', '', members, orders, net, net_excl FROM m) x
         GROUP BY dim, key HAVING sum(members) > 0 ORDER BY dim, key`,
  );
}
