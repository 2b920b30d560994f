/**
 * Coupon uses for the クーポン効果 scale bench, added set-based to a database whose members and orders the
 * customer generator wrote: three promotions — a public LINE code, a birthday campaign's single-use codes
 * issued to a third of the members, a store flyer's public code — and uses on about one order in twenty
 * (each campaign code on her first order after it was issued, for half of the codes). A use on a cancelled
 * order is released, as the checkout would release it. The discounts are not taken off the orders' totals:
 * the dashboard reads the uses' amounts and the orders' settled sales, and both sides of the bench read the
 * same rows.
 *
 *   npx tsx bench/generate-coupons.ts --url postgres://postgres@127.0.0.1:5432/musubi_analytics
 */
import { pathToFileURL } from 'node:url';
import type { Database } from '../server/src/platform/db/connection.ts';
import { openDatabase } from '../server/src/platform/db/connection.ts';
import { rawQuery } from './setup.ts';

const CONDITIONS = JSON.stringify({ channels: [], locationIds: [], tiers: [], firstPurchaseOnly: false, minSpend: 0 });
const ALL = JSON.stringify({ type: 'all', ids: [] });

export const BENCH_PROMOTIONS = [
  { id: 'prm_bench_line', name: 'LINE友だち限定 10%オフ', kind: 'percent_off', params: { percent: 10 } },
  { id: 'prm_bench_bday', name: 'お誕生日クーポン 500円引き', kind: 'amount_off', params: { amount: 500 } },
  { id: 'prm_bench_flyer', name: '店頭チラシ 300円引き', kind: 'amount_off', params: { amount: 300 } },
] as const;

/** Adds the promotions, codes and uses (once: a database that has them is left as it is). Returns the uses. */
export async function generateCoupons(database: Database, log: (s: string) => void = () => {}): Promise<number> {
  const [had] = await rawQuery<{ n: number }>(
    database,
    `SELECT count(*)::int AS n FROM promotions WHERE id = 'prm_bench_line'`,
  );
  if (Number(had?.n)) return 0;
  const t0 = performance.now();
  for (const p of BENCH_PROMOTIONS)
    await rawQuery(
      database,
      `INSERT INTO promotions (id, name, kind, params, target, conditions, requires_coupon, created_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, true, now() - interval '400 days')`,
      [p.id, p.name, p.kind, JSON.stringify(p.params), ALL, CONDITIONS],
    );
  await rawQuery(
    database,
    `INSERT INTO coupons (id, code, promotion_id, kind, per_customer_limit, issued_channel, campaign, created_at) VALUES
       ('cpn_bench_line', 'LINE10', 'prm_bench_line', 'public', NULL, 'line', NULL, now() - interval '400 days'),
       ('cpn_bench_bday', NULL, 'prm_bench_bday', 'single_use', NULL, 'campaign', 'cmp_bench_bday', now() - interval '400 days'),
       ('cpn_bench_flyer', 'FLYER300', 'prm_bench_flyer', 'public', NULL, 'flyer', NULL, now() - interval '400 days')`,
  );
  // The birthday campaign's codes: a third of the members, each issued on a day of the last year.
  await rawQuery(
    database,
    `INSERT INTO coupon_codes (code, coupon_id, batch_id, customer_id, issued_for, created_at)
     SELECT 'BD' || substr(md5(c.id), 1, 14), 'cpn_bench_bday', 'bat_bench_bday', c.id, 'campaign:cmp_bench_bday:1',
            now() - make_interval(days => abs(hashtext(c.id)) % 365)
       FROM customers c WHERE abs(hashtext(c.id)) % 3 = 0`,
  );
  // Half of the codes used on her first order after the code came.
  await rawQuery(
    database,
    `WITH firsts AS (
       SELECT DISTINCT ON (cc.code) cc.code, cc.customer_id, o.id AS order_id, o.created_at, o.channel,
              o.location_id, o.status
         FROM coupon_codes cc
         JOIN orders o ON o.customer_id = cc.customer_id AND o.created_at > cc.created_at
        WHERE cc.coupon_id = 'cpn_bench_bday' AND abs(hashtext(cc.code)) % 2 = 0
        ORDER BY cc.code, o.created_at),
     used AS (
       UPDATE coupon_codes cc SET redeemed_at = f.created_at, order_id = f.order_id
         FROM firsts f WHERE cc.code = f.code AND f.status <> 'cancelled' RETURNING cc.code)
     INSERT INTO coupon_redemptions
       (id, coupon_id, promotion_id, code, single_use, customer_id, order_id, amount, issued_channel, channel,
        location_id, created_at, released_at)
     SELECT 'red_' || f.code, 'cpn_bench_bday', 'prm_bench_bday', f.code, true, f.customer_id, f.order_id, 500,
            'campaign', f.channel, f.location_id, f.created_at,
            CASE WHEN f.status = 'cancelled' THEN f.created_at + interval '1 hour' END
       FROM firsts f`,
  );
  // The public codes on one order in twenty: LINE's online and at the till, the flyer's mostly at the till.
  await rawQuery(
    database,
    `INSERT INTO coupon_redemptions
       (id, coupon_id, promotion_id, code, single_use, customer_id, order_id, amount, issued_channel, channel,
        location_id, created_at, released_at)
     SELECT 'red_' || substr(o.id, 5), c.id, c.promotion_id, c.code, false, o.customer_id, o.id,
            CASE WHEN c.id = 'cpn_bench_line' THEN greatest(1, o.total / 10) ELSE least(300, o.total) END,
            c.issued_channel, o.channel, o.location_id, o.created_at,
            CASE WHEN o.status = 'cancelled' THEN o.created_at + interval '1 hour' END
       FROM orders o
       JOIN coupons c ON c.id = CASE WHEN o.channel = 'store' AND abs(hashtext(o.id)) % 40 < 1 THEN 'cpn_bench_flyer'
                                     ELSE 'cpn_bench_line' END
      WHERE abs(hashtext(o.id)) % 20 = 0 AND o.id NOT IN (SELECT order_id FROM coupon_redemptions)`,
  );
  await rawQuery(database, 'ANALYZE coupon_codes');
  await rawQuery(database, 'ANALYZE coupon_redemptions');
  const [n] = await rawQuery<{ n: number }>(database, `SELECT count(*)::int AS n FROM coupon_redemptions`);
  log(`coupons: ${Number(n?.n).toLocaleString('en-US')} uses in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return Number(n?.n ?? 0);
}

/** The kept クーポン効果 emptied with its marks (uses written in bulk after it was filled): filled again later. */
export async function forgetKeptCoupons(database: Database): Promise<void> {
  await rawQuery(
    database,
    `TRUNCATE analytics_coupon_uses, analytics_coupon_daily, analytics_coupon_codes_daily, analytics_coupon_fill`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--url');
  const url = at > 0 ? process.argv[at + 1] : undefined;
  if (!url) {
    console.error('usage: npx tsx bench/generate-coupons.ts --url postgres://…');
    process.exit(2);
  }
  const database = await openDatabase({ databaseUrl: url, poolSize: 2, timeouts: { statementMs: 0 } });
  try {
    if (await generateCoupons(database, (m) => console.log(`  · ${m}`))) await forgetKeptCoupons(database);
  } finally {
    await database.close();
  }
}
