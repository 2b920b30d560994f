import { sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/connection.ts';
import { seededRandom } from '../../../demo/prng.ts';

/** Weekends sell more (Monday first). */
export const WEEKDAY = [1.0, 0.8, 0.8, 0.9, 1.1, 1.6, 1.5];

/**
 * For the tests: `days` days of till orders at `store` before `asOf`, each variant i selling Poisson(rates[i]
 * × the weekday's factor) a day (seeded), written set-wise as orders, fulfilments and lines.
 */
export async function seedDailyOrders(
  db: Db,
  w: {
    store: string;
    productId: string;
    variantIds: string[];
    rates: number[];
    days: number;
    asOf: Date;
    seed: number;
  },
): Promise<void> {
  const random = seededRandom(w.seed);
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
  const first = w.asOf.getTime() - w.days * 86_400_000;
  const tag = `${w.seed}_${w.store.slice(-6)}`;
  const rows: Array<{ o: string; v: string; q: number; at: string }> = [];
  for (let d = 0; d < w.days; d++) {
    const at = new Date(first + d * 86_400_000 + 3 * 3_600_000); // noon in Japan
    const weekday = (at.getUTCDay() + 6) % 7;
    w.rates.forEach((rate, i) => {
      const q = poisson(rate * WEEKDAY[weekday]!);
      if (q > 0) rows.push({ o: `ord_sd${tag}_${d}_${i}`, v: w.variantIds[i]!, q, at: at.toISOString() });
    });
  }
  await insertOrders(db, w.store, w.productId, rows);
}

/** Till orders of one line each: `o` the order id, `v` the variant, `q` the units, `at` when. */
export async function insertOrders(
  db: Db,
  store: string,
  productId: string,
  rows: Array<{ o: string; v: string; q: number; at: string }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = JSON.stringify(rows.slice(i, i + 1000));
    await db.execute(sql`INSERT INTO orders (id, number, channel, location_id, subtotal, total, taxes, created_at, status)
      SELECT r.o, 'SD-' || r.o, 'store', ${store}, 1100 * r.q, 1100 * r.q, '[]'::jsonb, r.at::timestamptz, 'completed'
        FROM jsonb_to_recordset(${chunk}::jsonb) AS r(o text, v text, q int, at text)`);
    await db.execute(sql`INSERT INTO fulfilments (id, order_id, type, location_id, status, completed_at)
      SELECT 'ful_' || r.o, r.o, 'instore', ${store}, 'completed', r.at::timestamptz
        FROM jsonb_to_recordset(${chunk}::jsonb) AS r(o text, v text, q int, at text)`);
    await db.execute(sql`INSERT INTO order_lines (id, order_id, fulfilment_id, variant_id, product_id, name, options, jan, quantity, unit_price, tax_rate, total)
      SELECT 'oln_' || r.o, r.o, 'ful_' || r.o, r.v, ${productId}, 'テスト商品', '{}'::jsonb, '4900000000000', r.q, 1100, 10, 1100 * r.q
        FROM jsonb_to_recordset(${chunk}::jsonb) AS r(o text, v text, q int, at text)`);
  }
}
