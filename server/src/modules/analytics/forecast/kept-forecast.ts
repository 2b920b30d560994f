import { sql } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../../platform/db/connection.ts';
import { inTransaction } from '../../../platform/db/tx.ts';
import {
  forecastAccuracy,
  forecastDemand,
  japanDate,
  type ForecastAccuracy,
  type ForecastMethod,
  type ItemForecast,
} from './demand-forecast.ts';

/**
 * 需要予測 kept: the forecast of every sold variant × location and its held-out accuracy, computed once a
 * Japan day by the job analytics.forecast and read from then on — a chain's hundreds of stores are not
 * refitted on each view. Until the first run (a new database) or for a past date, it is computed on request.
 * A run from yesterday still answers before tonight's has run, its days shifted to start today.
 */
const RUN = 'demand';
const FORECAST_LOCK = 0x66637374;
/** A kept run this old (days) is still read; older, the forecast is computed on request. */
const KEPT_FOR_DAYS = 2;
const DAY_MS = 86_400_000;

interface Run {
  from_date: string;
  computed_at: Date;
  accuracy: ForecastAccuracy;
}

async function keptRun(db: Executor): Promise<(Run & { age: number }) | null> {
  const [run] = await query<Run>(
    db,
    sql`SELECT from_date::text AS from_date, computed_at, accuracy FROM analytics_forecast_runs WHERE name = ${RUN}`,
  );
  if (!run) return null;
  const age = Math.round((Date.parse(japanDate()) - Date.parse(run.from_date)) / DAY_MS);
  return age >= 0 && age < KEPT_FOR_DAYS ? { ...run, age } : null;
}

/** Compute the forecast of every location and its accuracy, and replace the kept set in one transaction. */
export async function keepForecasts(db: Db, asOf = new Date()): Promise<{ from: string; items: number }> {
  const forecast = await forecastDemand(db, { asOf });
  const accuracy = await forecastAccuracy(db, { asOf });
  await inTransaction(db, async (tx) => {
    // Two app copies at once write one after the other.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${FORECAST_LOCK})`);
    await tx.execute(sql`DELETE FROM analytics_demand_forecasts`);
    for (let i = 0; i < forecast.items.length; i += 2000) {
      const batch = forecast.items.slice(i, i + 2000).map((f) => ({
        l: f.locationId,
        v: f.variantId,
        p: f.productId,
        m: f.method,
        d: f.daily,
        u: f.units,
        n: f.last28,
        s: Math.round(f.sd28 * 1000) / 1000,
      }));
      await tx.execute(sql`INSERT INTO analytics_demand_forecasts
          (location_id, variant_id, product_id, method, daily, units, last28, sd28)
        SELECT r.l, r.v, r.p, r.m, r.d, r.u, r.n, r.s
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
            AS r(l text, v text, p text, m text, d jsonb, u real, n int, s real)`);
    }
    await tx.execute(sql`INSERT INTO analytics_forecast_runs (name, from_date, computed_at, items, accuracy)
      VALUES (${RUN}, ${forecast.from}, now(), ${forecast.items.length}, ${JSON.stringify(accuracy)}::jsonb)
      ON CONFLICT (name) DO UPDATE SET from_date = EXCLUDED.from_date, computed_at = EXCLUDED.computed_at,
        items = EXCLUDED.items, accuracy = EXCLUDED.accuracy`);
  });
  return { from: forecast.from, items: forecast.items.length };
}

/** The job: keep today's forecast once its Japan date has begun (checked hourly, at once on a new database). */
export async function keepForecastsIfDue(db: Db): Promise<void> {
  const run = await keptRun(db);
  if (run?.age === 0) return;
  await keepForecasts(db);
}

/** The next days at `locationId` (every location when absent): kept when there is a recent run, else computed. */
export async function keptForecast(
  db: Executor,
  opts: { locationId?: string; asOf?: Date } = {},
): Promise<{ from: string; days: number; items: ItemForecast[]; computedAt: string | null }> {
  const run = opts.asOf ? null : await keptRun(db);
  if (!run) return { ...(await forecastDemand(db, opts)), computedAt: null };
  const rows = await query<{
    location_id: string;
    variant_id: string;
    product_id: string;
    method: ForecastMethod;
    daily: number[];
    units: number;
    last28: number;
    sd28: number;
  }>(
    db,
    sql`SELECT location_id, variant_id, product_id, method, daily, units, last28, sd28 FROM analytics_demand_forecasts
         ${opts.locationId ? sql`WHERE location_id = ${opts.locationId}` : sql``}`,
  );
  const items = rows
    .map((r) => {
      const daily = r.daily.slice(run.age);
      return {
        variantId: r.variant_id,
        productId: r.product_id,
        locationId: r.location_id,
        method: r.method,
        units: run.age ? Math.round(daily.reduce((s, v) => s + v, 0) * 10) / 10 : Number(r.units),
        daily,
        last28: r.last28,
        sd28: r.sd28,
      };
    })
    .sort((a, b) => b.units - a.units || a.variantId.localeCompare(b.variantId));
  return {
    from: japanDate(),
    days: items[0]?.daily.length ?? 28 - run.age,
    items,
    computedAt: new Date(run.computed_at).toISOString(),
  };
}

/** The held-out accuracy of the kept run, or computed now when there is none. */
export async function keptAccuracy(db: Executor): Promise<ForecastAccuracy> {
  const run = await keptRun(db);
  return run ? run.accuracy : forecastAccuracy(db);
}

/** Units sold in the 28 days before the kept run, per `variant|location`, of these variants; null with no run. */
export async function keptRecentSales(
  db: Executor,
  variantIds: readonly string[],
): Promise<Map<string, number> | null> {
  if (!(await keptRun(db))) return null;
  if (!variantIds.length) return new Map();
  const rows = await query<{ variant_id: string; location_id: string; last28: number }>(
    db,
    sql`SELECT variant_id, location_id, last28 FROM analytics_demand_forecasts
         WHERE variant_id IN (${sql.join(
           variantIds.map((v) => sql`${v}`),
           sql`, `,
         )})`,
  );
  return new Map(rows.map((r) => [`${r.variant_id}|${r.location_id}`, r.last28]));
}
