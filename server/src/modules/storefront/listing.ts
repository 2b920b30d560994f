import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  categorySubtreeSql,
  didYouMean,
  mainImageJson,
  mainImageView,
  searchMatchSql,
  type ProductImage,
} from '../catalog/service.ts';
import { availableAtSql, variantInStockAtSql } from '../inventory/service.ts';
import { distanceKm, getLocation, listLocations } from '../locations/service.ts';
import { popularityRankSql } from '../recommendations/service.ts';

/** The variant option keys the shop filters by (the catalogue's own words). */
export const SIZE_KEY = 'サイズ';
export const COLOUR_KEY = 'カラー';
/** 「近くの店舗」: stores within this distance of her, at most NEAR_STORES of them (always the nearest one). */
export const NEAR_KM = 5;
export const NEAR_STORES = 5;

export const SORTS = ['recommended', 'new', 'price_asc', 'price_desc', 'popular'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListingQuery {
  q?: string | undefined;
  category?: string | undefined;
  collection?: string | undefined;
  sizes?: readonly string[] | undefined;
  colours?: readonly string[] | undefined;
  priceMin?: number | undefined;
  priceMax?: number | undefined;
  /** 在庫あり: at her store (`store`), or at the stores near her (`near`, else near her store). */
  stock?: 'store' | 'near' | undefined;
  store?: string | undefined;
  near?: { lat: number; lng: number } | undefined;
  sort?: Sort | undefined;
  page?: number | undefined;
  limit: number;
}

export interface Tile {
  id: string;
  name: string;
  categoryId: string | null;
  priceMin: number;
  priceMax: number;
  variantCount: number;
  /** Units available at her store (all variants together); null when no store was given. */
  storeAvailable: number | null;
  /** The product's main picture (docs/images.md), null when it has none. */
  image: ProductImage | null;
}

export interface Facet {
  value: string;
  count: number;
}

interface Row extends Tile {
  total: number;
}

/**
 * Her store, when the query names one: the shop shows stock of active stores only, never of a warehouse or
 * a closed store (whose id an old link or a curious caller may still send).
 */
async function assertShopStore(db: Executor, id: string | undefined): Promise<void> {
  if (id === undefined) return;
  const loc = await getLocation(db, id).catch(() => null);
  if (!loc || loc.kind !== 'store' || !loc.active)
    throw new DomainError('platform.validation', {}, [{ field: 'store', message: 'not a store of the shop' }]);
}

/** The stores whose stock counts for 「在庫あり」. */
async function stockLocations(db: Executor, q: ListingQuery): Promise<string[]> {
  if (!q.stock) return [];
  if (q.stock === 'store') {
    if (!q.store) throw new DomainError('platform.validation', {}, [{ field: 'store', message: 'required' }]);
    return [q.store];
  }
  const stores = await listLocations(db, { kind: 'store' });
  const from = q.near ?? stores.find((s) => s.id === q.store);
  if (!from) throw new DomainError('platform.validation', {}, [{ field: 'near', message: 'required' }]);
  const byDistance = stores.map((s) => ({ id: s.id, km: distanceKm(from, s) })).sort((a, b) => a.km - b.km);
  const near = byDistance.filter((s) => s.km <= NEAR_KM).slice(0, NEAR_STORES);
  return (near.length ? near : byDistance.slice(0, 1)).map((s) => s.id);
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/** What a product must be to be listed at all, whatever its variants: on sale, searched for, in the category or collection. */
function productConds(q: ListingQuery): { conds: SQL[]; rank: SQL } {
  const { conds, rank } = searchMatchSql(q.q ?? '');
  conds.push(sql`p.status = 'active'`);
  if (q.category) conds.push(sql`p.category_id IN (${categorySubtreeSql(q.category)})`);
  if (q.collection)
    conds.push(sql`EXISTS (SELECT 1 FROM collections c WHERE c.id = ${q.collection} AND (
        (c.kind = 'manual' AND p.id IN (SELECT product_id FROM collection_products WHERE collection_id = c.id))
        OR (c.kind = 'rule' AND p.category_id IN (${sql`WITH RECURSIVE tree AS (
              SELECT id FROM categories WHERE id = c.category_id
              UNION SELECT k.id FROM categories k JOIN tree t ON k.parent_id = t.id) SELECT id FROM tree`})
            AND (c.new_within_days IS NULL OR p.created_at > now() - make_interval(days => c.new_within_days)))))`);
  return { conds, rank };
}

/** The most matches the listing counts: past it the total is 「2,000件以上」, whatever the catalogue's size. */
export const TOTAL_CAP = 2_000;

/**
 * What one variant `v` must be: the size, colour, price band and stock she asked for, all on the same
 * variant; null when she asked for none of them.
 */
function variantMatch(q: ListingQuery, stockAt: string[]): SQL | null {
  const parts: SQL[] = [];
  if (q.sizes?.length) parts.push(sql`v.options->>${SIZE_KEY} IN (${list(q.sizes)})`);
  if (q.colours?.length) parts.push(sql`v.options->>${COLOUR_KEY} IN (${list(q.colours)})`);
  if (q.priceMin !== undefined) parts.push(sql`v.price >= ${q.priceMin}`);
  if (q.priceMax !== undefined) parts.push(sql`v.price <= ${q.priceMax}`);
  if (q.stock) parts.push(variantInStockAtSql(sql`v.id`, stockAt));
  return parts.length ? sql.join(parts, sql` AND `) : null;
}

/**
 * What a product must have among its active variants to be listed: at least one, and one that matches
 * every variant filter together (M in navy under ¥5,000 in stock at 渋谷店 is one variant, not three).
 * The product's kept price range and count (catalog's schema) answer without reading its variants when
 * she asked for no variant filter, rule out a price band the range misses, and settle one that holds the
 * cheapest or the dearest variant; only the rest (a band strictly inside the range) probe the variants.
 */
function listedConds(q: ListingQuery, stockAt: string[]): SQL[] {
  const conds = [sql`p.active_variants > 0`];
  const match = variantMatch(q, stockAt);
  if (!match) return conds;
  if (q.priceMin !== undefined) conds.push(sql`p.price_max >= ${q.priceMin}`);
  if (q.priceMax !== undefined) conds.push(sql`p.price_min <= ${q.priceMax}`);
  const probe = sql`EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.status = 'active' AND ${match})`;
  // Within those bounds, a band holding the top or the bottom of the range holds that variant.
  const onlyPrice = !q.sizes?.length && !q.colours?.length && !q.stock;
  const settled: SQL[] = [];
  if (q.priceMax !== undefined) settled.push(sql`p.price_max <= ${q.priceMax}`);
  if (q.priceMin !== undefined) settled.push(sql`p.price_min >= ${q.priceMin}`);
  conds.push(onlyPrice ? sql`(${sql.join([...settled, probe], sql` OR `)})` : probe);
  return conds;
}

function orderBy(q: ListingQuery, rank: SQL): SQL {
  const sort = q.sort ?? 'recommended';
  if (sort === 'new') return sql`p.created_at DESC, p.id`;
  if (sort === 'price_asc') return sql`p.price_min, p.created_at DESC, p.id`;
  if (sort === 'price_desc') return sql`p.price_max DESC, p.created_at DESC, p.id`;
  if (sort === 'popular') return sql`${popularityRankSql(sql`p.id`)} NULLS LAST, p.created_at DESC, p.id`;
  // おすすめ順: relevance when she searched, the collection's own order for a hand-picked one, else newest.
  if (q.q) return sql`${rank}, p.sort_key COLLATE "C", p.id`;
  if (q.collection)
    return sql`(SELECT position FROM collection_products WHERE collection_id = ${q.collection} AND product_id = p.id) NULLS LAST, p.created_at DESC, p.id`;
  return sql`p.created_at DESC, p.id`;
}

/** At most TOTAL_CAP + 1 of the listed products, counted: enough to say 「2,000件以上」. */
function cappedCountSql(where: SQL): SQL {
  return sql`(SELECT count(*)::int FROM (SELECT 1 FROM products p WHERE ${where} LIMIT ${TOTAL_CAP + 1}) m)`;
}

/**
 * The listing's one statement: a page of tiles and the total. Prices and the variant count come from the
 * product's kept columns; stock at her store and the picture are read for the page's products only (the
 * planner evaluates them after the LIMIT). With `q` the gram index finds the matches and every one is
 * ranked anyway, so the total is a window count of that same pass; without it the page may be an index walk
 * that stops at the page (新着: created_at), and the total a separate count that stops at TOTAL_CAP + 1.
 */
export function listingSql(q: ListingQuery, stockAt: string[], page: number): SQL {
  const { conds, rank } = productConds(q);
  const where = sql.join([...conds, ...listedConds(q, stockAt)], sql` AND `);
  const storeAvailable = q.store ? availableAtSql(sql`p.id`, q.store) : sql`NULL::int`;
  const total = q.q ? sql`count(*) OVER ()` : cappedCountSql(where);
  return sql`SELECT p.id, p.name, p.category_id AS "categoryId", p.price_min AS "priceMin", p.price_max AS "priceMax",
               p.active_variants AS "variantCount", ${storeAvailable} AS "storeAvailable", ${mainImageJson} AS image,
               ${total}::int AS total
          FROM products p
         WHERE ${where}
         ORDER BY ${orderBy(q, rank)}
         LIMIT ${q.limit} OFFSET ${(page - 1) * q.limit}`;
}

/**
 * The shop's listing: one statement, filters in SQL (listingSql). Its work does not grow with the number
 * of matches' variants: only the page's products are read beyond the product rows, and the total stops
 * at TOTAL_CAP (`totalCapped`: 「2,000件以上」).
 */
export async function listProducts(
  db: Executor,
  q: ListingQuery,
): Promise<{
  items: Tile[];
  total: number;
  totalCapped: boolean;
  page: number;
  pageCount: number;
  didYouMean: string | null;
}> {
  const page = Math.max(1, q.page ?? 1);
  await assertShopStore(db, q.store);
  const stockAt = await stockLocations(db, q);
  const rows = await query<Row>(db, listingSql(q, stockAt, page));
  const counted = rows.length ? Number(rows[0]!.total) : page > 1 ? await countOnly(db, q, stockAt) : 0;
  const total = Math.min(counted, TOTAL_CAP);
  const suggestion = total === 0 && q.q ? await didYouMean(db, q.q) : null;
  return {
    items: rows.map(({ total: _t, ...r }) => ({
      ...r,
      priceMin: Number(r.priceMin ?? 0),
      priceMax: Number(r.priceMax ?? 0),
      variantCount: Number(r.variantCount),
      storeAvailable: r.storeAvailable === null ? null : Number(r.storeAvailable),
      image: mainImageView(r.image),
    })),
    total,
    totalCapped: counted > TOTAL_CAP,
    page,
    pageCount: Math.ceil(total / q.limit),
    didYouMean: suggestion,
  };
}

/** The total when the page asked for lies past the end (a shared link after the catalogue shrank). */
async function countOnly(db: Executor, q: ListingQuery, stockAt: string[]): Promise<number> {
  const { conds } = productConds(q);
  const [row] = await query<{ n: number }>(
    db,
    sql`SELECT ${cappedCountSql(sql.join([...conds, ...listedConds(q, stockAt)], sql` AND `))} AS n`,
  );
  return Number(row?.n ?? 0);
}

const SIZE_ORDER = ['XS', 'S', 'M', 'L', 'XL', 'XXL', 'F'];

function sizeOrder(a: string, b: string): number {
  const ia = SIZE_ORDER.indexOf(a);
  const ib = SIZE_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  const na = parseFloat(a);
  const nb = parseFloat(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The sizes and colours on offer among what she is looking at (search, category, collection), each with
 * how many products have it: the filter's choices, so none of them leads to an empty page by itself.
 */
export async function listingFacets(db: Executor, q: ListingQuery): Promise<{ sizes: Facet[]; colours: Facet[] }> {
  const { conds } = productConds(q);
  const rows = await query<{ k: 'size' | 'colour'; value: string; count: number }>(
    db,
    sql`SELECT x.k, x.value, count(DISTINCT p.id)::int AS count
          FROM products p
          JOIN variants v ON v.product_id = p.id AND v.status = 'active'
          CROSS JOIN LATERAL (VALUES ('size', v.options->>${SIZE_KEY}), ('colour', v.options->>${COLOUR_KEY})) x(k, value)
         WHERE ${sql.join(conds, sql` AND `)} AND x.value IS NOT NULL
         GROUP BY x.k, x.value`,
  );
  const of = (k: 'size' | 'colour') =>
    rows.filter((r) => r.k === k).map((r) => ({ value: r.value, count: Number(r.count) }));
  return {
    sizes: of('size').sort((a, b) => sizeOrder(a.value, b.value)),
    colours: of('colour').sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
  };
}
