import { sql, type SQL } from 'drizzle-orm';

/**
 * What engagement may ask of promotions, as SQL to compose into one query: the uses that still stand
 * (not given back by a cancelled order) of codes issued to members, with why each was issued.
 * Columns: order_id, customer_id, code, issued_for, amount (the discount, yen), channel, location_id, created_at.
 * `issuedFor`: only the codes issued for that reason (e.g. `campaign:<id>`); without it, all.
 */
export function issuedRedemptionsSql(issuedFor?: string, opts: { perFiring?: boolean } = {}): SQL {
  return sql`SELECT r.order_id, r.customer_id, r.code, cc.issued_for, r.amount, r.channel, r.location_id, r.created_at
      FROM coupon_redemptions r JOIN coupon_codes cc ON cc.code = r.code
     WHERE r.single_use AND r.released_at IS NULL AND cc.issued_for IS NOT NULL
       ${issuedFor !== undefined ? sql`AND ${issuedForIs(sql`cc.issued_for`, issuedFor, opts)}` : sql``}`;
}

/** `issuedFor` exactly, or with `perFiring` its codes of every firing (`<issuedFor>:<n>`, a trigger's). */
const issuedForIs = (column: SQL, issuedFor: string, opts: { perFiring?: boolean }) =>
  opts.perFiring ? sql`${column} LIKE ${`${issuedFor}:%`}` : sql`${column} = ${issuedFor}`;

/** How many codes were issued for a reason and how many of them are used now (the campaign's page). */
export function issuedCountsSql(issuedFor: string, opts: { perFiring?: boolean } = {}): SQL {
  return sql`SELECT count(*)::int AS issued, count(*) FILTER (WHERE redeemed_at IS NOT NULL)::int AS redeemed
      FROM coupon_codes WHERE ${issuedForIs(sql`issued_for`, issuedFor, opts)}`;
}
