import { sql, type SQL } from 'drizzle-orm';

/**
 * What the service reminders (engagement's お知らせ（自動）) read of orders, as SQL to compose: one row per
 * member's fulfilment — customer_id, order_id, number, fulfilment_id, type, pickup_code, location_id,
 * deadline, slot_start, ready_at — the fields an order notice carries. Guests are left out (no inbox, no LINE).
 */
const columns = sql`o.customer_id, o.id AS order_id, o.number, f.id AS fulfilment_id, f.type, f.pickup_code,
                    f.location_id, f.deadline, f.slot_start, f.ready_at`;

/** Holds (取り置き) still set aside (placed or ready, not picked up or cancelled) whose deadline is in (now, now + hours]. */
export function holdsExpiringSql(now: Date, withinHours: number): SQL {
  return sql`SELECT ${columns}
               FROM fulfilments f JOIN orders o ON o.id = f.order_id
              WHERE f.type = 'hold' AND f.status IN ('placed', 'ready') AND o.customer_id IS NOT NULL
                AND f.deadline > ${now}::timestamptz
                AND f.deadline <= ${now}::timestamptz + make_interval(hours => ${withinHours})`;
}

/**
 * Store pickups ready at the counter and not collected, with their `stage`: 'last_call' once the deadline
 * (after which the uncollected-pickups job cancels it) is within `lastCallHours`, else 'waiting' once it has
 * been ready for `afterHours`. Others are not listed.
 */
export function pickupsWaitingSql(now: Date, afterHours: number, lastCallHours: number): SQL {
  return sql`SELECT * FROM (
               SELECT ${columns},
                      CASE WHEN f.deadline <= ${now}::timestamptz + make_interval(hours => ${lastCallHours}) THEN 'last_call'
                           WHEN f.ready_at <= ${now}::timestamptz - make_interval(hours => ${afterHours}) THEN 'waiting' END AS stage
                 FROM fulfilments f JOIN orders o ON o.id = f.order_id
                WHERE f.type = 'pickup' AND f.status = 'ready' AND o.customer_id IS NOT NULL
                  AND (f.deadline IS NULL OR f.deadline > ${now}::timestamptz)) p
             WHERE p.stage IS NOT NULL`;
}
