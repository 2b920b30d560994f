import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test/harness.ts';
import { forecastAccuracy } from '../modules/analytics/service.ts';
import { query } from '../platform/db/connection.ts';
import { isValidJan } from '../modules/catalog/jan.ts';
import { distanceKm } from '../modules/locations/service.ts';
import { buildDemo, seedDemoIfEmpty } from './seed.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './staff.ts';
import { AIKO_EMAIL, AIKO_ID, DEMO_CUSTOMER_COUNT, DUPLICATE_PAIRS } from './customers.ts';
import { HARAJUKU_STORE_ID, SHIBUYA_STATION, SHIBUYA_STORE_ID, SHOWCASE, WAREHOUSE_ID } from './showcase.ts';

const silentLogger = pino({ level: 'silent' });
const near = `${SHIBUYA_STATION.lat},${SHIBUYA_STATION.lng}`;

interface Availability {
  locationId: string;
  locationName: string;
  kind: 'store' | 'warehouse';
  available: number;
  distanceKm: number | null;
}

describeEachDatabase('the demo chain', (ctx) => {
  let counts: Record<string, number> | null = null;
  const db = () => ctx().server.database.db;

  beforeAll(async () => {
    const startedAt = performance.now();
    counts = await seedDemoIfEmpty(ctx().server.database, silentLogger, { media: ctx().server.media });
    console.info(`demo seeded on ${ctx().target} in ${Math.round(performance.now() - startedAt)} ms`, counts);
    // About 30 s on a quiet machine (the startup bench holds the first start to its budget); this is a ceiling.
  }, 300_000);

  it('opens stores in Tokyo, Kanagawa and Osaka and one warehouse for online orders', async () => {
    const res = await ctx().api('GET', `/api/locations?near=${near}`, { token: null });
    expect(res.statusCode).toBe(200);
    const items = (
      res.json() as {
        items: Array<{
          id: string;
          kind: string;
          prefecture: string;
          services: { shipping: boolean; pickup: boolean };
        }>;
      }
    ).items;
    const stores = items.filter((l) => l.kind === 'store');
    const warehouses = items.filter((l) => l.kind === 'warehouse');
    expect(stores.length).toBeGreaterThanOrEqual(8);
    expect(new Set(stores.map((s) => s.prefecture))).toEqual(new Set(['東京都', '神奈川県', '大阪府']));
    expect(warehouses).toHaveLength(1);
    expect(warehouses[0]!.services).toMatchObject({ shipping: true, pickup: false });
    expect(items[0]!.id).toBe(SHIBUYA_STORE_ID); // nearest to Shibuya station
    expect(items.map((l) => l.id)).toContain(WAREHOUSE_ID);
  });

  it('draws every product a picture, one per colour, the files shared between products of a kind and colour', async () => {
    const [r] = await query<{ products: number; pictured: number; rows: number; files: number }>(
      db(),
      sql`SELECT (SELECT count(*) FROM products)::int AS products,
                 (SELECT count(DISTINCT product_id) FROM product_images)::int AS pictured,
                 (SELECT count(*) FROM product_images)::int AS rows,
                 (SELECT count(DISTINCT base) FROM product_images)::int AS files`,
    );
    expect(r!.pictured).toBe(r!.products);
    expect(r!.files).toBeLessThan(r!.rows / 3);
    const jacket = (await ctx().api('GET', `/api/products/${SHOWCASE.jacket.productId}`, { token: null })).json() as {
      images: Array<{ colour: string | null; alt: string; src: string }>;
    };
    expect(jacket.images.map((i) => i.colour)).toEqual(['ネイビー', 'ブラック', 'カーキ', 'ベージュ']);
    expect(jacket.images[0]!.alt).toBe('撥水マウンテンジャケット（ネイビー）');
    const file = await ctx().api('GET', jacket.images[0]!.src, { token: null });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/webp');
  });

  it('stocks more than five hundred products in over two thousand sizes and colours', async () => {
    expect(counts).toMatchObject({ locations: 13, staff: DEMO_ACCOUNTS.length });
    const [row] = await query<{ products: number; variants: number }>(
      db(),
      sql`SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM variants)::int AS variants`,
    );
    expect(row!.products).toBeGreaterThanOrEqual(500);
    expect(row!.variants).toBeGreaterThanOrEqual(2000);
    expect(row).toEqual({ products: counts!.products, variants: counts!.variants });
  });

  it('gives every item its own valid JAN barcode and SKU', async () => {
    const rows = await query<{ jan: string; sku: string }>(db(), sql`SELECT jan, sku FROM variants`);
    expect(rows.filter((r) => !isValidJan(r.jan))).toEqual([]);
    expect(rows.every((r) => /^4[59]/.test(r.jan))).toBe(true);
    expect(new Set(rows.map((r) => r.jan)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.sku)).size).toBe(rows.length);
  });

  it('charges the reduced 8 % rate on food, drinks and the café menu, and 10 % on everything else', async () => {
    const rows = await query<{ category: string; rates: number[] }>(
      db(),
      sql`SELECT c.name_en AS category, array_agg(DISTINCT p.tax_rate) AS rates FROM products p JOIN categories c ON c.id = p.category_id GROUP BY c.name_en`,
    );
    const rates = Object.fromEntries(rows.map((r) => [r.category, r.rates]));
    expect(rates).toMatchObject({
      Food: [8],
      Drinks: [8],
      Café: [8],
      Shoes: [10],
      Tops: [10],
      Stationery: [10],
      'Household goods': [10],
    });
  });

  it("explains every unit on the shelves: the ledger per variant × location sums to today's stock", async () => {
    const [row] = await query<{ unexplained: number; negative: number; sales: number; returns: number }>(
      db(),
      sql`SELECT
            (SELECT count(*) FROM stock_levels l
              FULL JOIN (SELECT variant_id, location_id, sum(quantity) AS q FROM stock_movements GROUP BY 1, 2) m
                ON m.variant_id = l.variant_id AND m.location_id = l.location_id
             WHERE coalesce(l.on_hand, 0) <> coalesce(m.q, 0))::int AS unexplained,
            (SELECT count(*) FROM stock_movements WHERE on_hand_after < 0)::int AS negative,
            (SELECT count(*) FROM stock_movements WHERE kind = 'sale')::int AS sales,
            (SELECT count(*) FROM stock_movements WHERE kind = 'return')::int AS returns`,
    );
    expect(row).toMatchObject({ unexplained: 0, negative: 0 });
    expect(row!.sales).toBeGreaterThan(1000);
    expect(row!.returns).toBeGreaterThan(10);
  });

  it('shows stockouts tied to demand: best sellers at a few stores ran dry for days while members looked at them', async () => {
    const to = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() + 9 * 3600_000 - 60 * 86_400_000).toISOString().slice(0, 10);
    const res = await ctx().api('GET', `/api/analytics/stockouts?from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as {
      stores: Array<{
        worst: Array<{ days: number; views: number; refusedCheckouts: number; restockRequests: number }>;
      }>;
    };
    const shown = r.stores.flatMap((s) => s.worst).filter((w) => w.views > 0 && w.refusedCheckouts > 0);
    expect(shown.length).toBeGreaterThanOrEqual(6);
    expect(new Set(r.stores.filter((s) => s.worst.some((w) => w.views > 0)).map((s) => s)).size).toBeGreaterThanOrEqual(
      4,
    );
    expect(shown.every((w) => w.days >= 4 && w.restockRequests >= 1)).toBe(true);
  });

  it('has Japanese reviews of popular products, each by a member who bought it and kept it, counts matching the votes', async () => {
    const [r] = await query<Record<string, number>>(
      db(),
      sql`SELECT count(*)::int AS reviews, count(DISTINCT product_id)::int AS products,
                 count(*) FILTER (WHERE purchase_channel = 'store')::int AS at_till,
                 count(*) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id
                    WHERE o.customer_id = r.customer_id AND l.product_id = r.product_id
                      AND o.status = 'completed' AND l.returned_quantity < l.quantity))::int AS unbought,
                 count(*) FILTER (WHERE helpful_count <> (SELECT count(*) FROM review_votes v
                                   WHERE v.review_id = r.id AND v.kind = 'helpful'))::int AS miscounted,
                 count(*) FILTER (WHERE status = 'hidden')::int AS hidden
            FROM reviews r`,
    );
    expect(r).toMatchObject({ unbought: 0, miscounted: 0, hidden: 1 });
    expect(r!.reviews).toBeGreaterThan(100);
    expect(r!.products).toBeGreaterThanOrEqual(30);
    expect(r!.at_till).toBeGreaterThan(0);
    const jacket = await ctx().api('GET', `/api/products/${SHOWCASE.jacket.productId}/reviews`, { token: null });
    expect(jacket.json().summary.count).toBeGreaterThan(0);
  });

  it('serves café drinks only at stores with an order-ahead counter', async () => {
    const rows = await query<{ orderAhead: boolean; kind: string }>(
      db(),
      sql`SELECT DISTINCT (l.services->>'orderAhead')::boolean AS "orderAhead", l.kind
            FROM stock_levels s JOIN variants v ON v.id = s.variant_id JOIN products p ON p.id = v.product_id
            JOIN categories c ON c.id = p.category_id JOIN locations l ON l.id = s.location_id
           WHERE c.name_en = 'Café'`,
    );
    expect(rows).toEqual([{ orderAhead: true, kind: 'store' }]);
  });

  it('seeds nothing the second time the shop starts', async () => {
    expect(await seedDemoIfEmpty(ctx().server.database, silentLogger)).toBeNull();
    const [row] = await query<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM locations`);
    expect(row!.n).toBe(13);
  });

  it('builds the same chain every time: the showcase products keep their documented ids', async () => {
    expect(JSON.stringify(buildDemo())).toBe(JSON.stringify(buildDemo()));
    for (const show of Object.values(SHOWCASE)) {
      const res = await ctx().api('GET', `/api/products/${show.productId}`, { token: null });
      expect(res.statusCode).toBe(200);
      const product = res.json() as { name: string; variants: Array<{ id: string; options: Record<string, string> }> };
      expect(product.name).toBe(show.name);
      expect(product.variants.find((v) => v.id === show.variantId)?.options).toEqual(show.options);
    }
  });

  it('shows the jacket sold out in Shibuya but waiting at the Harajuku store a short walk away', async () => {
    const res = await ctx().api('GET', `/api/availability?variantId=${SHOWCASE.jacket.variantId}&near=${near}`, {
      token: null,
    });
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: Availability[] }).items;
    expect(items[0]).toMatchObject({ locationId: SHIBUYA_STORE_ID, available: 0 });
    const storesWithStock = items.filter((i) => i.kind === 'store' && i.available > 0);
    expect(storesWithStock.map((i) => i.locationId)).toEqual([HARAJUKU_STORE_ID]);
    expect(storesWithStock[0]!.distanceKm).toBeLessThan(2);
    expect(items.find((i) => i.kind === 'warehouse')!.available).toBeGreaterThan(0);
  });

  it('often has what Shibuya lacks at a store within 5 km, not only in the showcase', async () => {
    const stores = await query<{ id: string; lat: number; lng: number }>(
      db(),
      sql`SELECT id, lat, lng FROM locations WHERE kind = 'store'`,
    );
    const nearby = stores
      .filter((s) => s.id !== SHIBUYA_STORE_ID && distanceKm(SHIBUYA_STATION, s) < 5)
      .map((s) => s.id);
    const [row] = await query<{ n: number }>(
      db(),
      sql`SELECT count(DISTINCT v.product_id)::int AS n
            FROM stock_levels here JOIN variants v ON v.id = here.variant_id
           WHERE here.location_id = ${SHIBUYA_STORE_ID} AND here.on_hand = 0
             AND EXISTS (SELECT 1 FROM stock_levels there WHERE there.variant_id = here.variant_id AND there.on_hand > 0
                           AND there.location_id IN (${sql.join(
                             nearby.map((id) => sql`${id}`),
                             sql`, `,
                           )}))`,
    );
    expect(row!.n).toBeGreaterThanOrEqual(20);
  });

  it('keeps the sneaker size missing from every store in the warehouse, ready to send to the shopper', async () => {
    const res = await ctx().api('GET', `/api/availability?variantId=${SHOWCASE.sneaker.variantId}&near=${near}`, {
      token: null,
    });
    const items = (res.json() as { items: Availability[] }).items;
    expect(items.filter((i) => i.kind === 'store' && i.available > 0)).toEqual([]);
    expect(items.find((i) => i.kind === 'warehouse')!.available).toBeGreaterThan(0);
  });

  it('has the latte on the Shibuya café counter', async () => {
    const res = await ctx().api(
      'GET',
      `/api/availability?locationId=${SHIBUYA_STORE_ID}&variantIds=${SHOWCASE.latte.variantId}`,
      { token: null },
    );
    expect(res.statusCode).toBe(200);
    expect((res.json() as { items: Availability[] }).items[0]!.available).toBeGreaterThan(0);
  });

  it('lets the owner, head office and Shibuya staff log in with the demo password', async () => {
    const emails = [
      'owner@demo.musubi.jp',
      'hq@demo.musubi.jp',
      'shibuya.manager@demo.musubi.jp',
      'shibuya@demo.musubi.jp',
    ];
    for (const email of emails) {
      const res = await ctx().api('POST', '/api/auth/login', { token: null, body: { email, password: DEMO_PASSWORD } });
      expect(res.statusCode, email).toBe(200);
      const account = DEMO_ACCOUNTS.find((a) => a.email === email)!;
      expect((res.json() as { staff: { role: string; locationIds: string[] } }).staff).toMatchObject({
        role: account.role,
        locationIds: account.locationId ? [account.locationId] : [],
      });
    }
    const staff = await query<{ email: string; role: string; n: number }>(
      db(),
      sql`SELECT u.email, u.role, count(sl.location_id)::int AS n FROM staff_users u LEFT JOIN staff_locations sl ON sl.staff_id = u.id GROUP BY u.email, u.role`,
    );
    expect(staff).toHaveLength(DEMO_ACCOUNTS.length);
    const stores = await query<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM locations WHERE kind = 'store'`);
    expect(staff.filter((s) => s.role === 'store_manager' && s.n === 1).length).toBeGreaterThanOrEqual(stores[0]!.n);
  });

  it('finds lattes whether the shopper types ラテ, らて or half-width ﾗﾃ', async () => {
    for (const q of ['ラテ', 'らて', 'ﾗﾃ']) {
      const res = await ctx().api('GET', `/api/products?q=${encodeURIComponent(q)}`, { token: null });
      expect(res.statusCode).toBe(200);
      const names = (res.json() as { items: Array<{ name: string }> }).items.map((i) => i.name);
      expect(names, q).toContain('カフェラテ');
      expect(names, q).toContain('抹茶ラテ');
    }
  });

  it('finds shoes, umbrellas and bags with a single kanji: 靴, 傘, 鞄', async () => {
    for (const [q, expected] of [
      ['靴', '革靴'],
      ['傘', '折りたたみ傘'],
      ['鞄', '鞄'],
    ] as const) {
      const res = await ctx().api('GET', `/api/products?q=${encodeURIComponent(q)}&limit=200`, { token: null });
      const names = (res.json() as { items: Array<{ name: string }> }).items.map((i) => i.name);
      expect(names.length, q).toBeGreaterThan(5);
      expect(
        names.some((n) => n.includes(expected)),
        q,
      ).toBe(true);
    }
  });

  it('finds the jacket by its reading and by the JAN on its tag', async () => {
    const byReading = await ctx().api('GET', `/api/products?q=${encodeURIComponent('まうんてん')}`, { token: null });
    expect((byReading.json() as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(
      SHOWCASE.jacket.productId,
    );
    const [v] = await query<{ jan: string }>(
      db(),
      sql`SELECT jan FROM variants WHERE id = ${SHOWCASE.jacket.variantId}`,
    );
    const byJan = await ctx().api('GET', `/api/barcodes/${v!.jan}`, { token: null });
    expect(byJan.statusCode).toBe(200);
  });
});

describeEachDatabase('the demo members', (ctx) => {
  const db = () => ctx().server.database.db;
  beforeAll(async () => {
    await seedDemoIfEmpty(ctx().server.database, silentLogger);
  }, 120_000);

  it('has about two thousand members, online-only, store-only and omnichannel', async () => {
    const [mix] = await query<{ total: number; online_only: number; store_only: number; omni: number }>(
      db(),
      sql`WITH c AS (
            SELECT c.id,
                   EXISTS (SELECT 1 FROM customer_events e WHERE e.customer_id = c.id AND e.channel IN ('web', 'app')) AS online,
                   EXISTS (SELECT 1 FROM customer_events e WHERE e.customer_id = c.id AND e.channel = 'store') AS store
              FROM customers c)
          SELECT count(*)::int AS total,
                 count(*) FILTER (WHERE online AND NOT store)::int AS online_only,
                 count(*) FILTER (WHERE store AND NOT online)::int AS store_only,
                 count(*) FILTER (WHERE online AND store)::int AS omni
            FROM c`,
    );
    expect(mix!.total).toBe(DEMO_CUSTOMER_COUNT);
    for (const share of [mix!.online_only, mix!.store_only, mix!.omni])
      expect(share).toBeGreaterThan(DEMO_CUSTOMER_COUNT * 0.15);
  });

  it('keeps every points ledger consistent: the balance equals the unexpired lots, never negative', async () => {
    const bad = await query<{ id: string }>(
      db(),
      sql`SELECT c.id FROM customers c
           LEFT JOIN (SELECT customer_id, sum(points) AS b FROM point_entries GROUP BY customer_id) e ON e.customer_id = c.id
           LEFT JOIN (SELECT customer_id, sum(remaining) AS r FROM point_lots GROUP BY customer_id) l ON l.customer_id = c.id
          WHERE coalesce(e.b, 0) <> coalesce(l.r, 0) OR coalesce(e.b, 0) < 0`,
    );
    expect(bad).toEqual([]);
    const wallets = await query<{ n: number }>(
      db(),
      sql`SELECT count(*)::int AS n FROM (SELECT customer_id FROM wallet_entries GROUP BY customer_id HAVING sum(amount) < 0) x`,
    );
    expect(wallets[0]!.n).toBe(0);
  });

  it('lets Aiko log in with the demo password: a gold member who looked at the jacket last night', async () => {
    const login = await ctx().api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: AIKO_EMAIL, password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().customer).toMatchObject({
      id: AIKO_ID,
      name: '田中 愛子',
      tier: 'gold',
      phone: '+819012345678',
    });
    const viewed = await query<{ n: number }>(
      db(),
      sql`SELECT count(*)::int AS n FROM customer_events WHERE customer_id = ${AIKO_ID} AND type = 'product_viewed' AND payload->>'productId' = ${SHOWCASE.jacket.productId}`,
    );
    expect(viewed[0]!.n).toBeGreaterThan(0);
  });

  it('gives Aiko the cart she filled last night: the jacket is in it when she signs in', async () => {
    const login = await ctx().api('POST', '/api/customer-auth/login', {
      token: null,
      body: { email: AIKO_EMAIL, password: DEMO_PASSWORD },
    });
    const cart = await ctx().api('GET', '/api/account/cart', { token: login.json().token });
    expect(cart.statusCode, cart.body).toBe(200);
    expect(cart.json().lines).toMatchObject([{ variantId: SHOWCASE.jacket.variantId, quantity: 1 }]);
  });

  it('shows the deliberate duplicates to head office', async () => {
    const res = await ctx().api('GET', '/api/customers/duplicates?limit=200');
    expect(res.statusCode).toBe(200);
    expect((res.json().items as unknown[]).length).toBeGreaterThanOrEqual(DUPLICATE_PAIRS);
  });

  it('has twelve months of real orders in every channel and fulfilment, each with its points entry', async () => {
    const [o] = await query<{
      months: number;
      channels: string[];
      types: string[];
      no_points: number;
      returned: number;
      total: number;
    }>(
      db(),
      sql`SELECT
            (SELECT count(DISTINCT date_trunc('month', created_at)) FROM orders WHERE created_at > now() - interval '365 days')::int AS months,
            (SELECT array_agg(DISTINCT channel ORDER BY channel) FROM orders) AS channels,
            (SELECT array_agg(DISTINCT type ORDER BY type) FROM fulfilments) AS types,
            (SELECT count(*) FROM orders o WHERE NOT EXISTS (
               SELECT 1 FROM point_entries p WHERE p.customer_id = o.customer_id AND p.kind = 'earn' AND p.reference = o.id
                 AND p.points = o.points_earned))::int AS no_points,
            (SELECT count(DISTINCT order_id) FROM returns)::int AS returned,
            (SELECT count(*) FROM orders)::int AS total`,
    );
    expect(o!.months).toBeGreaterThanOrEqual(12);
    expect(o!.channels).toEqual(['app', 'store', 'web']);
    expect(o!.types).toEqual(['delivery', 'instore', 'pickup', 'ship']);
    expect(o!.no_points).toBe(0);
    expect(o!.returned / o!.total).toBeGreaterThan(0.015);
    expect(o!.returned / o!.total).toBeLessThan(0.05);
    const [paid] = await query<{ unpaid: number }>(
      db(),
      sql`SELECT count(*)::int AS unpaid FROM orders o
           WHERE o.total <> (SELECT coalesce(sum(amount), 0) FROM payments p WHERE p.order_id = o.id)
              OR o.subtotal - o.discount_total <> (SELECT sum(total) FROM order_lines l WHERE l.order_id = o.id)`,
    );
    expect(paid!.unpaid).toBe(0);
  });

  it('has a year of coupon uses: app codes used at the tills (online → store) and online, receipt codes, each on its order', async () => {
    const rows = await query<{ issued: string | null; channel: string; n: number; off: number }>(
      db(),
      sql`SELECT r.issued_channel AS issued, r.channel, count(*)::int AS n,
                 count(*) FILTER (WHERE o.discount_total <> r.amount OR cc.order_id <> r.order_id)::int AS off
            FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id JOIN coupon_codes cc ON cc.code = r.code
           GROUP BY 1, 2`,
    );
    const n = (issued: string, channel: string) =>
      rows.find((r) => r.issued === issued && r.channel === channel)?.n ?? 0;
    expect(n('app', 'store')).toBeGreaterThan(10);
    expect(n('app', 'web') + n('app', 'app')).toBeGreaterThan(10);
    expect(n('store', 'store')).toBeGreaterThan(5);
    expect(rows.reduce((s, r) => s + r.off, 0)).toBe(0);
  });

  it('shows omnichannel members spending more a year than single-channel ones, and December busier than February', async () => {
    const [r] = await query<{ omni: number; single: number; dec: number; feb: number }>(
      db(),
      sql`WITH spend AS (
            SELECT c.id, coalesce(sum(o.total), 0) AS spend,
                   count(DISTINCT CASE WHEN o.channel = 'store' THEN 'store' ELSE 'online' END) FILTER (WHERE o.id IS NOT NULL) AS kinds
              FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.created_at > now() - interval '365 days'
             GROUP BY c.id)
          SELECT avg(spend) FILTER (WHERE kinds = 2)::float AS omni,
                 avg(spend) FILTER (WHERE kinds = 1)::float AS single,
                 (SELECT count(*) FROM orders WHERE extract(month FROM created_at AT TIME ZONE 'Asia/Tokyo') = 12)::int AS dec,
                 (SELECT count(*) FROM orders WHERE extract(month FROM created_at AT TIME ZONE 'Asia/Tokyo') = 2)::int AS feb
            FROM spend`,
    );
    expect(r!.omni).toBeGreaterThan(r!.single * 1.5);
    expect(r!.dec).toBeGreaterThan(r!.feb);
  });

  it('continues order numbers after the history', async () => {
    const [s] = await query<{ next: string; max: string }>(
      db(),
      sql`SELECT nextval('order_number_seq')::text AS next, (SELECT max(substr(number, 3)::int) FROM orders)::text AS max`,
    );
    expect(Number(s!.next)).toBeGreaterThan(Number(s!.max));
  });

  it('gives the RFM and spend segments the history: every member with an order has her purchase facts', async () => {
    const [f] = await query<{ buyers: number; facts: number }>(
      db(),
      sql`SELECT (SELECT count(DISTINCT customer_id) FROM orders WHERE customer_id IS NOT NULL)::int AS buyers,
                 (SELECT count(*) FROM customer_purchase_facts)::int AS facts`,
    );
    expect(f!.buyers).toBeGreaterThan(500);
    expect(f!.facts).toBe(f!.buyers);
    const preview = await ctx().api('POST', '/api/segments/preview', {
      body: { rules: { match: 'all', conditions: [{ field: 'rfm_group', in: ['champions', 'at_risk'] }] } },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect((preview.json() as { count: number }).count).toBeGreaterThan(50);
  });

  it('forecasts the held-out four weeks of the demo better than "same as last week"', async () => {
    const accuracy = await forecastAccuracy(db());
    expect(accuracy.overall.units).toBeGreaterThan(500);
    expect(accuracy.overall.wape!).toBeLessThan(accuracy.overall.naiveWape!);
  });
});
