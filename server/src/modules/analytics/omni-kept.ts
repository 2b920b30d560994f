import { sql, type SQL } from 'drizzle-orm';
import { query, type Database, type Executor, type Tx } from '../../platform/db/connection.ts';
import { longTransaction } from '../../platform/db/long-transaction.ts';
import { salesChannels } from '../../platform/channels.ts';
import { addDays, japanToday, type Period } from './periods.ts';

/**
 * The omni-channel table kept per member (issue 10 §5: ≤ 1 s at 1 M members). Grouping every member's
 * per-order rows on each view takes seconds at a large chain, so for the windows a head office reads most —
 * the last 30 days and the last 12 months, each ending today — each member's orders per channel in the
 * period and in the 365 days before it are kept (`analytics_omni_members`, every store and each store),
 * rebuilt once a Japan day. Settling writes what it changed to `analytics_omni_log` in its own transaction,
 * and a read adds that log to the kept rows, so the kept answer is exact at every moment; the rebuild reads
 * the per-order rows and deletes the log in one snapshot, so nothing settled meanwhile is lost or counted
 * twice. Any other period, or several stores at once, is answered from the per-order rows (omni.ts).
 */

/** The windows kept, in days, each ending on the build's Japan day. */
export const OMNI_WINDOW_DAYS = [30, 365] as const;
/** The log is folded in by a rebuild once it holds this many changes (a busy day, or a backfill). */
const FOLD_AT = 200_000;
const BUILD_LOCK = 0x6f6d6e69; // 'omni'

type Change = {
  customerId?: string | null;
  locationId: string;
  channel: string;
  soldOn: string;
  orders: number;
  net: number;
};

/**
 * Log what settling some orders changed in their members' rows: `before` (the rows it replaces) off,
 * `now` on, summed per member × location × channel × date; nothing when nothing changed. Runs inside the
 * settling's transaction.
 */
export async function logOmniChanges(tx: Tx, before: readonly Change[], now: readonly Change[]): Promise<void> {
  const sums = new Map<string, { c: string; l: string; ch: string; d: string; o: number; n: number }>();
  const add = (r: Change, sign: 1 | -1) => {
    if (!r.customerId) return;
    const k = [r.customerId, r.locationId, r.channel, r.soldOn].join('\u0000');
    const s = sums.get(k) ?? { c: r.customerId, l: r.locationId, ch: r.channel, d: r.soldOn, o: 0, n: 0 };
    s.o += sign * Number(r.orders);
    s.n += sign * Number(r.net);
    sums.set(k, s);
  };
  for (const r of before) add(r, -1);
  for (const r of now) add(r, 1);
  const changed = [...sums.values()].filter((s) => s.o !== 0 || s.n !== 0);
  if (!changed.length) return;
  await tx.execute(sql`INSERT INTO analytics_omni_log (customer_id, location_id, channel, sold_on, orders, net)
    SELECT r.c, r.l, r.ch, r.d::date, r.o, r.n
      FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS r(c text, l text, ch text, d text, o int, n bigint)`);
}

const col = (prefix: 'now' | 'before', channel: string) => sql.identifier(`${prefix}_${channel}`);
const columns = (prefix: 'now' | 'before') =>
  sql.join(
    salesChannels.map((c) => col(prefix, c)),
    sql`, `,
  );

/**
 * Per member (grouped by the caller): her orders per channel from `from` on (now_web …) and in the 365 days
 * before it (before_web …), and her net from `from` on (now_net) — the kept table's columns, in its order.
 */
const perChannel = (from: string): SQL => {
  const since = sql`sold_on >= ${from}::date`;
  const until = sql`sold_on < ${from}::date`;
  const sums: Array<[string, SQL]> = [
    ...salesChannels.map((c): [string, SQL] => [
      `now_${c}`,
      sql`sum(orders) FILTER (WHERE ${since} AND channel = ${c})`,
    ]),
    ['now_net', sql`sum(net) FILTER (WHERE ${since})`],
    ...salesChannels.map((c): [string, SQL] => [
      `before_${c}`,
      sql`sum(orders) FILTER (WHERE ${until} AND channel = ${c})`,
    ]),
  ];
  return sql.join(
    sums.map(([name, e]) => sql`coalesce(${e}, 0) AS ${sql.identifier(name)}`),
    sql`, `,
  );
};

/**
 * Rebuild the kept windows for the Japan day of `now` from the per-order rows, and fold the log in, in one
 * snapshot. Another copy already rebuilding: nothing (answers null).
 */
export async function keepOmni(
  database: Database,
  opts: {
    now?: Date;
    /** A test's seam: runs after the rows are read, before the log is folded. */ beforeFold?: () => Promise<void>;
  } = {},
): Promise<{ windows: string[]; rows: number; folded: number } | null> {
  const today = japanToday(opts.now);
  return longTransaction(
    database,
    async (exec) => {
      const [lock] = await exec<{ ok: boolean }>(sql`SELECT pg_try_advisory_xact_lock(${BUILD_LOCK}) AS ok`);
      if (!lock?.ok) return null;
      await exec(sql`DELETE FROM analytics_omni_members`);
      await exec(sql`DELETE FROM analytics_omni_windows`);
      await exec(sql`DELETE FROM analytics_omni_totals`);
      let rows = 0;
      const windows: string[] = [];
      for (const days of OMNI_WINDOW_DAYS) {
        const from = addDays(today, -(days - 1));
        const [n] = await exec<{ n: number }>(
          sql`WITH kept AS (
                INSERT INTO analytics_omni_members
                  (from_date, scope, customer_id, ${columns('now')}, now_net, ${columns('before')})
                SELECT ${from}::date, CASE WHEN grouping(location_id) = 1 THEN '*' ELSE location_id END, customer_id,
                       ${perChannel(from)}
                  FROM analytics_order_sales
                 WHERE customer_id IS NOT NULL AND sold_on >= ${from}::date - 365
                 GROUP BY GROUPING SETS ((customer_id), (location_id, customer_id))
                RETURNING 1)
              SELECT count(*)::int AS n FROM kept`,
        );
        await exec(
          sql`INSERT INTO analytics_omni_totals (from_date, scope, kind, omni, customers, orders, spend)
              WITH m AS (SELECT scope, ${channels('now', 'k')} AS ch_now, ${sum('now', 'k')} AS orders,
                                k.now_net AS spend, ${channels('before', 'k')} AS ch_before
                           FROM analytics_omni_members k WHERE k.from_date = ${from}::date)
              SELECT ${from}::date, scope, kind, omni, customers, orders, spend FROM (${groupsSql(true)}) g`,
        );
        await exec(sql`INSERT INTO analytics_omni_windows (from_date, days) VALUES (${from}::date, ${days})`);
        rows += n?.n ?? 0;
        windows.push(from);
      }
      await opts.beforeFold?.();
      // Repeatable read: only the changes this snapshot's per-order rows already hold; later ones stay.
      const [folded] = await exec<{ n: number }>(
        sql`WITH gone AS (DELETE FROM analytics_omni_log RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      );
      return { windows, rows, folded: folded?.n ?? 0 };
    },
    { isolation: 'repeatable read' },
  );
}

/** The job analytics.omni: rebuild when a new Japan day has begun, or the log has grown long. */
export async function keepOmniIfDue(database: Database, now = new Date()): Promise<boolean> {
  const today = japanToday(now);
  const wanted = OMNI_WINDOW_DAYS.map((d) => addDays(today, -(d - 1)));
  const [state] = await query<{ windows: number; long: boolean }>(
    database.db,
    sql`SELECT (SELECT count(*)::int FROM analytics_omni_windows
                 WHERE from_date IN (${sql.join(
                   wanted.map((d) => sql`${d}::date`),
                   sql`, `,
                 )})) AS windows,
               (SELECT count(*) FROM (SELECT 1 FROM analytics_omni_log LIMIT ${FOLD_AT}) l) >= ${FOLD_AT} AS long`,
  );
  if (state && state.windows === wanted.length && !state.long) return false;
  return (await keepOmni(database, { now })) !== null;
}

export interface OmniRow {
  kind: string;
  omni: boolean;
  customers: string;
  orders: string;
  spend: string;
}

/** Per member of `m`: her channels in the period and before it, her orders and spend (columns of kept rows `k`, plus log `l`). */
const sum = (prefix: 'now' | 'before', k: string, l?: string) =>
  sql.join(
    salesChannels.map((c) =>
      l
        ? sql`coalesce(${sql.identifier(k)}.${col(prefix, c)}, 0) + coalesce(${sql.identifier(l)}.${col(prefix, c)}, 0)`
        : sql`${sql.identifier(k)}.${col(prefix, c)}`,
    ),
    sql` + `,
  );
const channels = (prefix: 'now' | 'before', k: string, l?: string) =>
  sql.join(
    salesChannels.map((c) =>
      l
        ? sql`(coalesce(${sql.identifier(k)}.${col(prefix, c)}, 0) + coalesce(${sql.identifier(l)}.${col(prefix, c)}, 0) > 0)::int`
        : sql`(${sql.identifier(k)}.${col(prefix, c)} > 0)::int`,
    ),
    sql` + `,
  );

/**
 * The omni table's groups of members `m` (ch_now, orders, spend, ch_before; with `scope` when `byScope`):
 * 'now' — who bought in the period, omni or not, with orders and spend; 'kept' — who bought before it, by
 * whether omni then, and (as orders) how many of them bought again in the period.
 */
const groupsSql = (byScope = false): SQL => {
  const scope = byScope ? sql`scope, ` : sql``;
  return sql`SELECT ${scope}'now' AS kind, ch_now >= 2 AS omni, count(*) AS customers, sum(orders) AS orders,
                    sum(spend) AS spend
               FROM m WHERE ch_now > 0 GROUP BY ${scope}ch_now >= 2
             UNION ALL
             SELECT ${scope}'kept', ch_before >= 2, count(*), count(*) FILTER (WHERE ch_now > 0), 0
               FROM m WHERE ch_before > 0 GROUP BY ${scope}ch_before >= 2`;
};

/**
 * The omni table's rows (as omni.ts groups them) from the kept window starting on `p.from`, when there is
 * one and the period runs to today (the kept rows hold every day from its start); null otherwise. `ids`:
 * null for every store, or one store. The totals as built, less what the logged members counted for then,
 * plus what they count for now (kept rows + log): the read touches the members settled since the build only.
 */
export async function keptOmniRows(db: Executor, p: Period, ids: string[] | null): Promise<OmniRow[] | null> {
  if ((ids && ids.length !== 1) || p.to < japanToday()) return null;
  const [window] = await query<{ days: number }>(
    db,
    sql`SELECT days FROM analytics_omni_windows WHERE from_date = ${p.from}::date`,
  );
  if (!window) return null;
  const scope = ids ? ids[0]! : '*';
  const groups = groupsSql();
  return query<OmniRow>(
    db,
    sql`WITH l AS (
          SELECT customer_id, ${perChannel(p.from)}
            FROM analytics_omni_log
           WHERE sold_on >= ${p.from}::date - 365 ${ids ? sql`AND location_id = ${scope}` : sql``}
           GROUP BY customer_id),
        k AS MATERIALIZED (
          SELECT * FROM analytics_omni_members
           WHERE from_date = ${p.from}::date AND scope = ${scope} AND customer_id IN (SELECT customer_id FROM l)),
        was AS (
          WITH m AS (SELECT ${channels('now', 'k')} AS ch_now, ${sum('now', 'k')} AS orders, k.now_net AS spend,
                            ${channels('before', 'k')} AS ch_before FROM k)
          ${groups}),
        now AS (
          WITH m AS (SELECT ${channels('now', 'k', 'l')} AS ch_now, ${sum('now', 'k', 'l')} AS orders,
                            coalesce(k.now_net, 0) + coalesce(l.now_net, 0) AS spend,
                            ${channels('before', 'k', 'l')} AS ch_before
                       FROM k FULL JOIN l ON l.customer_id = k.customer_id)
          ${groups}),
        g AS (
          SELECT kind, omni, customers, orders, spend FROM analytics_omni_totals
           WHERE from_date = ${p.from}::date AND scope = ${scope}
          UNION ALL SELECT kind, omni, -customers, -orders, -spend FROM was
          UNION ALL SELECT kind, omni, customers, orders, spend FROM now)
        SELECT kind, omni, sum(customers)::text AS customers, sum(orders)::text AS orders, sum(spend)::text AS spend
          FROM g GROUP BY kind, omni HAVING sum(customers) > 0`,
  );
}
