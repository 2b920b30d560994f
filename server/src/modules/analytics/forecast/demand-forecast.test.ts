import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestLocation, createTestProduct, describeEachDatabase } from '../../../test/harness.ts';
import { forecastAccuracy, forecastDemand, HORIZON_DAYS } from './demand-forecast.ts';
import { insertOrders, seedDailyOrders, WEEKDAY } from './seed-orders.ts';

/**
 * 需要予測 on the database: 30 weeks of orders at one store with a weekly rhythm (weekends busier) — four
 * variants that sell daily, two that sell now and then — and a cancelled order that must not count. The
 * forecast of the held-out four weeks beats "same as last week", each busy variant gets its own model and
 * the sparse ones the category's weekly profile, and the next 28 days are in the expected range.
 */
const AS_OF = new Date('2026-11-30T15:00:00Z'); // 00:00 on 1 December in Japan
const DAYS = 210;
const RATES = [6, 4, 3, 5, 0.1, 0.12];

describeEachDatabase('demand forecast', (ctx) => {
  it('beats last week on the held-out weeks, and forecasts the next 28 days per item', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const { productId, variantIds } = await createTestProduct(app, { variants: RATES.length });
    await seedDailyOrders(db, { store, productId, variantIds, rates: RATES, days: DAYS, asOf: AS_OF, seed: 41 });
    await insertOrders(db, store, productId, [
      { o: 'ord_df_cancelled', v: variantIds[0]!, q: 500, at: new Date(AS_OF.getTime() - 86_400_000).toISOString() },
    ]);
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
