import { sql, type SQL } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { query, type Executor } from '../../platform/db/connection.ts';
import { createTestLocation, describeEachDatabase } from '../../test/harness.ts';
import { categorySubtreeSql, searchMatchSql } from '../catalog/service.ts';
import { gramsOf, searchFields } from '../catalog/search-text.ts';
import { availableAtSql, variantInStockAtSql } from '../inventory/service.ts';
import { popularityRankSql } from '../recommendations/service.ts';
import { COLOUR_KEY, listProducts, SIZE_KEY, SORTS, TOTAL_CAP, type ListingQuery } from './listing.ts';

const rnd = () => Math.random().toString(36).slice(2, 8);

/**
 * The listing as it was before the product kept its variants' figures: every listed product's active
 * variants read by a LATERAL (prices, count, those matching every variant filter) and a window count.
 * The reference the new statement must answer exactly like.
 */
async function listedBefore(db: Executor, q: ListingQuery, stockAt: string[]) {
  const page = q.page ?? 1;
  const { conds, rank } = searchMatchSql(q.q ?? '');
  conds.push(sql`p.status = 'active'`);
  if (q.category) conds.push(sql`p.category_id IN (${categorySubtreeSql(q.category)})`);
  const list = (vs: readonly string[]) =>
    sql.join(
      vs.map((v) => sql`${v}`),
      sql`, `,
    );
  const parts: SQL[] = [];
  if (q.sizes?.length) parts.push(sql`v.options->>${SIZE_KEY} IN (${list(q.sizes)})`);
  if (q.colours?.length) parts.push(sql`v.options->>${COLOUR_KEY} IN (${list(q.colours)})`);
  if (q.priceMin !== undefined) parts.push(sql`v.price >= ${q.priceMin}`);
  if (q.priceMax !== undefined) parts.push(sql`v.price <= ${q.priceMax}`);
  if (q.stock) parts.push(variantInStockAtSql(sql`v.id`, stockAt));
  const match = parts.length ? sql.join(parts, sql` AND `) : sql`true`;
  const sort = q.sort ?? 'recommended';
  const order =
    sort === 'new'
      ? sql`p.created_at DESC, p.id`
      : sort === 'price_asc'
        ? sql`pr.price_min, p.created_at DESC, p.id`
        : sort === 'price_desc'
          ? sql`pr.price_max DESC, p.created_at DESC, p.id`
          : sort === 'popular'
            ? sql`${popularityRankSql(sql`p.id`)} NULLS LAST, p.created_at DESC, p.id`
            : q.q
              ? sql`${rank}, p.sort_key COLLATE "C", p.id`
              : sql`p.created_at DESC, p.id`;
  const storeAvailable = q.store ? availableAtSql(sql`p.id`, q.store) : sql`NULL::int`;
  const rows = await query<{
    id: string;
    priceMin: number;
    priceMax: number;
    variantCount: number;
    storeAvailable: number | null;
    total: number;
  }>(
    db,
    sql`SELECT p.id, pr.price_min AS "priceMin", pr.price_max AS "priceMax", pr.n AS "variantCount",
               ${storeAvailable} AS "storeAvailable", count(*) OVER ()::int AS total
          FROM products p
          CROSS JOIN LATERAL (SELECT min(v.price)::int AS price_min, max(v.price)::int AS price_max, count(*)::int AS n,
                                     count(*) FILTER (WHERE ${match})::int AS matching
                                FROM variants v WHERE v.product_id = p.id AND v.status = 'active') pr
         WHERE ${sql.join(conds, sql` AND `)} AND pr.matching > 0
         ORDER BY ${order}
         LIMIT ${q.limit} OFFSET ${(page - 1) * q.limit}`,
  );
  return {
    ids: rows.map((r) => r.id),
    tiles: rows.map((r) => [r.id, r.priceMin, r.priceMax, r.variantCount, r.storeAvailable].map(String).join(' ')),
    total: rows.length ? Number(rows[0]!.total) : null,
  };
}

describeEachDatabase('storefront listing: kept figures and a capped total', (ctx) => {
  it('answers every sort, filter and page exactly as the listing that read every match’s variants', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const t = rnd();
    const tag = `xq${t}`;
    const top = `cat_eq${t}`;
    const sub = `cat_eq${t}s`;
    await db.execute(sql`INSERT INTO categories (id, name) VALUES (${top}, ${`衣料 ${t}`})`);
    await db.execute(sql`INSERT INTO categories (id, name, parent_id) VALUES (${sub}, ${`コート ${tag}`}, ${top})`);
    const store = await createTestLocation(app, { name: `渋谷 ${t}` });
    const sizes = ['S', 'M', 'L'];
    const colours = ['ネイビー', 'ブラック', '生成り'];
    // 40 products, each ranking differently for the tag: name starts with it, contains it, its reading
    // starts with it, or only its category has it; prices repeat (ties broken by arrival), some variants
    // archived, some products with none active, two archived products, some arriving together.
    const products: Array<Record<string, unknown>> = [];
    const variants: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 40; i++) {
      const kind = i % 4;
      const name = [`${tag}パンツ ${i}`, `ワイド${tag} ${i}`, `シャツ ${i}`, `コート ${i}`][kind]!;
      const nameKana = kind === 2 ? `${tag}しゃつ ${i}` : `かな ${i}`;
      const vs = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        id: `var_eq${t}_${i}_${k}`,
        sku: `EQ-${t}-${i}-${k}`,
        jan: `${t}${i}-${k}`,
        price: 1000 * (1 + ((i * 7 + k * 3) % 8)),
        options: { [SIZE_KEY]: sizes[(i + k) % 3]!, [COLOUR_KEY]: colours[(i * 2 + k) % 3]! },
        status: (i + k) % 5 === 0 ? 'archived' : 'active',
      }));
      const f = searchFields({
        name,
        nameKana,
        categoryNames: kind === 3 ? [`コート ${tag}`] : [`衣料 ${t}`],
        skus: vs.map((v) => v.sku),
        jans: vs.map((v) => v.jan),
        options: [...new Set(vs.flatMap((v) => Object.values(v.options)))],
      });
      products.push({
        id: `prd_eq${t}_${String(i).padStart(2, '0')}`,
        name,
        name_kana: nameKana,
        category_id: kind === 3 ? sub : top,
        status: i === 5 || i === 22 ? 'archived' : 'active',
        search_text: f.searchText,
        search_grams: f.searchGrams,
        sort_key: f.sortKey,
        days: Math.floor(i / 3),
      });
      for (const v of vs) variants.push({ ...v, product_id: `prd_eq${t}_${String(i).padStart(2, '0')}` });
    }
    await db.execute(sql`INSERT INTO products (id, name, name_kana, category_id, tax_rate, status, search_text, search_grams, sort_key, created_at)
      SELECT id, name, name_kana, category_id, 10, status, search_text, search_grams, sort_key, now() - make_interval(days => days)
        FROM jsonb_to_recordset(${JSON.stringify(products)}::jsonb) AS t(id text, name text, name_kana text, category_id text,
             status text, search_text text, search_grams text[], sort_key text, days int)`);
    // One statement for all the variants, as the bench generators write them: the trigger keeps the products.
    await db.execute(sql`INSERT INTO variants (id, product_id, sku, jan, price, options, status)
      SELECT id, product_id, sku, jan, price, options, status
        FROM jsonb_to_recordset(${JSON.stringify(variants)}::jsonb) AS t(id text, product_id text, sku text, jan text,
             price int, options jsonb, status text)`);
    await db.execute(sql`INSERT INTO stock_levels (variant_id, location_id, on_hand, reserved)
      SELECT id, ${store}, (row_number() OVER (ORDER BY id))::int % 4, 1
        FROM variants WHERE id LIKE ${`var_eq${t}_%`}`);

    const filters: Array<Partial<ListingQuery>> = [
      {},
      { sizes: ['M'] },
      { colours: ['ネイビー', 'ブラック'] },
      { priceMin: 3000 },
      { priceMax: 5000 },
      { priceMin: 3000, priceMax: 6000 },
      { sizes: ['M'], priceMax: 5000 },
      { stock: 'store' as const, store },
      { store },
    ];
    const scopes: Array<Partial<ListingQuery>> = [
      { q: tag },
      { category: top },
      { category: sub },
      { q: tag, category: top },
    ];
    let compared = 0;
    for (const scope of scopes)
      for (const filter of filters)
        for (const sort of SORTS) {
          const base: ListingQuery = { ...scope, ...filter, sort, limit: 7 };
          const stockAt = base.stock ? [store] : [];
          for (let page = 1; ; page++) {
            const before = await listedBefore(db, { ...base, page }, stockAt);
            const after = await listProducts(db, { ...base, page });
            const label = JSON.stringify({ ...scope, ...filter, sort, page });
            expect(
              after.items.map((r) =>
                [r.id, r.priceMin, r.priceMax, r.variantCount, r.storeAvailable].map(String).join(' '),
              ),
              label,
            ).toEqual(before.tiles);
            if (before.total !== null) expect(after.total, label).toBe(before.total);
            expect(after.totalCapped).toBe(false);
            compared++;
            if (!before.ids.length) break;
          }
        }
    expect(compared).toBeGreaterThan(400);
  });

  it('counts no further than 2,000: past it the total is 2,000 and says so (「2,000件以上」), with or without a search', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const t = rnd();
    const tag = `zk${t}`;
    const cat = `cat_cap${t}`;
    await db.execute(sql`INSERT INTO categories (id, name) VALUES (${cat}, ${`上限 ${t}`})`);
    const add = async (from: number, to: number) => {
      await db.execute(sql`INSERT INTO products (id, name, category_id, tax_rate, search_text, search_grams, sort_key)
        SELECT 'prd_cap' || ${t} || g, ${tag} || ' ' || g, ${cat}, 10, ${tag}, ${sql.param(gramsOf(tag))}::text[], ${tag} || lpad(g::text, 5, '0')
          FROM generate_series(${from}::int, ${to}::int) g`);
      await db.execute(sql`INSERT INTO variants (id, product_id, sku, jan, price)
        SELECT 'var_cap' || ${t} || g, 'prd_cap' || ${t} || g, 'CAP-' || ${t} || '-' || g, 'cap' || ${t} || g, 1000 + g
          FROM generate_series(${from}::int, ${to}::int) g`);
    };
    await add(1, TOTAL_CAP);
    for (const scope of [{ category: cat }, { q: tag }]) {
      const exactly = await listProducts(db, { ...scope, limit: 24 });
      expect([exactly.total, exactly.totalCapped, exactly.pageCount]).toEqual([2000, false, 84]);
    }
    await add(TOTAL_CAP + 1, TOTAL_CAP + 5);
    for (const scope of [{ category: cat }, { q: tag }]) {
      const capped = await listProducts(db, { ...scope, limit: 24 });
      expect([capped.total, capped.totalCapped, capped.pageCount, capped.items.length]).toEqual([2000, true, 84, 24]);
      // A page past the counted ones still lists (a shared link), with the same capped total.
      const far = await listProducts(db, { ...scope, sort: 'price_asc', limit: 1000, page: 3 });
      expect([far.items.length, far.total, far.totalCapped]).toEqual([5, 2000, true]);
    }
    const res = await app.api('GET', `/api/shop/products?category=${cat}`, { token: null });
    expect(res.json()).toMatchObject({ total: 2000, totalCapped: true, pageCount: 84 });
  });
});
