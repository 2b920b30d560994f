import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../../platform/db/connection.ts';
import { createTestLocation, createTestProduct, describeEachDatabase } from '../../../test/harness.ts';
import { forecastAccuracy, forecastDemand, japanDate } from './demand-forecast.ts';
import { keepForecasts, keepForecastsIfDue, keptAccuracy, keptForecast } from './kept-forecast.ts';
import { seedDailyOrders } from './seed-orders.ts';

/**
 * The kept forecast: once a Japan day the job stores every item × location's forecast and its accuracy, and
 * the screens read them — the same figures as computing them on the spot; a run from yesterday still answers,
 * its days shifted to start today, until the job has run again.
 */
const RATES = [5, 3, 0.1];

describeEachDatabase('demand forecast, kept once a day', (ctx) => {
  it('reads what was computed, shifts yesterday’s run by a day, and is recomputed when a new Japan day begins', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const { productId, variantIds } = await createTestProduct(app, { variants: RATES.length });
    const today = new Date(`${japanDate()}T00:00:00+09:00`);
    await seedDailyOrders(db, { store, productId, variantIds, rates: RATES, days: 90, asOf: today, seed: 7 });

    // Before any run: computed for the request.
    const live = await keptForecast(db, { locationId: store });
    expect(live.computedAt).toBeNull();

    const kept = await keepForecasts(db);
    expect(kept).toEqual({ from: japanDate(), items: RATES.length });
    const read = await keptForecast(db, { locationId: store });
    expect(read.computedAt).not.toBeNull();
    const computed = await forecastDemand(db, { locationId: store });
    expect(read.from).toBe(computed.from);
    expect(read.days).toBe(28);
    expect(read.items.map((i) => [i.variantId, i.method, i.units, i.last28])).toEqual(
      computed.items.map((i) => [i.variantId, i.method, i.units, i.last28]),
    );
    expect(read.items[0]!.daily).toEqual(computed.items[0]!.daily);
    expect(await keptAccuracy(db)).toEqual(JSON.parse(JSON.stringify(await forecastAccuracy(db))));

    // A run from yesterday: its second day is today's first.
    await db.execute(sql`UPDATE analytics_forecast_runs SET from_date = from_date - 1`);
    const shifted = await keptForecast(db, { locationId: store });
    expect(shifted.days).toBe(27);
    expect(shifted.items.find((i) => i.variantId === variantIds[0])!.daily).toEqual(
      read.items.find((i) => i.variantId === variantIds[0])!.daily.slice(1),
    );

    // The job: yesterday's run is replaced; today's is left alone.
    await keepForecastsIfDue(db);
    const [after] = await query<{ from_date: string; computed_at: Date }>(
      db,
      sql`SELECT from_date::text AS from_date, computed_at FROM analytics_forecast_runs`,
    );
    expect(after!.from_date).toBe(japanDate());
    await keepForecastsIfDue(db);
    const [again] = await query<{ computed_at: Date }>(db, sql`SELECT computed_at FROM analytics_forecast_runs`);
    expect(new Date(again!.computed_at).getTime()).toBe(new Date(after!.computed_at).getTime());

    // Over HTTP, the screen's read says when the kept forecast was computed.
    const res = await app.api('GET', `/api/analytics/forecast?locationId=${store}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().computedAt).toBe(new Date(after!.computed_at).toISOString());
  });
});
