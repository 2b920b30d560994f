import { sql, type SQL } from 'drizzle-orm';

/**
 * What analytics may ask of coupons for クーポン効果 (issue 10 §2), as SQL to compose. The channel a code
 * was issued through: `campaign` for a code a campaign issued to a member (`issued_for` campaign:<id>, or a
 * trigger's campaign:<id>:<firing>: the campaign is the part before the firing),
 * otherwise the coupon's `issued_channel` as head office typed it (web, app, store, line, flyer…), or
 * `unknown`.
 */
const issueChannelSql = (issuedFor: SQL, couponChannel: SQL) =>
  sql`CASE WHEN ${issuedFor} LIKE 'campaign:%' THEN 'campaign'
           ELSE coalesce(nullif(lower(${couponChannel}), ''), 'unknown') END`;

/**
 * The coupon uses that stand (not given back by a cancelled order) between `from` and `to` (timestamps,
 * [from, to)), at the locations `locationIds` (null: all): order_id, coupon_id, promotion_id,
 * promotion_name, campaign_id (the campaign that issued the code, or null), issue_channel, channel (where
 * it was used: web, app, store, line), location_id, amount (the discount, yen). One pass over
 * coupon_redemptions by its (created_at) index, each joined once to its code and promotion.
 */
export function couponUsesSql(p: { from: Date; to: Date; locationIds: readonly string[] | null }): SQL {
  const scope = p.locationIds
    ? sql`AND r.location_id IN (${sql.join(
        p.locationIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  return liveUsesSql(sql`r.created_at >= ${p.from} AND r.created_at < ${p.to} ${scope}`);
}

/**
 * The coupon uses that stand on the orders `orderIds` (SQL: a list of ids), as couponUsesSql gives them,
 * with each use's id, its time (used_at) and, for a single-use code, when the code was issued (issued_at;
 * null for a public code): what analytics keeps per use as it settles the orders.
 */
export function couponUsesOfOrdersSql(orderIds: SQL): SQL {
  return liveUsesSql(sql`r.order_id IN (${orderIds})`);
}

/** Every use that stands, as couponUsesOfOrdersSql gives them: analytics fills its kept uses once from it. */
export function allCouponUsesSql(): SQL {
  return liveUsesSql(sql`true`);
}

const liveUsesSql = (where: SQL) =>
  sql`SELECT r.id, r.order_id, r.coupon_id, r.promotion_id, pr.name AS promotion_name,
           CASE WHEN cc.issued_for LIKE 'campaign:%' THEN split_part(substr(cc.issued_for, 10), ':', 1) END AS campaign_id,
           ${issueChannelSql(sql`cc.issued_for`, sql`coalesce(r.issued_channel, c.issued_channel)`)} AS issue_channel,
           r.channel, r.location_id, r.amount, r.created_at AS used_at, cc.created_at AS issued_at
      FROM coupon_redemptions r
      JOIN coupons c ON c.id = r.coupon_id
      JOIN promotions pr ON pr.id = r.promotion_id
      LEFT JOIN coupon_codes cc ON r.single_use AND cc.code = r.code
     WHERE r.released_at IS NULL AND ${where}`;

/** The promotions `ids` (SQL: a list of ids) with their names: id, name. */
export const promotionNamesSql = (ids: SQL): SQL => sql`SELECT id, name FROM promotions WHERE id IN (${ids})`;

/**
 * Single-use codes issued between `from` and `to` ([from, to)), per promotion, campaign and issue
 * channel: promotion_id, promotion_name, campaign_id, issue_channel, issued, used (of those, how many are
 * used now). A public code has no count of copies handed out: it is not here.
 */
export function couponsIssuedSql(p: { from: Date; to: Date }): SQL {
  return sql`SELECT c.promotion_id, pr.name AS promotion_name,
           CASE WHEN cc.issued_for LIKE 'campaign:%' THEN split_part(substr(cc.issued_for, 10), ':', 1) END AS campaign_id,
           ${issueChannelSql(sql`cc.issued_for`, sql`c.issued_channel`)} AS issue_channel,
           count(*)::int AS issued, count(cc.redeemed_at)::int AS used
      FROM coupon_codes cc
      JOIN coupons c ON c.id = cc.coupon_id
      JOIN promotions pr ON pr.id = c.promotion_id
     WHERE cc.created_at >= ${p.from} AND cc.created_at < ${p.to}
     GROUP BY 1, 2, 3, 4`;
}

/**
 * Single-use codes issued between `from` and `to` ([from, to)) per Japan date of issue, promotion and
 * campaign: issued_on, promotion_id, campaign_id ('' for none), issued. What analytics keeps of past days.
 */
export function codesIssuedByDaySql(p: { from: Date; to: Date }): SQL {
  return sql`SELECT (cc.created_at AT TIME ZONE 'Asia/Tokyo')::date AS issued_on, c.promotion_id,
           coalesce(CASE WHEN cc.issued_for LIKE 'campaign:%' THEN split_part(substr(cc.issued_for, 10), ':', 1) END, '') AS campaign_id,
           count(*)::int AS issued
      FROM coupon_codes cc
      JOIN coupons c ON c.id = cc.coupon_id
     WHERE cc.created_at >= ${p.from} AND cc.created_at < ${p.to}
     GROUP BY 1, 2, 3`;
}
