import { sql } from 'drizzle-orm';
import { query, type Executor, type Tx } from '../../platform/db/connection.ts';
import { emit } from '../../platform/subscribers.ts';
import { recordFact, type EventChannel } from '../events/service.ts';
import { setTier, type Tier } from '../customers/service.ts';
import { tierForSpend, type LoyaltyRules } from './rules.ts';

/**
 * Rolling 12-month spend: the spend of earns in the last 365 days, less what was reversed of those
 * same earns. A reversal counts against the earn it undoes (by the earn's date), so returning
 * something bought 13 months ago does not lower this year's spend.
 */
export async function tierSpend12m(db: Executor, customerId: string): Promise<number> {
  const [row] = await query<{ spend: number }>(
    db,
    sql`SELECT coalesce(sum(x.spend), 0)::bigint AS spend
          FROM point_entries x LEFT JOIN point_entries o ON o.id = x.reverses
         WHERE x.customer_id = ${customerId} AND x.spend IS NOT NULL AND x.kind IN ('earn', 'reverse')
           AND coalesce(o.created_at, x.created_at) > now() - interval '365 days'`,
  );
  return Math.max(0, Number(row?.spend ?? 0));
}

/**
 * Put the customer in the tier their rolling spend earns; a change goes to the customer (customers.setTier),
 * on the timeline, and out as `loyalty.tier_changed {customerId, from, to, at}` after commit (engagement's
 * ランクアップ listens). The caller holds the customer row lock.
 */
export async function recomputeTier(
  tx: Tx,
  customer: { id: string; tier: Tier },
  rules: LoyaltyRules,
  context: { channel: EventChannel; locationId?: string | null | undefined; source: string },
): Promise<{ tier: Tier; spend12m: number }> {
  const spend12m = await tierSpend12m(tx, customer.id);
  const tier = tierForSpend(spend12m, rules);
  if (tier !== customer.tier) {
    await setTier(tx, customer.id, tier);
    await recordFact(tx, {
      type: 'tier_changed',
      customerId: customer.id,
      channel: context.channel,
      locationId: context.locationId ?? null,
      source: context.source,
      payload: { from: customer.tier, to: tier, spend12m },
    });
    await emit(tx, 'loyalty.tier_changed', customer.id, {
      customerId: customer.id,
      from: customer.tier,
      to: tier,
      at: new Date().toISOString(),
    });
  }
  return { tier, spend12m };
}
