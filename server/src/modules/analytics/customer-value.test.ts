import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import { describeEachDatabase } from '../../test/harness.ts';
import { simulate } from './clv/simulate.ts';
import { customerValueOf, HOLDOUT_WEEKS, latestValueModel, refitCustomerValue } from './customer-value.ts';

/**
 * 予測LTV on the database: members whose purchases follow the models' own assumptions (known parameters)
 * are written as orders; the fit finds the parameters again, its held-out check is close, the top decile of
 * predictions is the one that buys, and refits replace the predictions whole.
 */
const AS_OF = new Date('2026-12-01T15:00:00Z'); // 00:00 on 2 December in Japan
const WEEK = 7 * 86_400_000;
const truth = { r: 0.8, alpha: 6, a: 0.6, b: 2.4 };
const spend = { p: 5, q: 4, gamma: 15_000 };
const people = simulate(7, truth, spend, 1500, HOLDOUT_WEEKS);

describeEachDatabase('customer value (BG/NBD + Gamma-Gamma)', (ctx) => {
  it('fits the simulated members, checks itself on the last 13 weeks and predicts each buyer', async () => {
    const db = ctx().server.database.db;
    const rows = people.flatMap((p, i) => {
      const first = AS_OF.getTime() - (p.history.T + HOLDOUT_WEEKS) * WEEK;
      const all = [0, ...p.times];
      const values = [
        p.firstValue,
        ...p.values,
        ...Array(p.later).fill(Math.round(p.laterValue / Math.max(1, p.later))),
      ];
      return all.map((t, k) => ({
        id: `ord_cv${i}_${k}`,
        number: `CV-${i}-${k}`,
        customer_id: `cus_cv${String(i).padStart(5, '0')}`,
        total: values[k]!,
        at: new Date(first + t * WEEK).toISOString(),
      }));
    });
    // One cancelled order that must not count: a member with nothing else.
    rows.push({
      id: 'ord_cv_x',
      number: 'CV-X',
      customer_id: 'cus_cv_cancelled',
      total: 99_999,
      at: AS_OF.toISOString(),
    });
    for (let i = 0; i < rows.length; i += 2000)
      await db.execute(sql`INSERT INTO orders (id, number, channel, customer_id, subtotal, total, taxes, created_at, status)
        SELECT r.id, r.number, 'web', r.customer_id, r.total, r.total, '[]'::jsonb, r.at::timestamptz - interval '1 second', 'completed'
          FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 2000))}::jsonb)
               AS r(id text, number text, customer_id text, total int, at text)`);
    await db.execute(sql`UPDATE orders SET status = 'cancelled' WHERE id = 'ord_cv_x'`);

    const model = await refitCustomerValue(db, AS_OF);
    expect(model).not.toBeNull();
    const { bgNbd } = model!.params;
    expect(bgNbd.r / truth.r).toBeGreaterThan(0.6);
    expect(bgNbd.r / truth.r).toBeLessThan(1.6);
    expect(model!.members).toBe(people.length);

    // The held-out check: fitted on the first part, it predicts the last 13 weeks' spend within 25 %, and
    // the members it ranks highest spend several times what the lowest do.
    const acc = model!.accuracy!;
    expect(acc.members).toBe(people.length);
    expect(Math.abs(acc.valueError!)).toBeLessThan(0.25);
    expect(acc.deciles).toHaveLength(10);
    expect(acc.deciles[0]!.actualValue).toBeGreaterThan(3 * acc.deciles[9]!.actualValue);

    // Each buyer has her prediction; the busiest recent buyer is worth more than a one-off long ago.
    const [{ n }] = (await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM customer_value_predictions`,
    )) as [{ n: number }];
    expect(n).toBe(people.length);
    expect(await customerValueOf(db, 'cus_cv_cancelled')).toBeNull();
    const byRecentFrequency = people
      .map((p, i) => ({ i, p }))
      .filter(({ p }) => p.times.length > 0)
      .sort((x, y) => y.p.times.length - x.p.times.length);
    const busy = byRecentFrequency[0]!;
    const once = people.findIndex((p) => p.times.length === 0 && p.history.T > 40);
    const busyValue = await customerValueOf(db, `cus_cv${String(busy.i).padStart(5, '0')}`);
    const onceValue = await customerValueOf(db, `cus_cv${String(once).padStart(5, '0')}`);
    expect(busyValue!.value12m).toBeGreaterThan(onceValue!.value12m);
    expect(onceValue!.purchaseDays).toBe(1);

    // Two refits at once (two app copies): both land, one after the other; the predictions are whole.
    const [a, b] = await Promise.all([refitCustomerValue(db, AS_OF), refitCustomerValue(db, AS_OF)]);
    expect(a && b).toBeTruthy();
    const [{ n: after }] = (await query<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM customer_value_predictions`,
    )) as [{ n: number }];
    expect(after).toBe(people.length);
    expect((await latestValueModel(db))!.fittedAt >= model!.fittedAt).toBe(true);
  });
});
