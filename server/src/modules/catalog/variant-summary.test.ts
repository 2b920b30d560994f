import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { query, type Executor } from '../../platform/db/connection.ts';
import { describeEachDatabase, testJan } from '../../test/harness.ts';

interface Kept {
  priceMin: number | null;
  priceMax: number | null;
  activeVariants: number;
}

/** The product's kept columns beside the same figures recomputed from its variants. */
async function keptAndActual(db: Executor, productId: string): Promise<{ kept: Kept; actual: Kept }> {
  const [row] = await query<{ kept: Kept; actual: Kept }>(
    db,
    sql`SELECT json_build_object('priceMin', p.price_min, 'priceMax', p.price_max, 'activeVariants', p.active_variants) AS kept,
               json_build_object('priceMin', min(v.price), 'priceMax', max(v.price), 'activeVariants', count(v.id)) AS actual
          FROM products p LEFT JOIN variants v ON v.product_id = p.id AND v.status = 'active'
         WHERE p.id = ${productId} GROUP BY p.id`,
  );
  return row!;
}

/** Products whose kept columns disagree with their variants (none, when every writer keeps them). */
async function staleProducts(db: Executor): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`SELECT p.id FROM products p
          LEFT JOIN (SELECT product_id, min(price) AS lo, max(price) AS hi, count(*)::int AS n
                       FROM variants WHERE status = 'active' GROUP BY product_id) s ON s.product_id = p.id
         WHERE (p.price_min, p.price_max, p.active_variants) IS DISTINCT FROM (s.lo, s.hi, COALESCE(s.n, 0))`,
  );
  return rows.map((r) => r.id);
}

describeEachDatabase('catalog: what a product keeps of its variants', (ctx) => {
  const sku = () => `VS-${Math.random().toString(36).slice(2, 10)}`;

  it('a product’s price range and count of active variants follow every change of its variants', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const created = await app.api('POST', '/api/products', {
      body: {
        name: '撥水ジャケット',
        nameKana: 'はっすいじゃけっと',
        taxRate: 10,
        variants: [
          { sku: sku(), jan: testJan(), price: 5990, options: { サイズ: 'M' } },
          { sku: sku(), jan: testJan(), price: 6990, options: { サイズ: 'L' } },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json();
    const byPrice = (price: number) =>
      (p.variants as Array<{ id: string; price: number }>).find((v) => v.price === price);
    const m = byPrice(5990);
    const l = byPrice(6990);
    const check = async (expected: Kept) => {
      const { kept, actual } = await keptAndActual(db, p.id);
      expect(kept).toEqual(expected);
      expect(kept).toEqual(actual);
    };
    await check({ priceMin: 5990, priceMax: 6990, activeVariants: 2 });

    // A new variant, cheaper than the rest.
    const added = await app.api('POST', `/api/products/${p.id}/variants`, {
      body: { sku: sku(), jan: testJan(), price: 4990, options: { サイズ: 'S' } },
    });
    expect(added.statusCode, added.body).toBeLessThan(300);
    await check({ priceMin: 4990, priceMax: 6990, activeVariants: 3 });

    // A price change raises the top of the range.
    expect((await app.api('PATCH', `/api/variants/${l!.id}`, { body: { price: 7990 } })).statusCode).toBe(200);
    await check({ priceMin: 4990, priceMax: 7990, activeVariants: 3 });

    // Deactivating the dearest takes it out of the range and the count; bringing it back puts it in again.
    expect((await app.api('PATCH', `/api/variants/${l!.id}`, { body: { status: 'archived' } })).statusCode).toBe(200);
    await check({ priceMin: 4990, priceMax: 5990, activeVariants: 2 });
    expect((await app.api('PATCH', `/api/variants/${l!.id}`, { body: { status: 'active' } })).statusCode).toBe(200);
    await check({ priceMin: 4990, priceMax: 7990, activeVariants: 3 });

    // An edit of options alone leaves the figures as they are.
    expect((await app.api('PATCH', `/api/variants/${m!.id}`, { body: { options: { サイズ: 'M2' } } })).statusCode).toBe(
      200,
    );
    await check({ priceMin: 4990, priceMax: 7990, activeVariants: 3 });

    // With every variant archived the product has no range (the shop does not list it).
    for (const v of added.json().variants as Array<{ id: string }>)
      await app.api('PATCH', `/api/variants/${v.id}`, { body: { status: 'archived' } });
    await check({ priceMin: null, priceMax: null, activeVariants: 0 });
  });

  it('ten variants added to one product at once, and their prices changed at once, leave its figures right', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const created = await app.api('POST', '/api/products', {
      body: { name: '同時 追加', taxRate: 10, variants: [{ sku: sku(), jan: testJan(), price: 5000 }] },
    });
    const p = created.json();
    // Each writer's trigger locks the product and reads its variants after the lock: a writer that waited
    // sees the one before it, so the last to commit leaves the figures of all of them.
    const added = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        app.api('POST', `/api/products/${p.id}/variants`, { body: { sku: sku(), jan: testJan(), price: 1000 + i } }),
      ),
    );
    expect(added.map((r) => r.statusCode).every((c) => c < 300)).toBe(true);
    let { kept, actual } = await keptAndActual(db, p.id);
    expect(kept).toEqual({ priceMin: 1000, priceMax: 5000, activeVariants: 11 });
    expect(kept).toEqual(actual);
    const ids = (await app.api('GET', `/api/products/${p.id}`)).json().variants.map((v: { id: string }) => v.id);
    await Promise.all(
      ids.map((id: string, i: number) => app.api('PATCH', `/api/variants/${id}`, { body: { price: 20000 + i } })),
    );
    ({ kept, actual } = await keptAndActual(db, p.id));
    expect(kept).toEqual({ priceMin: 20000, priceMax: 20010, activeVariants: 11 });
    expect(kept).toEqual(actual);
  });

  it('set-based writes keep them too: a statement inserting, repricing and deleting many variants at once', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const t = Math.random().toString(36).slice(2, 8);
    await db.execute(sql`INSERT INTO products (id, name, tax_rate)
      SELECT 'prd_vs' || ${t} || g, '一括 ' || g, 10 FROM generate_series(1, 50) g`);
    await db.execute(sql`INSERT INTO variants (id, product_id, sku, jan, price)
      SELECT 'var_vs' || ${t} || g || '_' || k, 'prd_vs' || ${t} || g, 'VS-' || ${t} || '-' || g || '-' || k,
             ${t} || '-' || g || '-' || k, 1000 * k + g
        FROM generate_series(1, 50) g, generate_series(1, 3) k`);
    const ids = (n: number) => `prd_vs${t}${n}`;
    expect((await keptAndActual(db, ids(7))).kept).toEqual({ priceMin: 1007, priceMax: 3007, activeVariants: 3 });
    await db.execute(sql`UPDATE variants SET price = price + 10000 WHERE id LIKE ${`var_vs${t}%_1`}`);
    expect((await keptAndActual(db, ids(7))).kept).toEqual({ priceMin: 2007, priceMax: 11007, activeVariants: 3 });
    await db.execute(sql`DELETE FROM variants WHERE id LIKE ${`var_vs${t}%_2`}`);
    expect((await keptAndActual(db, ids(7))).kept).toEqual({ priceMin: 3007, priceMax: 11007, activeVariants: 2 });
    expect(await staleProducts(db)).toEqual([]);
  });
});
