import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seededRandom } from '../../../demo/prng.ts';
import { createTestLocation, createTestProduct, describeEachDatabase } from '../../../test/harness.ts';
import { forecastAccuracy, forecastDemand, HORIZON_DAYS } from './demand-forecast.ts';

/**
 * 需要予測 on the database: 30 weeks of orders at one store with a weekly rhythm (weekends busier) — four
 * variants that sell daily, two that sell now and then — and a cancelled order that must not count. The
 * forecast of the held-out four weeks beats "same as last week", each busy variant gets its own model and
 * the sparse ones the category's weekly profile, and the next 28 days are in the expected range.
 */
const AS_OF = new Date('2026-11-30T15:00:00Z'); // 00:00 on 1 December in Japan
const DAYS = 210;
const WEEKDAY = [1.0, 0.8, 0.8, 0.9, 1.1, 1.6, 1.5];
const RATES = [6, 4, 3, 5, 0.1, 0.12];

describeEachDatabase('demand forecast', (ctx) => {
  it('beats last week on the held-out weeks, and forecasts the next 28 days per item', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const { productId, variantIds } = await createTestProduct(app, { variants: RATES.length });
    const random = seededRandom(41);
    const poisson = (lambda: number) => {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= random.next();
      } while (p > l);
      return k - 1;
    };
    const first = AS_OF.getTime() - DAYS * 86_400_000;
    const rows: Array<{ o: string; v: string; q: number; at: string }> = [];
    for (let d = 0; d < DAYS; d++) {
      const at = new Date(first + d * 86_400_000 + 3 * 3_600_000); // noon in Japan
      const weekday = (at.getUTCDay() + 6) % 7; // Monday 0
      RATES.forEach((rate, i) => {
        const q = poisson(rate * WEEKDAY[weekday]!);
        if (q > 0) rows.push({ o: `ord_df${d}_${i}`, v: variantIds[i]!, q, at: at.toISOString() });
      });
    }
    rows.push({
      o: 'ord_df_cancelled',
      v: variantIds[0]!,
      q: 500,
      at: new Date(AS_OF.getTime() - 86_400_000).toISOString(),
    });
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = JSON.stringify(rows.slice(i, i + 1000));
      await db.execute(sql`INSERT INTO orders (id, number, channel, location_id, subtotal, total, taxes, created_at, status)
        SELECT r.o, 'DF-' || r.o, 'store', ${store}, 1100 * r.q, 1100 * r.q, '[]'::jsonb, r.at::timestamptz, 'completed'
          FROM jsonb_to_recordset(${chunk}::jsonb) AS r(o text, v text, q int, at text)`);
      await db.execute(sql`INSERT INTO fulfilments (id, order_id, type, location_id, status, completed_at)
        SELECT 'ful_' || r.o, r.o, 'instore', ${store}, 'completed', r.at::timestamptz
          FROM jsonb_to_recordset(${chunk}::jsonb) AS r(o text, v text, q int, at text)`);
      await db.execute(sql`INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity, unit_price, tax_rate, total)
        SELECT 'oln_' || r.o, r.o, 'ful_' || r.o, r.v, ${productId}, 'テスト商品', '{}'::jsonb, '4900000000000', r.q, 1100, 10, 1100 * r.q
          FROM jsonb_to_recordset(${chunk}::jsonb) AS r(o text, v text, q int, at text)`);
    }
    await db.execute(sql`UPDATE orders SET status = 'cancelled' WHERE id = 'ord_df_cancelled'`);

    const accuracy = await forecastAccuracy(db, { asOf: AS_OF });
    expect(accuracy.methods.holt_winters).toBe(4);
    expect(accuracy.methods.category_profile).toBe(2);
    expect(accuracy.overall.units).toBeGreaterThan(400); // ~18 a day for 28 days; the cancelled 500 are not in it
    expect(accuracy.overall.units).toBeLessThan(700);
    expect(accuracy.overall.wape!).toBeLessThan(accuracy.overall.naiveWape!);
    expect(accuracy.overall.wape!).toBeLessThan(0.4);
    expect(accuracy.byLocation.map((r) => r.key)).toEqual([store]);

    const next = await forecastDemand(db, { locationId: store, asOf: AS_OF });
    expect(next.from).toBe('2026-12-01');
    expect(next.items).toHaveLength(RATES.length);
    const busiest = next.items.find((i) => i.variantId === variantIds[0])!;
    expect(busiest.method).toBe('holt_winters');
    expect(busiest.daily).toHaveLength(HORIZON_DAYS);
    const mean = WEEKDAY.reduce((s, v) => s + v, 0) / 7;
    expect(busiest.units).toBeGreaterThan(RATES[0]! * mean * HORIZON_DAYS * 0.75);
    expect(busiest.units).toBeLessThan(RATES[0]! * mean * HORIZON_DAYS * 1.25);
    expect(busiest.last28).toBeLessThan(400); // the cancelled 500 are not demand
    const sparse = next.items.find((i) => i.variantId === variantIds[4])!;
    expect(sparse.method).toBe('category_profile');
    expect(sparse.units).toBeLessThan(10);
  });
});
