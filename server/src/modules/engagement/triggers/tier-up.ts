import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import type { DomainEvent } from '../../../platform/subscribers.ts';
import { membersSql, tiers, type Tier } from '../../customers/service.ts';
import { activeTriggers, fireTrigger, type FireOptions } from './engine.ts';
import { cooldownDays, defineTrigger } from './kind.ts';
import { isoDay, japanDay } from './japan-days.ts';

/** The tiers as her app names them (web i18n `tier.*`). */
export const TIER_NAMES: Record<Tier, string> = { regular: 'レギュラー', silver: 'シルバー', gold: 'ゴールド' };

const config = z
  .object({
    kind: z.literal('tier_up'),
    cooldownDays,
  })
  .strict();

interface TierChanged {
  customerId: string;
  from: Tier;
  to: Tier;
  at: string;
}

/**
 * ランクアップ: loyalty's `loyalty.tier_changed` (written with the change, handed over after commit) to a
 * higher tier → the campaign's message with {{tier}} (「ゴールド」). A fall sends nothing. The occasion is the
 * new tier and the day it was reached (Japan), so a redelivered event, or rising to the same tier again that
 * day, sends nothing more; nor does news of a tier she no longer holds.
 */
export async function onTierChanged(db: Db, e: TierChanged, opts: FireOptions = {}): Promise<number> {
  if (tiers.indexOf(e.to) <= tiers.indexOf(e.from)) return 0;
  const triggers = await activeTriggers(db, 'tier_up');
  if (!triggers.length) return 0;
  const [still] = await query<{ customer_id: string }>(
    db,
    sql`SELECT m.customer_id FROM (${membersSql()}) m WHERE m.customer_id = ${e.customerId} AND m.tier = ${e.to}`,
  );
  if (!still) return 0;
  const occasion = `${e.to}:${isoDay(japanDay(new Date(e.at)))}`;
  let fired = 0;
  for (const t of triggers) {
    const status = await fireTrigger(
      db,
      t,
      { customerId: e.customerId, occasion, vars: { tier: TIER_NAMES[e.to] }, detail: { from: e.from, to: e.to } },
      opts,
    );
    if (status) fired++;
  }
  return fired;
}

export const tierUp = defineTrigger({
  config,
  label: 'ランクアップ',
  variables: ['tier'],
  subscriptions: ({ db, publicUrl }) => [
    {
      pattern: 'loyalty.tier_changed',
      name: 'engagement.tier_up',
      handle: async (e: DomainEvent) => {
        await onTierChanged(db, e.payload as unknown as TierChanged, { publicUrl });
      },
    },
  ],
});
