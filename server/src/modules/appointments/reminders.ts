import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { query } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { emit } from '../../platform/subscribers.ts';
import { REMIND_DAY_BEFORE_HOURS, REMIND_SOON_HOURS } from './rules.ts';
import { appointments } from './schema.ts';
import { eventPayload } from './booking.ts';

export type ReminderStage = 'day_before' | 'soon';

const STAGES: Array<{ stage: ReminderStage; column: string; hours: number; until: number }> = [
  // The day before: within 24 h, while more than 2 h remain (then the second one is due instead).
  { stage: 'day_before', column: 'reminded_day_before_at', hours: REMIND_DAY_BEFORE_HOURS, until: REMIND_SOON_HOURS },
  { stage: 'soon', column: 'reminded_soon_at', hours: REMIND_SOON_HOURS, until: 0 },
];

/**
 * The reminder sweep (a job, every few minutes, on every app copy): each booked appointment whose reminder
 * is due is claimed by a guarded update — the stage's column set only where it is still empty and the
 * appointment still booked — and its `appointment.reminder` event written in the same transaction. Two sweeps
 * at once claim each appointment once; a cancelled one is never claimed; a booking made inside the window
 * (she booked an hour ahead) gets no reminder of that stage. Notifications turns the event into her notice.
 */
export async function sendAppointmentReminders(db: Db, now = new Date(), batch = 200): Promise<number> {
  let sent = 0;
  for (const s of STAGES) {
    const claimed = await inTransaction(db, async (tx) => {
      const rows = await query<{ id: string }>(
        tx,
        sql`UPDATE appointments a SET ${sql.raw(s.column)} = ${now}
             WHERE a.id IN (
               SELECT id FROM appointments
                WHERE status = 'booked' AND ${sql.raw(s.column)} IS NULL
                  AND starts_at > ${now}::timestamptz + make_interval(hours => ${s.until})
                  AND starts_at <= ${now}::timestamptz + make_interval(hours => ${s.hours})
                  AND created_at <= starts_at - make_interval(hours => ${s.hours})
                ORDER BY starts_at LIMIT ${batch}
                FOR UPDATE SKIP LOCKED)
               AND a.status = 'booked' AND a.${sql.raw(s.column)} IS NULL
           RETURNING a.id`,
      );
      if (!rows.length) return 0;
      const full = await tx
        .select()
        .from(appointments)
        .where(
          sql`${appointments.id} IN (${sql.join(
            rows.map((r) => sql`${r.id}`),
            sql`, `,
          )})`,
        );
      for (const row of full)
        await emit(tx, 'appointment.reminder', row.id, await eventPayload(tx, row, { stage: s.stage }));
      return full.length;
    });
    sent += claimed;
  }
  return sent;
}
