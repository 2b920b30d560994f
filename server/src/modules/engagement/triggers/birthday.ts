import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import { membersSql } from '../../customers/service.ts';
import { quietUntil } from '../rules.ts';
import { activeTriggers, fireTrigger, type FireOptions, type TriggerCampaign } from './engine.ts';
import { cooldownDays, defineTrigger } from './kind.ts';
import { isLeapYear, isoDay, japanDay } from './japan-days.ts';

/** Members looked at per statement; a sweep goes on while a whole batch was taken. */
const BATCH = 500;
/** A member without a name on file is greeted as 「お客様」 by 「{{name}}様」. */
const NO_NAME = 'お客';

const config = z
  .object({
    kind: z.literal('birthday'),
    /** Sent this many days before her birthday (0: on the day). */
    daysBefore: z.number().int().min(0).max(30),
    cooldownDays,
  })
  .strict();

type Birthday = z.infer<typeof config>;

/**
 * 誕生日: members whose birthday (customers' `membersSql`) is today in Japan — or `daysBefore` days ahead —
 * get the campaign's message with {{name}}. The occasion is the year celebrated, so she is greeted once a
 * year however often the sweep runs and however many app copies run it. 29 February is celebrated on
 * 28 February in other years. Nothing is sent in quiet hours (21:00–08:00): a greeting goes in the day.
 */
export async function sweepBirthdays(db: Db, opts: FireOptions = {}): Promise<number> {
  const now = opts.now ?? new Date();
  if (quietUntil(now)) return 0;
  let fired = 0;
  for (const t of await activeTriggers(db, 'birthday')) fired += await greet(db, t, now, opts);
  return fired;
}

async function greet(db: Db, t: TriggerCampaign<Birthday>, now: Date, opts: FireOptions): Promise<number> {
  const day = japanDay(now, t.trigger.daysBefore);
  const mmdd = isoDay(day).slice(5);
  const days = mmdd === '02-28' && !isLeapYear(day.year) ? [mmdd, '02-29'] : [mmdd];
  const occasion = String(day.year);
  let fired = 0;
  for (;;) {
    const members = await query<{ customer_id: string; name: string | null }>(
      db,
      sql`SELECT m.customer_id, m.name FROM (${membersSql()}) m
           WHERE to_char(m.birthday, 'MM-DD') IN (${sql.join(
             days.map((d) => sql`${d}`),
             sql`, `,
           )})
             AND NOT EXISTS (SELECT 1 FROM trigger_states s
                              WHERE s.campaign_id = ${t.id} AND s.customer_id = m.customer_id
                                AND (s.occasion = ${occasion}
                                     OR s.last_fired_at > ${now}::timestamptz - make_interval(days => ${t.trigger.cooldownDays})))
           ORDER BY m.customer_id LIMIT ${BATCH}`,
    );
    let claimed = 0;
    for (const m of members) {
      const status = await fireTrigger(
        db,
        t,
        { customerId: m.customer_id, occasion, vars: { name: m.name ?? NO_NAME }, detail: { day: isoDay(day) } },
        { ...opts, now },
      );
      if (status) claimed++;
    }
    fired += claimed;
    // A short batch was the last; a batch nobody could claim (another copy took them, or a pause) ends it too.
    if (members.length < BATCH || claimed === 0) return fired;
  }
}

export const birthday = defineTrigger({
  config,
  label: '誕生日',
  variables: ['name'],
  jobs: ({ db, publicUrl }) => [
    { name: 'engagement.birthday', everyMs: 3600_000, run: () => sweepBirthdays(db, { publicUrl }) },
  ],
});
