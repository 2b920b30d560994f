import { z } from 'zod';
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../../platform/db/connection.ts';
import { listLocations } from '../../locations/service.ts';
import { jaDateTime } from '../../notifications/service.ts';
import { holdsExpiringSql, pickupsWaitingSql } from '../../orders/service.ts';
import { activeTriggers, fireTrigger, type FireOptions, type TriggerCampaign } from './engine.ts';
import { defineTrigger } from './kind.ts';

/**
 * The service reminders (お知らせ（自動）) about her own orders — what orders sent as notices before: 取り置き期限
 * (a hold due soon) and 受け取りのお知らせ (a pickup waiting at the counter, and once more before it is
 * cancelled as uncollected). Orders offers the fulfilments as SQL (`holdsExpiringSql`, `pickupsWaitingSql`);
 * each fires once per fulfilment and stage (the occasion), through the engine's service path.
 */

/** Fulfilments looked at per trigger per sweep (the next sweep, 10 minutes on, takes the rest). */
const BATCH = 500;

const holdConfig = z
  .object({
    kind: z.literal('hold_expiring'),
    /** The reminder goes this many hours before the hold's deadline (the store's closing time). */
    withinHours: z.number().int().min(1).max(48),
  })
  .strict();

const pickupConfig = z
  .object({
    kind: z.literal('pickup_waiting'),
    /** Ready at the counter for this many hours and not collected: the first reminder. */
    afterHours: z.number().int().min(1).max(168),
    /** This many hours before the deadline (then it is cancelled and restocked): the last one. */
    lastCallHours: z.number().int().min(1).max(72),
  })
  .strict();

interface Due {
  customer_id: string;
  order_id: string;
  number: string;
  fulfilment_id: string;
  type: string;
  pickup_code: string | null;
  location_id: string;
  deadline: Date | string | null;
  slot_start: Date | string | null;
  stage: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Fire `t` for every fulfilment `due` lists that it has not fired for (`occasion` = fulfilment id ‖ stage). */
async function remind(
  db: Db,
  t: TriggerCampaign,
  due: SQL,
  webhookEvent: string | null,
  opts: FireOptions & { now: Date },
): Promise<number> {
  const rows = await query<Due>(
    db,
    sql`SELECT d.* FROM (${due}) d
         WHERE NOT EXISTS (SELECT 1 FROM trigger_occasions s
                            WHERE s.campaign_id = ${t.id} AND s.occasion = d.fulfilment_id || ':' || d.stage)
         ORDER BY d.deadline NULLS LAST LIMIT ${BATCH}`,
  );
  if (!rows.length) return 0;
  const stores = new Map((await listLocations(db)).map((l) => [l.id, l.name]));
  let fired = 0;
  for (const r of rows) {
    const order = {
      orderId: r.order_id,
      number: r.number,
      fulfilmentId: r.fulfilment_id,
      type: r.type,
      pickupCode: r.pickup_code,
      locationId: r.location_id,
      deadline: iso(r.deadline),
      slotStart: iso(r.slot_start),
    };
    const store = stores.get(r.location_id) ?? '';
    const status = await fireTrigger(
      db,
      t,
      {
        customerId: r.customer_id,
        occasion: `${r.fulfilment_id}:${r.stage}`,
        vars: { number: r.number, store, deadline: jaDateTime(order.deadline) ?? '' },
        detail: { orderId: r.order_id, number: r.number, stage: r.stage, locationId: r.location_id, store },
        order: {
          order,
          webhook: webhookEvent ? { event: webhookEvent, data: { ...order, customerId: r.customer_id } } : undefined,
        },
      },
      opts,
    );
    if (status) fired++;
  }
  return fired;
}

/** 取り置き期限のお知らせ: members' holds due within `withinHours`, once per hold (and the `order.hold_expiring` webhook, as before). */
export async function sweepHoldsExpiring(db: Db, opts: FireOptions = {}): Promise<number> {
  const now = opts.now ?? new Date();
  let fired = 0;
  for (const t of await activeTriggers(db, 'hold_expiring')) {
    const due = sql`SELECT h.*, 'expiring' AS stage FROM (${holdsExpiringSql(now, t.trigger.withinHours)}) h`;
    fired += await remind(db, t, due, 'order.hold_expiring', { ...opts, now });
  }
  return fired;
}

/** 受け取りのお知らせ: pickups ready for `afterHours` and not collected, and again within `lastCallHours` of the deadline. */
export async function sweepPickupsWaiting(db: Db, opts: FireOptions = {}): Promise<number> {
  const now = opts.now ?? new Date();
  let fired = 0;
  for (const t of await activeTriggers(db, 'pickup_waiting')) {
    const due = pickupsWaitingSql(now, t.trigger.afterHours, t.trigger.lastCallHours);
    fired += await remind(db, t, due, null, { ...opts, now });
  }
  return fired;
}

export const holdExpiring = defineTrigger({
  config: holdConfig,
  label: '取り置き期限のお知らせ',
  service: true,
  variables: ['number', 'store', 'deadline'],
  jobs: ({ db, publicUrl }) => [
    { name: 'engagement.hold_expiring', everyMs: 600_000, run: () => sweepHoldsExpiring(db, { publicUrl }) },
  ],
});

export const pickupWaiting = defineTrigger({
  config: pickupConfig,
  label: '受け取りのお知らせ',
  service: true,
  variables: ['number', 'store', 'deadline'],
  jobs: ({ db, publicUrl }) => [
    { name: 'engagement.pickup_waiting', everyMs: 600_000, run: () => sweepPickupsWaiting(db, { publicUrl }) },
  ],
});
