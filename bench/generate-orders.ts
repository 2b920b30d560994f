/**
 * The generated members' orders (generate-customers.ts): about three per member over the last two years
 * in every channel, what segments read (RFM, channel mix, spend, bought / viewed-not-bought), written
 * with generate_series in chunks of members, each chunk one statement (orders and their lines together).
 */

/**
 * A pseudo-random number in [0, 1) from an integer expression (hashint8): the same every run, unlike
 * random(), so the orders and their lines can be derived from the same draws.
 */
export const unit = (seed: string) => `((hashint8((${seed})::bigint) & 2147483647)::float8 / 2147483648.0)`;

/** How the members' orders spread: per member floor(MAX × u⁴), so ~47 % buy nothing, a few buy 17. */
const MAX_ORDERS = 18;
/** Orders per member on average at the default spread (E[floor(18 u⁴)] measured: 3.25). */
export const ORDERS_PER_MEMBER = 3.25;
/** Orders per statement (~330 k at the default: 100 k members). */
const CHUNK_ORDERS = 330_000;

/**
 * How many: `ordersFactor` scales every member's number of orders (1: ~3.25 a member, 3.1 at 1 M members:
 * ~10 M orders); `maxLines` is the most lines an order has (1…maxLines, evenly: 3 → 2 a order, 9 → 5).
 */
export interface OrderShape {
  ordersFactor?: number;
  maxLines?: number;
  /**
   * Only the orders of the last this many days (the others drawn, not written): the recent part of a chain
   * of that size, in a fraction of the time — what the stock benchmarks read (generate-stock.ts).
   */
  sinceDays?: number;
}

type Step = (label: string, work: () => Promise<unknown>) => Promise<void>;

/**
 * Orders of members 0 … n−1: each member prefers a channel (store 40 %, web 35 %, app 20 %, LINE 5 %)
 * and places 70 % of her orders there, the rest anywhere (so some are omni); store orders at her home
 * store mostly. Created over the last 730 days, more of them recent; 4 % cancelled, the last week's still
 * placed, the rest completed. 1–3 lines of 1–2 units at ¥990–¥11,880, popular products more often;
 * one line in 40 returned. Totals are the lines' sum (tax-included, 10 %).
 */
export async function generateOrders(
  sqlRun: (text: string, params: unknown[]) => Promise<unknown>,
  step: Step,
  n: number,
  world: { variantIds: string[]; productIds: string[]; storeIds: string[]; productOfVariant?: string[] },
  shape: OrderShape = {},
): Promise<void> {
  const factor = shape.ordersFactor ?? 1;
  const maxLines = shape.maxLines ?? 3;
  const maxOrders = Math.max(1, Math.round(MAX_ORDERS * factor));
  // The draws' seeds leave room for every order of a member and every line of an order (the default
  // shape keeps the seeds, and so the data, it always had).
  const perMember = maxOrders <= 32 ? 32 : 2 ** Math.ceil(Math.log2(maxOrders + 1));
  const perOrder = maxLines <= 4 ? 4 : 2 ** Math.ceil(Math.log2(maxLines + 1));
  const chunk = Math.max(1_000, Math.round(CHUNK_ORDERS / (ORDERS_PER_MEMBER * factor)));
  const productOfVariant =
    world.productOfVariant ?? world.variantIds.map((_, i) => world.productIds[Math.floor(i / 100)]!);
  const o = (salt: number) => unit(`(i::bigint * ${perMember} + k) * 16 + ${salt}`);
  const l = (salt: number) => unit(`((i::bigint * ${perMember} + k) * ${perOrder} + j) * 16 + ${salt}`);
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    await step(`orders of members ${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')}`, () =>
      sqlRun(
        `WITH vmap AS MATERIALIZED (SELECT (n - 1)::int AS n, vid, pid FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(vid, pid, n)),
              smap AS MATERIALIZED (SELECT (n - 1)::int AS n, id FROM unnest($5::text[]) WITH ORDINALITY AS t(id, n)),
              o AS MATERIALIZED (
                SELECT i, k, 'ord_b' || lpad(i::text, 9, '0') || '_' || k AS id,
                       CASE WHEN ${o(1)} < 0.7 THEN c.pref
                            ELSE (ARRAY['web', 'app', 'store', 'line'])[1 + floor(${o(2)} * 4)::int] END AS channel,
                       now() - make_interval(secs => (power(${o(3)}, 1.4) * 730 * 86400)::int) AS created_at,
                       ${o(4)} < 0.04 AS cancelled,
                       -- her home store (the same draw as customers.home_location_id), one order in five elsewhere
                       CASE WHEN ${o(5)} < 0.8 THEN floor($6::int * power(${unit('i::bigint * 16 + 1')}, 1.5))::int
                            ELSE floor(${o(6)} * $6::int)::int END AS store
                  FROM generate_series($1::int, $2::int - 1) AS i
                 CROSS JOIN LATERAL (
                   SELECT floor(${maxOrders} * power(${unit('i::bigint * 16 + 3')}, 4))::int AS orders,
                          CASE WHEN ${unit('i::bigint * 16 + 5')} < 0.40 THEN 'store'
                               WHEN ${unit('i::bigint * 16 + 5')} < 0.75 THEN 'web'
                               WHEN ${unit('i::bigint * 16 + 5')} < 0.95 THEN 'app' ELSE 'line' END AS pref) AS c
                 CROSS JOIN LATERAL generate_series(1, c.orders) AS k
                 ${shape.sinceDays ? `WHERE power(${o(3)}, 1.4) * 730 < ${Number(shape.sinceDays)}` : ''}),
              l AS MATERIALIZED (
                SELECT o.id AS order_id, j, vm.vid, vm.pid, pick.qty, pick.price,
                       CASE WHEN ${l(4)} < 0.025 THEN pick.qty ELSE 0 END AS returned
                  FROM o
                 CROSS JOIN LATERAL generate_series(1, 1 + floor(${unit(`(i::bigint * ${perMember} + k) * 16 + 7`)} * ${maxLines})::int) AS j
                 CROSS JOIN LATERAL (
                   SELECT floor($7::int * power(${l(1)}, 2))::int AS v, 1 + floor(${l(2)} * 2)::int AS qty,
                          990 * (1 + floor(${l(3)} * 12)::int) AS price) AS pick
                  JOIN vmap vm ON vm.n = pick.v),
              lines AS (
                INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity,
                                         unit_price, tax_rate, total, returned_quantity)
                SELECT order_id || '_' || j, order_id, 'ful' || substr(order_id, 4), vid, pid, 'ベンチ商品', '{}'::jsonb,
                       '2000000000000', qty, price, 10, qty * price, returned
                  FROM l),
              totals AS (SELECT order_id, sum(qty * price)::int AS total FROM l GROUP BY order_id)
         INSERT INTO orders (id, number, channel, location_id, customer_id, status, subtotal, total, taxes, created_at, updated_at)
         SELECT o.id, 'B-' || o.i || '-' || o.k, o.channel, CASE WHEN o.channel = 'store' THEN sm.id END,
                'cus_b' || lpad(o.i::text, 9, '0'),
                CASE WHEN o.cancelled THEN 'cancelled' WHEN o.created_at > now() - interval '7 days' THEN 'placed' ELSE 'completed' END,
                t.total, t.total,
                jsonb_build_array(jsonb_build_object('rate', 10, 'base', t.total - t.total / 11, 'tax', t.total / 11)),
                o.created_at, o.created_at
           FROM o JOIN totals t ON t.order_id = o.id JOIN smap sm ON sm.n = o.store`,
        [from, to, world.variantIds, productOfVariant, world.storeIds, world.storeIds.length, world.variantIds.length],
      ),
    );
  }
}
