import { sql, type SQL } from 'drizzle-orm';
import { query, type Db, type Executor } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import { personIds } from '../customers/service.ts';
import { memberOrdersSql } from '../orders/service.ts';
import { expectedPurchases, fitBgNbd, probabilityAlive, type BgNbd } from './clv/bg-nbd.ts';
import { expectedPurchaseValue, fitGammaGamma, type GammaGamma } from './clv/gamma-gamma.ts';

/**
 * 予測LTV: each member's expected spend over the next 12 months, from a BG/NBD model of how often she buys
 * and whether she is still a customer, and a Gamma-Gamma model of how much (Fader–Hardie), fitted on every
 * member's purchase history. A purchase occasion is a Japan date with at least one order (not cancelled) in
 * any channel — web, app or till —, its value the day's orders net of returns. Time is in weeks from her
 * first occasion.
 *
 * Each fit is checked first: fitted on the histories up to HOLDOUT_WEEKS ago, it predicts those weeks, and the
 * prediction is compared with what the members then bought (in total and by decile of predicted value).
 */
export const HORIZON_WEEKS = 52;
export const HOLDOUT_WEEKS = 13;
const WEEK_MS = 7 * 86_400_000;
/** At most this many members' spend histories feed the Gamma-Gamma fit (a random sample beyond). */
const SPEND_SAMPLE = 50_000;
const VALUE_LOCK = 0x63766d00;

/** Her occasions before `until`: the Japan date of each and its net value. */
function occasionsSql(until: Date): SQL {
  return sql`SELECT o.customer_id, (o.created_at AT TIME ZONE 'Asia/Tokyo')::date AS day, sum(o.net)::bigint AS net
               FROM (${memberOrdersSql(new Date(0))}) o
              WHERE o.created_at < ${until}
              GROUP BY 1, 2`;
}

/** Per member: x (repeat occasions), tx and T in days, repeat occasions' mean value, spend to date. */
function historiesSql(until: Date): SQL {
  return sql`SELECT customer_id, (count(*) - 1)::int AS x,
                    (max(day) - min(day))::int AS tx_days,
                    ((${until}::timestamptz AT TIME ZONE 'Asia/Tokyo')::date - min(day))::int AS t_days,
                    CASE WHEN count(*) > 1
                         THEN (sum(net) - (array_agg(net ORDER BY day))[1])::float8 / (count(*) - 1) END AS repeat_mean,
                    sum(net)::bigint AS spend
               FROM (${occasionsSql(until)}) d
              GROUP BY customer_id`;
}

interface Fitted {
  bgNbd: BgNbd;
  gammaGamma: GammaGamma;
  members: number;
  repeaters: number;
}

async function fitAt(db: Executor, until: Date): Promise<Fitted | null> {
  // BG/NBD by distinct (x, tx, T) with their counts: a million members are a few hundred thousand rows.
  const grouped = await query<{ x: number; tx_days: number; t_days: number; n: number }>(
    db,
    sql`SELECT x, tx_days, t_days, count(*)::int AS n FROM (${historiesSql(until)}) h GROUP BY 1, 2, 3`,
  );
  const members = grouped.reduce((s, g) => s + g.n, 0);
  if (!grouped.some((g) => g.x > 0)) return null;
  const spends = await query<{ x: number; repeat_mean: number }>(
    db,
    sql`SELECT x, repeat_mean FROM (${historiesSql(until)}) h WHERE x > 0 AND repeat_mean > 0
         ORDER BY md5(customer_id) LIMIT ${SPEND_SAMPLE}`,
  );
  if (!spends.length) return null;
  const bg = fitBgNbd(grouped.map((g) => ({ x: g.x, tx: g.tx_days / 7, T: g.t_days / 7, n: g.n })));
  const gg = fitGammaGamma(spends.map((s) => ({ x: s.x, mean: Number(s.repeat_mean) })));
  return {
    bgNbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b },
    gammaGamma: { p: gg.p, q: gg.q, gamma: gg.gamma },
    members,
    repeaters: grouped.filter((g) => g.x > 0).reduce((s, g) => s + g.n, 0),
  };
}

interface History {
  customer_id: string;
  x: number;
  tx_days: number;
  t_days: number;
  repeat_mean: number | null;
  spend: string;
}

const predict = (m: Fitted, h: History, weeks: number) => {
  const history = { x: h.x, tx: h.tx_days / 7, T: h.t_days / 7 };
  const purchases = expectedPurchases(m.bgNbd, history, weeks);
  const value = purchases * expectedPurchaseValue(m.gammaGamma, { x: h.x, mean: Number(h.repeat_mean ?? 0) });
  return { purchases, value, alive: probabilityAlive(m.bgNbd, history) };
};

export interface DecileAccuracy {
  decile: number;
  members: number;
  predictedPurchases: number;
  actualPurchases: number;
  predictedValue: number;
  actualValue: number;
}

export interface ValueAccuracy {
  holdoutWeeks: number;
  from: string;
  to: string;
  members: number;
  predictedPurchases: number;
  actualPurchases: number;
  predictedValue: number;
  actualValue: number;
  /** Predicted ÷ actual − 1, in total. */
  valueError: number | null;
  deciles: DecileAccuracy[];
}

/** Fit on the histories before `asOf − holdout`, predict the holdout weeks, compare with what happened. */
async function holdoutAccuracy(db: Executor, asOf: Date): Promise<ValueAccuracy | null> {
  const cut = new Date(asOf.getTime() - HOLDOUT_WEEKS * WEEK_MS);
  const model = await fitAt(db, cut);
  if (!model) return null;
  const rows = await query<History & { later_days: number; later_net: string }>(
    db,
    sql`SELECT h.*, coalesce(a.days, 0)::int AS later_days, coalesce(a.net, 0)::bigint AS later_net
          FROM (${historiesSql(cut)}) h
          LEFT JOIN (SELECT customer_id, count(DISTINCT (created_at AT TIME ZONE 'Asia/Tokyo')::date) AS days, sum(net) AS net
                       FROM (${memberOrdersSql(cut)}) o WHERE o.created_at < ${asOf} GROUP BY customer_id) a
            ON a.customer_id = h.customer_id`,
  );
  const scored = rows
    .map((h) => ({ h, p: predict(model, h, HOLDOUT_WEEKS) }))
    .sort((a, b) => b.p.value - a.p.value || a.h.customer_id.localeCompare(b.h.customer_id));
  const deciles: DecileAccuracy[] = [];
  for (let d = 0; d < 10; d++) {
    const group = scored.slice(Math.floor((d * scored.length) / 10), Math.floor(((d + 1) * scored.length) / 10));
    if (!group.length) continue;
    deciles.push({
      decile: d + 1,
      members: group.length,
      predictedPurchases: round2(sum(group, (g) => g.p.purchases) / group.length),
      actualPurchases: round2(sum(group, (g) => g.h.later_days) / group.length),
      predictedValue: Math.round(sum(group, (g) => g.p.value) / group.length),
      actualValue: Math.round(sum(group, (g) => Number(g.h.later_net)) / group.length),
    });
  }
  const predictedValue = Math.round(sum(scored, (g) => g.p.value));
  const actualValue = sum(scored, (g) => Number(g.h.later_net));
  return {
    holdoutWeeks: HOLDOUT_WEEKS,
    from: cut.toISOString(),
    to: asOf.toISOString(),
    members: scored.length,
    predictedPurchases: Math.round(sum(scored, (g) => g.p.purchases)),
    actualPurchases: sum(scored, (g) => g.h.later_days),
    predictedValue,
    actualValue,
    valueError: actualValue > 0 ? round2(predictedValue / actualValue - 1) : null,
    deciles,
  };
}

const sum = <T>(items: readonly T[], f: (t: T) => number) => items.reduce((s, t) => s + f(t), 0);
const round2 = (v: number) => Math.round(v * 100) / 100;

export interface ValueModel {
  id: string;
  fittedAt: string;
  asOf: string;
  members: number;
  repeaters: number;
  params: { bgNbd: BgNbd; gammaGamma: GammaGamma };
  accuracy: ValueAccuracy | null;
}

/**
 * Fit the model on every member's history up to `asOf` (now), check it on the last HOLDOUT_WEEKS, and write
 * every buyer's 12-month prediction. Null when there is not yet enough history (no repeat purchase).
 * The predictions are replaced in one transaction: readers see the old set or the new one.
 */
export async function refitCustomerValue(db: Db, asOf = new Date()): Promise<ValueModel | null> {
  const accuracy = await holdoutAccuracy(db, asOf);
  const model = await fitAt(db, asOf);
  if (!model) return null;
  const id = newId('cvm');
  const histories = await query<History>(db, historiesSql(asOf));
  await inTransaction(db, async (tx) => {
    // Two app copies refitting at once write one after the other (the same key would collide otherwise).
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${VALUE_LOCK})`);
    await tx.execute(sql`INSERT INTO customer_value_models (id, as_of, members, repeaters, params, accuracy)
      VALUES (${id}, ${asOf}, ${model.members}, ${model.repeaters},
              ${JSON.stringify({ bgNbd: model.bgNbd, gammaGamma: model.gammaGamma })}::jsonb,
              ${JSON.stringify(accuracy)}::jsonb)`);
    await tx.execute(sql`DELETE FROM customer_value_predictions`);
    for (let i = 0; i < histories.length; i += 5000) {
      const batch = histories.slice(i, i + 5000).map((h) => {
        const p = predict(model, h, HORIZON_WEEKS);
        return {
          c: h.customer_id,
          n: round2(p.purchases),
          v: Math.round(p.value),
          a: Math.round(p.alive * 1000) / 1000,
          s: Number(h.spend),
          d: h.x + 1,
        };
      });
      await tx.execute(sql`INSERT INTO customer_value_predictions
          (customer_id, model_id, purchases12m, value12m, alive, spend_to_date, purchase_days)
        SELECT r.c, ${id}, r.n, r.v, r.a, r.s, r.d
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS r(c text, n real, v int, a real, s int, d int)`);
    }
  });
  return latestValueModel(db);
}

export async function latestValueModel(db: Executor): Promise<ValueModel | null> {
  const [row] = await query<{
    id: string;
    fitted_at: Date;
    as_of: Date;
    members: number;
    repeaters: number;
    params: ValueModel['params'];
    accuracy: ValueAccuracy | null;
  }>(db, sql`SELECT * FROM customer_value_models ORDER BY fitted_at DESC, id DESC LIMIT 1`);
  if (!row) return null;
  return {
    id: row.id,
    fittedAt: new Date(row.fitted_at).toISOString(),
    asOf: new Date(row.as_of).toISOString(),
    members: row.members,
    repeaters: row.repeaters,
    params: row.params,
    accuracy: row.accuracy,
  };
}

export interface CustomerValue {
  customerId: string;
  purchases12m: number;
  value12m: number;
  alive: number;
  spendToDate: number;
  purchaseDays: number;
  computedAt: string;
}

/** Her prediction under the newest model, or null (no purchase yet, or not computed). */
export async function customerValueOf(db: Executor, customerId: string): Promise<CustomerValue | null> {
  const [row] = await query<{
    customer_id: string;
    purchases12m: number;
    value12m: number;
    alive: number;
    spend_to_date: number;
    purchase_days: number;
    computed_at: Date;
  }>(db, sql`SELECT * FROM customer_value_predictions WHERE customer_id = ${customerId}`);
  if (!row) return null;
  return {
    customerId: row.customer_id,
    purchases12m: Number(row.purchases12m),
    value12m: row.value12m,
    alive: Number(row.alive),
    spendToDate: row.spend_to_date,
    purchaseDays: row.purchase_days,
    computedAt: new Date(row.computed_at).toISOString(),
  };
}

/** The job: refit once a day (when the newest fit is older than 20 hours, or there is none). */
export async function refitCustomerValueIfDue(db: Db): Promise<void> {
  const latest = await latestValueModel(db);
  if (latest && Date.now() - Date.parse(latest.fittedAt) < 20 * 3_600_000) return;
  await refitCustomerValue(db);
}

/** Her predicted value, for her personal data export (予測LTV is a score about her). */
export async function exportCustomerValue(db: Executor, customerId: string): Promise<Record<string, unknown>> {
  const ids = await personIds(db, customerId);
  const rows = await query<{ purchases12m: number; value12m: number; alive: number; computed_at: Date }>(
    db,
    sql`SELECT purchases12m, value12m, alive, computed_at FROM customer_value_predictions
         WHERE customer_id IN (${sql.join(
           ids.map((id) => sql`${id}`),
           sql`, `,
         )})`,
  );
  return {
    customerValue: rows.map((r) => ({
      expectedPurchaseDays12m: Number(r.purchases12m),
      expectedSpend12m: r.value12m,
      probabilityStillCustomer: Number(r.alive),
      computedAt: new Date(r.computed_at).toISOString(),
    })),
  };
}

/** Erasure: her prediction deleted (a later fit scores her kept orders under the pseudonym they keep, as orders do). */
export async function eraseCustomerValue(tx: Executor, customerId: string): Promise<Record<string, number>> {
  const ids = await personIds(tx, customerId);
  const rows = await query<{ customer_id: string }>(
    tx,
    sql`DELETE FROM customer_value_predictions WHERE customer_id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )}) RETURNING customer_id`,
  );
  return { customerValue: rows.length };
}
