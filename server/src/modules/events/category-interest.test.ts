import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { newId } from '../../platform/ids.ts';
import { describeEachDatabase, registerCustomer, testJan, type TestApp } from '../../test/harness.ts';
import { categoryViewersSql } from './audience.ts';
import { interestEventTypes } from './types.ts';
import { eraseCustomerEvents, moveCustomerEvents, moveCustomerEventsBack } from './per-customer.ts';

/** Each member's kept interest per category is what her timeline says, whatever happens to it. */

async function category(app: TestApp, name: string, parentId: string | null = null) {
  const res = await app.api('POST', '/api/categories', { body: { name, parentId } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function product(app: TestApp, categoryId: string) {
  const res = await app.api('POST', '/api/products', {
    body: { name: 'シャツ', taxRate: 10, categoryId, variants: [{ sku: newId('sku'), jan: testJan(), price: 3300 }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

type Seen = { customer: string; product: string | null; daysAgo: number; type?: string };
/** Several events in one statement, as a batch from the app arrives. */
async function seen(db: Db, events: Seen[]) {
  const rows = events.map(
    (e) =>
      sql`(${newId('evt')}, ${e.type ?? 'product_viewed'}, now() - make_interval(days => ${e.daysAgo}), 'app',
           ${e.customer}, 'customer', ${JSON.stringify(e.product ? { productId: e.product } : { variantId: 'var_x' })}::jsonb)`,
  );
  await db.execute(sql`INSERT INTO customer_events (id, type, occurred_at, channel, customer_id, source, payload)
    VALUES ${sql.join(rows, sql`, `)}`);
}

/** The kept rows of these members equal the same question asked of the timeline and the category tree now. */
async function expectExact(db: Db, members: string[]) {
  const list = JSON.stringify(members);
  const mine = sql`(SELECT jsonb_array_elements_text(${list}::jsonb))`;
  const kept = await query(
    db,
    sql`SELECT customer_id, category_id, last_at FROM customer_category_interest
         WHERE customer_id IN ${mine} ORDER BY customer_id, category_id`,
  );
  const truth = await query(
    db,
    sql`WITH RECURSIVE up AS (
          SELECT id AS product_id, category_id FROM products WHERE category_id IS NOT NULL
          UNION SELECT up.product_id, c.parent_id FROM up JOIN categories c ON c.id = up.category_id
           WHERE c.parent_id IS NOT NULL)
        SELECT e.customer_id, up.category_id, max(e.occurred_at) AS last_at
          FROM customer_events e JOIN up ON up.product_id = e.product_id
         WHERE e.customer_id IN ${mine} AND e.type IN ('product_viewed', 'cart_updated', 'favorited')
         GROUP BY e.customer_id, up.category_id ORDER BY e.customer_id, up.category_id`,
  );
  expect(kept).toEqual(truth);
  return kept.length;
}

const viewers = async (db: Db, categoryIds: string[], days: number) =>
  (await query<{ customer_id: string }>(db, sql`${categoryViewersSql(categoryIds, days)} ORDER BY 1`)).map(
    (r) => r.customer_id,
  );

describeEachDatabase('interest kept per member and category', (ctx) => {
  it('follows her views as they arrive, move in a merge and back, are erased, and when a product moves', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const tops = await category(app, 'トップス');
    const shirts = await category(app, 'シャツ', tops);
    const bags = await category(app, 'バッグ');
    const shirt = await product(app, shirts);
    const bag = await product(app, bags);
    const [a, b] = (await Promise.all([registerCustomer(app), registerCustomer(app)]).then((r) =>
      r.map((x) => x.customer.id),
    )) as [string, string];

    await seen(db, [
      { customer: a, product: shirt, daysAgo: 40 },
      { customer: a, product: shirt, daysAgo: 3, type: 'favorited' },
      { customer: a, product: null, daysAgo: 1, type: 'cart_updated' }, // only the variant: not filed
      { customer: a, product: bag, daysAgo: 1, type: 'searched' }, // not interest
      { customer: b, product: bag, daysAgo: 50 },
    ]);
    expect(await expectExact(db, [a, b])).toBe(3); // a: シャツ and トップス above it; b: バッグ
    expect(await viewers(db, [tops], 30)).toEqual([a]);
    expect(await viewers(db, [tops, bags], 60)).toEqual([a, b].sort());
    await seen(db, [{ customer: a, product: shirt, daysAgo: 20 }]); // older than her last: changes nothing
    await expectExact(db, [a, b]);

    // A merge moves her timeline to b and its undo back; an erasure takes her rows with it.
    await db.transaction(async (tx) => {
      const moved = await moveCustomerEvents(tx, a, b);
      expect(await expectExact(tx as unknown as Db, [a, b])).toBe(3); // b: bag, shirt, tops; a none
      expect(await viewers(tx as unknown as Db, [tops], 30)).toEqual([b]);
      await moveCustomerEventsBack(tx, moved, b, a);
    });
    expect(await expectExact(db, [a, b])).toBe(3);

    // The shirt moves to bags: her views of it are now bag interest, and トップス forgets her.
    expect((await app.api('PATCH', `/api/products/${shirt}`, { body: { categoryId: bags } })).statusCode).toBe(200);
    expect(await expectExact(db, [a, b])).toBe(2);
    expect(await viewers(db, [tops], 365)).toEqual([]);
    expect(await viewers(db, [bags], 30)).toEqual([a]);

    await db.transaction((tx) => eraseCustomerEvents(tx, a).then(() => undefined));
    expect(await expectExact(db, [a, b])).toBe(1);
    expect(await viewers(db, [bags], 365)).toEqual([b]);
  });

  it('many writers at once for the same member: no deadlock, no lost update', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const tops = await category(app, 'トップス');
    const cats = await Promise.all(['シャツ', 'ニット', 'カットソー'].map((n) => category(app, n, tops)));
    const products = await Promise.all(cats.map((c) => product(app, c)));
    const members = await Promise.all([1, 2, 3].map(() => registerCustomer(app).then((r) => r.customer.id)));
    // 30 batches at once, each touching every member's categories in a different order.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        seen(
          db,
          members.flatMap((customer, m) =>
            products.map((p, k) => ({
              customer,
              product: products[(k + i + m) % products.length] ?? p,
              daysAgo: i % 7,
            })),
          ),
        ),
      ),
    );
    expect(await expectExact(db, members)).toBe(members.length * (cats.length + 1));
  });

  it("the triggers and the timeline's interest index name the interest types the code names", async () => {
    // SQL cannot import interestEventTypes: each `type IN (…)` in the database is checked against it here.
    const db = ctx().server.database.db;
    const defs = await query<{ name: string; body: string }>(
      db,
      sql`SELECT proname AS name, prosrc AS body FROM pg_proc WHERE proname LIKE 'events_category_interest_%'
          UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'customer_events_product_interest_index'`,
    );
    expect(defs.length).toBeGreaterThanOrEqual(5);
    for (const { name, body } of defs) {
      const lists = [...body.matchAll(/type\s*(?:IN\s*\(|=\s*ANY\s*\(\s*ARRAY\[)([^)\]]*)/gi)].map((m) =>
        [...m[1]!.matchAll(/'([a-z_]+)'/g)].map((t) => t[1]).sort(),
      );
      for (const types of lists) expect(types, name).toEqual([...interestEventTypes].sort());
      expect(lists.length, name).toBeGreaterThan(0);
    }
  });
});
