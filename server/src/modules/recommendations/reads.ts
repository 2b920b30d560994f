import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { queryNamed } from '../../platform/db/prepared.ts';
import { readPart, type ReadPart } from '../../platform/db/read-parts.ts';
import { getProduct, isActiveProductSql, productSummaries, type ProductImage } from '../catalog/service.ts';
import { availableAtSql, inStockSql } from '../inventory/service.ts';
import { memberProductsSql } from '../orders/service.ts';
import { historySql } from './history.ts';

/** Her newest products that vote for candidates. */
const SEEDS = 50;
/** A signal's weight halves every HALF_LIFE_DAYS: what she bought last week says more than last year. */
export const HALF_LIFE_DAYS = 60;

export interface Recommendation {
  productId: string;
  name: string;
  nameKana: string;
  priceMin: number;
  priceMax: number;
  /** The main picture, or null. */
  image: ProductImage | null;
  /** `history`: from her own history (or, on a product page, from this product's); `popular`: what members buy most, to fill. */
  reason: 'history' | 'popular';
  /** The product of her history that weighs most for this one (null for popular fills and on a product page). */
  basedOn: { productId: string; name: string } | null;
  /** Units available at the store asked about (the clienteling card), else null. */
  available: number | null;
}

interface Pick {
  product_id: string;
  reason: 'history' | 'popular';
  based_on: string | null;
  available: number | null;
}

async function named(db: Db, picks: Pick[]): Promise<Recommendation[]> {
  const summaries = await productSummaries(db, [
    ...new Set(picks.flatMap((p) => (p.based_on ? [p.product_id, p.based_on] : [p.product_id]))),
  ]);
  const byId = new Map(summaries.map((s) => [s.id, s]));
  return picks.flatMap((p) => {
    const s = byId.get(p.product_id);
    if (!s) return [];
    const base = p.based_on ? byId.get(p.based_on) : undefined;
    return [
      {
        productId: s.id,
        name: s.name,
        nameKana: s.nameKana,
        priceMin: s.priceMin,
        priceMax: s.priceMax,
        image: s.image,
        reason: p.reason,
        basedOn: base ? { productId: base.id, name: base.name } : null,
        available: p.available === null ? null : Number(p.available),
      },
    ];
  });
}

/**
 * The statement behind a member's top N: her history's products vote for their neighbours (weight × decay
 * × score), what she bought is left out, then the popular list fills what is missing. With `locationId`,
 * only products in stock at that store (and their units there). Also what the benchmark times.
 */
export function personalStatement(customerId: string, n: number, locationId?: string): SQL {
  const sellable = (p: SQL) =>
    locationId
      ? sql`${isActiveProductSql(p)} AND ${inStockSql(p, locationId)}`
      : sql`${isActiveProductSql(p)} AND ${inStockSql(p)}`;
  const available = locationId ? availableAtSql(sql`r.product_id`, locationId) : sql`NULL::int`;
  return sql`WITH mine AS (
        SELECT product_id, w * power(0.5, extract(epoch FROM now() - at) / 86400 / ${HALF_LIFE_DAYS}) AS w
          FROM (${historySql({ customerId })}) h ORDER BY at DESC LIMIT ${SEEDS}
      ), bought AS (
        SELECT product_id FROM (${memberProductsSql({ customerId })}) b
      ), votes AS (
        SELECT n.neighbour_id AS product_id, sum(m.w * n.score) AS score,
               (array_agg(m.product_id ORDER BY m.w * n.score DESC))[1] AS based_on
          FROM mine m JOIN product_neighbours n ON n.product_id = m.product_id
         WHERE n.neighbour_id NOT IN (SELECT product_id FROM bought)
         GROUP BY n.neighbour_id
      ), personal AS (
        SELECT product_id, based_on, row_number() OVER (ORDER BY score DESC, product_id) AS ord
          FROM votes v WHERE ${sellable(sql`v.product_id`)}
         ORDER BY score DESC, product_id LIMIT ${n}
      ), popular AS (
        SELECT product_id, NULL::text AS based_on, rank AS ord FROM product_popularity p
         WHERE product_id NOT IN (SELECT product_id FROM bought) AND product_id NOT IN (SELECT product_id FROM personal)
           AND ${sellable(sql`p.product_id`)}
         ORDER BY rank LIMIT ${n}
      ), r AS (
        SELECT product_id, 'history' AS reason, based_on, 0 AS tier, ord FROM personal
        UNION ALL
        SELECT product_id, 'popular', based_on, 1, ord FROM popular
      )
      SELECT r.product_id, r.reason, r.based_on, ${available} AS available FROM r ORDER BY tier, ord LIMIT ${n}`;
}

/**
 * A member's top `n` from her unified history (the shop's home; the card with `locationId`: in stock there).
 * Sent as a named prepared statement: planning it (≈ 3–5 ms) costs more than running it (≈ 2 ms).
 */
export async function recommendFor(
  db: Db,
  customerId: string,
  opts: { n: number; locationId?: string | undefined },
): Promise<Recommendation[]> {
  return named(db, await queryNamed<Pick>(db, personalStatement(customerId, opts.n, opts.locationId)));
}

/** recommendFor as a part of a larger read (platform/db/read-parts.ts): the clienteling card's suggestions. */
export function recommendPart(
  db: Db,
  customerId: string,
  opts: { n: number; locationId?: string | undefined },
): ReadPart<Recommendation[]> {
  return readPart<Pick, Recommendation[]>(personalStatement(customerId, opts.n, opts.locationId), (picks) =>
    named(db, picks),
  );
}

/** The statement behind a product page's list: its neighbours on sale and in stock somewhere, nearest first. */
export function alsoBoughtStatement(productId: string, n: number): SQL {
  return sql`SELECT n.neighbour_id AS product_id, 'history' AS reason, NULL::text AS based_on, NULL::int AS available
               FROM product_neighbours n
              WHERE n.product_id = ${productId} AND ${isActiveProductSql(sql`n.neighbour_id`)} AND ${inStockSql(sql`n.neighbour_id`)}
              ORDER BY n.rank LIMIT ${n}`;
}

/** 「一緒に買われている商品」 of a product page: the products most often in the same members' histories. */
export async function alsoBought(db: Db, productId: string, opts: { n: number }): Promise<Recommendation[]> {
  const picks = await queryNamed<Pick>(db, alsoBoughtStatement(productId, opts.n));
  // Nothing to show: say so for a product that does not exist (404), not for one without neighbours yet.
  if (!picks.length) await getProduct(db, productId);
  return named(db, picks);
}

/**
 * The product's place among the most bought (1 = most members bought it in 90 days; null when none did), as
 * an SQL expression of `productId`: the shop's 「人気」 order.
 */
export function popularityRankSql(productId: SQL): SQL {
  return sql`(SELECT rank FROM product_popularity WHERE product_id = ${productId})`;
}
