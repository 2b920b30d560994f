import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import { membersSql } from '../../customers/service.ts';
import { expiringPointsSql } from '../../loyalty/service.ts';
import { quietUntil } from '../rules.ts';
import { activeTriggers, fireTrigger, type FireOptions, type TriggerCampaign } from './engine.ts';
import { cooldownDays, defineTrigger } from './kind.ts';
import { isoDay, japanDay, japaneseDate } from './japan-days.ts';

/** Members looked at per statement; a sweep goes on while a whole batch was taken. */
const BATCH = 500;

const config = z
  .object({
    kind: z.literal('points_expiring'),
    /** Points lapsing within this many days (default 30). */
    withinDays: z.number().int().min(1).max(90).default(30),
    /** Only when at least this many points lapse (default 100). */
    minPoints: z.number().int().min(1).max(1_000_000).default(100),
    cooldownDays,
  })
  .strict();

type PointsExpiring = z.infer<typeof config>;

/**
 * ポイント失効間近: members with at least `minPoints` points lapsing within `withinDays` (loyalty's
 * `expiringPointsSql`) get the campaign's message with {{points}} (「1,200」) and {{date}} (the soonest of
 * those lots' expiry in Japan, 「2027年1月31日」). The occasion is that date: one message per expiry date,
 * and the next lot's date, once the first has passed, is a new one (past the cooldown). Nothing is sent in
 * quiet hours (21:00–08:00).
 */
export async function sweepExpiringPoints(db: Db, opts: FireOptions = {}): Promise<number> {
  const now = opts.now ?? new Date();
  if (quietUntil(now)) return 0;
  let fired = 0;
  for (const t of await activeTriggers(db, 'points_expiring')) fired += await remind(db, t, now, opts);
  return fired;
}

async function remind(db: Db, t: TriggerCampaign<PointsExpiring>, now: Date, opts: FireOptions): Promise<number> {
  const until = new Date(now.getTime() + t.trigger.withinDays * 86400_000);
  let fired = 0;
  let after = '';
  for (;;) {
    const members = await query<{ customer_id: string; points: number; first_expires_at: Date }>(
      db,
      sql`SELECT x.customer_id, x.points, x.first_expires_at
            FROM (${expiringPointsSql(now, until)}) x
            JOIN (${membersSql()}) m ON m.customer_id = x.customer_id
           WHERE x.points >= ${t.trigger.minPoints} AND x.customer_id > ${after}
             AND NOT EXISTS (SELECT 1 FROM trigger_states s
                              WHERE s.campaign_id = ${t.id} AND s.customer_id = x.customer_id
                                AND (s.occasion = to_char(x.first_expires_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')
                                     OR s.last_fired_at > ${now}::timestamptz - make_interval(days => ${t.trigger.cooldownDays})))
           ORDER BY x.customer_id LIMIT ${BATCH}`,
    );
    for (const m of members) {
      const expires = new Date(m.first_expires_at);
      const day = isoDay(japanDay(expires));
      const status = await fireTrigger(
        db,
        t,
        {
          customerId: m.customer_id,
          occasion: day,
          vars: { points: Number(m.points).toLocaleString('ja-JP'), date: japaneseDate(expires) },
          detail: { points: Number(m.points), expiresOn: day },
        },
        { ...opts, now },
      );
      if (status) fired++;
    }
    if (members.length < BATCH) return fired;
    after = members[members.length - 1]!.customer_id;
  }
}

export const pointsExpiring = defineTrigger({
  config,
  label: 'ポイント失効間近',
  variables: ['points', 'date'],
  jobs: ({ db, publicUrl }) => [
    { name: 'engagement.points_expiring', everyMs: 3600_000, run: () => sweepExpiringPoints(db, { publicUrl }) },
  ],
});
