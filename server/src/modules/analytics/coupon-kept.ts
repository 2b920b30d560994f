import { sql, type SQL } from 'drizzle-orm';
import { query, type Database, type Db, type Executor, type Tx } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { longTransaction } from '../../platform/db/long-transaction.ts';
import {
  allCouponUsesSql,
  codesIssuedByDaySql,
  couponUsesOfOrdersSql,
  promotionNamesSql,
} from '../promotions/service.ts';
import { settlingsHeldSql } from './cohort-kept.ts';
import { addDays, japanToday } from './periods.ts';
import { couponCodesDaily, couponDaily, couponUses } from './schema.ts';

/**
 * クーポン効果 kept (issue 10 §5: ≤ 1 s at 1 M members / 10 M orders). Reading a year's uses joined to their
 * codes and their orders' sales takes seconds at a large chain, so:
 * - each use that stands is kept with its order's net sales (`analytics_coupon_uses`), and the uses add up
 *   per Japan date × store × promotion × campaign × issue channel × use channel (`analytics_coupon_daily`):
 *   both move in the settling of the order (which follows every placing, cancellation — the release of its
 *   coupons — and return), by the difference, like the sales rollups;
 * - single-use codes per Japan date of issue × promotion × campaign (`analytics_coupon_codes_daily`): how
 *   many of them stand used moves with the uses; how many were issued is counted by the job
 *   analytics.coupons once the day is over (plus an hour, for a transaction begun before midnight), and a
 *   read counts the days since live.
 * An existing database is filled once, set-based (`fillCoupons`); until then the report reads the uses as
 * before (coupons.ts).
 */

const USES = 'uses';
const ISSUED = 'issued';
/** A day's codes are counted this long after it ends (a transaction that began before midnight has ended). */
const CLOSE_AFTER_MS = 3600_000;

interface UseRow {
  id: string;
  order_id: string;
  used_on: string;
  issued_on: string | null;
  promotion_id: string;
  campaign_id: string | null;
  issue_channel: string;
  channel: string;
  location_id: string | null;
}

const japanDay = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')`;

/** Uses as kept, from promotions' use rows (`u`) and their orders' net sales (`s`: order_id, net). */
const keptShape = (uses: SQL, sales: SQL) =>
  sql`SELECT u.id AS redemption_id, u.order_id, (u.used_at AT TIME ZONE 'Asia/Tokyo')::date AS used_on,
             (u.issued_at AT TIME ZONE 'Asia/Tokyo')::date AS issued_on, u.promotion_id, coalesce(u.campaign_id, '') AS campaign_id,
             u.issue_channel, u.channel, coalesce(u.location_id, '') AS location_id,
             u.amount::bigint AS discount, coalesce(s.net, 0)::bigint AS sales
        FROM (${uses}) u LEFT JOIN (${sales}) s ON s.order_id = u.order_id`;

type Kept = typeof couponUses.$inferSelect;
const dayKey = (r: Kept) =>
  [r.usedOn, r.locationId, r.promotionId, r.campaignId, r.issueChannel, r.channel].join('\u0000');
const codeKey = (r: Kept) => [r.issuedOn, r.promotionId, r.campaignId].join('\u0000');

/**
 * In the settling's transaction (the orders locked, their per-order sales just written as `net`): the
 * orders' uses kept again, the day and code tables moved by the difference, rows touched in key order.
 */
export async function keepCouponUses(tx: Tx, list: SQL, net: ReadonlyMap<string, number>): Promise<void> {
  const before = await query<Record<string, unknown>>(
    tx,
    sql`SELECT * FROM analytics_coupon_uses WHERE order_id IN (${list})`,
  );
  const live = await query<UseRow & { amount: number }>(
    tx,
    sql`SELECT u.*, ${japanDay(sql`u.used_at`)} AS used_on, ${japanDay(sql`u.issued_at`)} AS issued_on
          FROM (${couponUsesOfOrdersSql(list)}) u`,
  );
  if (!before.length && !live.length) return;
  const was: Kept[] = before.map((r) => ({
    redemptionId: String(r.redemption_id),
    orderId: String(r.order_id),
    usedOn: String(r.used_on).slice(0, 10),
    issuedOn: r.issued_on === null ? null : String(r.issued_on).slice(0, 10),
    promotionId: String(r.promotion_id),
    campaignId: String(r.campaign_id),
    issueChannel: String(r.issue_channel),
    channel: String(r.channel),
    locationId: String(r.location_id),
    discount: Number(r.discount),
    sales: Number(r.sales),
  }));
  const now: Kept[] = live.map((u) => ({
    redemptionId: u.id,
    orderId: u.order_id,
    usedOn: u.used_on,
    issuedOn: u.issued_on,
    promotionId: u.promotion_id,
    campaignId: u.campaign_id ?? '',
    issueChannel: u.issue_channel,
    channel: u.channel,
    locationId: u.location_id ?? '',
    discount: Number(u.amount),
    sales: net.get(u.order_id) ?? 0,
  }));

  const days = new Map<string, typeof couponDaily.$inferInsert>();
  const codes = new Map<string, typeof couponCodesDaily.$inferInsert & { used: number }>();
  const add = (r: Kept, sign: 1 | -1) => {
    const k = dayKey(r);
    const d = days.get(k) ?? {
      usedOn: r.usedOn,
      locationId: r.locationId,
      promotionId: r.promotionId,
      campaignId: r.campaignId,
      issueChannel: r.issueChannel,
      channel: r.channel,
      redeemed: 0,
      discount: 0,
      sales: 0,
    };
    d.redeemed += sign;
    d.discount += sign * r.discount;
    d.sales += sign * r.sales;
    days.set(k, d);
    if (r.issuedOn) {
      const c = codes.get(codeKey(r)) ?? {
        issuedOn: r.issuedOn,
        promotionId: r.promotionId,
        campaignId: r.campaignId,
        used: 0,
      };
      c.used += sign;
      codes.set(codeKey(r), c);
    }
  };
  for (const r of was) add(r, -1);
  for (const r of now) add(r, 1);
  const inOrder = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const dayRows = inOrder(days).filter((d) => d.redeemed || d.discount || d.sales);
  if (dayRows.length) {
    const plus = (col: string) =>
      sql`${sql.identifier('analytics_coupon_daily')}.${sql.identifier(col)} + excluded.${sql.identifier(col)}`;
    await tx
      .insert(couponDaily)
      .values(dayRows)
      .onConflictDoUpdate({
        target: [
          couponDaily.usedOn,
          couponDaily.locationId,
          couponDaily.promotionId,
          couponDaily.campaignId,
          couponDaily.issueChannel,
          couponDaily.channel,
        ],
        set: { redeemed: plus('redeemed'), discount: plus('discount'), sales: plus('sales') },
      });
  }
  const codeRows = inOrder(codes).filter((c) => c.used);
  if (codeRows.length)
    await tx
      .insert(couponCodesDaily)
      .values(codeRows)
      .onConflictDoUpdate({
        target: [couponCodesDaily.issuedOn, couponCodesDaily.promotionId, couponCodesDaily.campaignId],
        set: { used: sql`analytics_coupon_codes_daily.used + excluded.used` },
      });
  if (was.length) await tx.execute(sql`DELETE FROM analytics_coupon_uses WHERE order_id IN (${list})`);
  if (now.length) await tx.insert(couponUses).values(now);
}

async function marked(db: Executor, name: string): Promise<{ through: string | null } | undefined> {
  const [row] = await query<{ through: string | null }>(
    db,
    sql`SELECT through::text AS through FROM analytics_coupon_fill WHERE name = ${name}`,
  );
  return row;
}

/**
 * Fill the kept uses from promotions' uses and the per-order sales, set-based, in one transaction that keeps
 * every settling waiting until it commits (none lost or counted twice). Once per database; false when filled.
 */
export async function fillCoupons(database: Database): Promise<boolean> {
  return longTransaction(database, async (exec) => {
    await exec(settlingsHeldSql());
    if (await exec(sql`SELECT 1 FROM analytics_coupon_fill WHERE name = ${USES}`).then((r) => r.length)) return false;
    await exec(sql`DELETE FROM analytics_coupon_uses`);
    await exec(sql`DELETE FROM analytics_coupon_daily`);
    await exec(sql`UPDATE analytics_coupon_codes_daily SET used = 0 WHERE used <> 0`);
    await exec(sql`INSERT INTO analytics_coupon_uses (redemption_id, order_id, used_on, issued_on, promotion_id,
                     campaign_id, issue_channel, channel, location_id, discount, sales)
                   ${keptShape(
                     allCouponUsesSql(),
                     sql`SELECT order_id, sum(net) AS net FROM analytics_order_sales
                          WHERE order_id IN (SELECT order_id FROM coupon_redemptions WHERE released_at IS NULL)
                          GROUP BY order_id`,
                   )}`);
    await exec(sql`INSERT INTO analytics_coupon_daily (used_on, location_id, promotion_id, campaign_id, issue_channel,
                     channel, redeemed, discount, sales)
                   SELECT used_on, location_id, promotion_id, campaign_id, issue_channel, channel, count(*),
                          sum(discount), sum(sales)
                     FROM analytics_coupon_uses GROUP BY 1, 2, 3, 4, 5, 6`);
    await exec(sql`INSERT INTO analytics_coupon_codes_daily (issued_on, promotion_id, campaign_id, used)
                   SELECT issued_on, promotion_id, campaign_id, count(*) FROM analytics_coupon_uses
                    WHERE issued_on IS NOT NULL GROUP BY 1, 2, 3
                   ON CONFLICT (issued_on, promotion_id, campaign_id) DO UPDATE SET used = excluded.used`);
    for (const table of ['analytics_coupon_uses', 'analytics_coupon_daily', 'analytics_coupon_codes_daily'])
      await exec(sql`ANALYZE ${sql.identifier(table)}`);
    await exec(sql`INSERT INTO analytics_coupon_fill (name) VALUES (${USES})`);
    return true;
  });
}

/** The start of a Japan date, as an instant. */
const japanStart = (d: string) => new Date(`${d}T00:00:00+09:00`);

/**
 * Count the codes issued on every Japan date that is over (an hour past its end) and not counted yet: the
 * days since the last count, in one transaction (a count is set, not added: running it twice is harmless).
 */
export async function closeIssuedDays(db: Db, now = new Date()): Promise<number> {
  const last = addDays(japanToday(new Date(now.getTime() - CLOSE_AFTER_MS)), -1);
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('analytics.coupons.issued'))`);
    const through = (await marked(tx, ISSUED))?.through ?? null;
    if (through !== null && through >= last) return 0;
    const from = through === null ? new Date(0) : japanStart(addDays(through, 1));
    const rows = await query<{ n: number }>(
      tx,
      sql`WITH c AS (${codesIssuedByDaySql({ from, to: japanStart(addDays(last, 1)) })}),
               put AS (INSERT INTO analytics_coupon_codes_daily (issued_on, promotion_id, campaign_id, issued)
                       SELECT issued_on, promotion_id, campaign_id, issued FROM c
                       ON CONFLICT (issued_on, promotion_id, campaign_id) DO UPDATE SET issued = excluded.issued
                       RETURNING 1)
          SELECT count(*)::int AS n FROM put`,
    );
    await tx.execute(sql`INSERT INTO analytics_coupon_fill (name, through) VALUES (${ISSUED}, ${last})
                         ON CONFLICT (name) DO UPDATE SET through = excluded.through, at = now()`);
    return Number(rows[0]?.n ?? 0);
  });
}

/** The job analytics.coupons: fill the uses once, then count the codes of the days that are over. */
export async function keepCoupons(database: Database): Promise<void> {
  if (!(await marked(database.db, USES))) await fillCoupons(database);
  await closeIssuedDays(database.db);
}

export interface CouponUseRow {
  promotion_id: string;
  promotion_name: string;
  campaign_id: string | null;
  issue_channel: string;
  channel: string;
  redeemed: number;
  discount: string;
  sales: string;
}
export interface CouponIssuedRow {
  promotion_id: string;
  promotion_name: string;
  campaign_id: string | null;
  issued: number;
  used: number;
}

const idList = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/**
 * The report's rows from the kept tables for the Japan dates [from, to] at the stores `ids` (null: all;
 * then also the codes issued, counted for the days closed and live since), or null until the uses are filled.
 */
export async function keptCouponRows(
  db: Executor,
  p: { from: string; to: string; ids: string[] | null },
): Promise<{ uses: CouponUseRow[]; issued: CouponIssuedRow[] } | null> {
  if (!(await marked(db, USES))) return null;
  const scope = p.ids ? sql`AND location_id IN (${p.ids.length ? idList(p.ids) : sql`NULL`})` : sql``;
  const uses = await query<Omit<CouponUseRow, 'promotion_name'>>(
    db,
    sql`SELECT promotion_id, nullif(campaign_id, '') AS campaign_id, issue_channel, channel,
               sum(redeemed)::int AS redeemed, sum(discount)::text AS discount, sum(sales)::text AS sales
          FROM analytics_coupon_daily
         WHERE used_on BETWEEN ${p.from}::date AND ${p.to}::date ${scope}
         GROUP BY 1, 2, 3, 4
        HAVING sum(redeemed) <> 0 OR sum(discount) <> 0 OR sum(sales) <> 0`,
  );
  let issued: Array<Omit<CouponIssuedRow, 'promotion_name'>> = [];
  if (!p.ids) {
    const through = (await marked(db, ISSUED))?.through ?? null;
    // Days after the last count: the codes of those days counted now.
    const liveFrom = through === null ? p.from : through >= p.from ? addDays(through, 1) : p.from;
    const live =
      liveFrom <= p.to
        ? sql`UNION ALL SELECT promotion_id, campaign_id, issued, 0 FROM (${codesIssuedByDaySql({
            from: japanStart(liveFrom),
            to: japanStart(addDays(p.to, 1)),
          })}) l`
        : sql``;
    const closedTo = through === null ? null : through < p.to ? through : p.to;
    issued = await query(
      db,
      sql`SELECT promotion_id, nullif(campaign_id, '') AS campaign_id, sum(issued)::int AS issued, sum(used)::int AS used
            FROM (SELECT promotion_id, campaign_id,
                         CASE WHEN ${closedTo}::date IS NOT NULL AND issued_on <= ${closedTo}::date THEN issued ELSE 0 END AS issued,
                         used
                    FROM analytics_coupon_codes_daily
                   WHERE issued_on BETWEEN ${p.from}::date AND ${p.to}::date
                  ${live}) x
           GROUP BY 1, 2
          HAVING sum(issued) <> 0 OR sum(used) <> 0`,
    );
  }
  const promotionIds = [...new Set([...uses, ...issued].map((r) => r.promotion_id))];
  const names = new Map(
    promotionIds.length
      ? (await query<{ id: string; name: string }>(db, promotionNamesSql(idList(promotionIds)))).map((r) => [
          r.id,
          r.name,
        ])
      : [],
  );
  const name = (id: string) => names.get(id) ?? id;
  return {
    uses: uses.map((r) => ({ ...r, promotion_name: name(r.promotion_id) })),
    issued: issued.map((r) => ({ ...r, promotion_name: name(r.promotion_id) })),
  };
}
