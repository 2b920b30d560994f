import { z } from 'zod';
import type { Db } from '../../../platform/db/connection.ts';
import type { DomainEvent } from '../../../platform/subscribers.ts';
import { isOpenAt, listLocations } from '../../locations/service.ts';
import { activeTriggers, fireTrigger, type FireOptions } from './engine.ts';
import { cooldownDays, defineTrigger } from './kind.ts';

/** A report older than this is history, not where she is: it fires nothing (a late redelivery). */
const STALE_MS = 10 * 60_000;

/** 「渋谷店まで 300 m」: metres to 10 m under 1 km, else km to 0.1. */
export function formatDistance(metres: number): string {
  return metres < 1000 ? `${Math.max(10, Math.round(metres / 10) * 10)} m` : `${(metres / 1000).toFixed(1)} km`;
}

const config = z
  .object({
    kind: z.literal('near_store'),
    /** Within this many metres of a store. */
    radiusM: z.number().int().min(50).max(5000),
    cooldownDays,
    /** Only these stores (none: every store). */
    locationIds: z.array(z.string().min(1).max(64)).max(50).optional(),
  })
  .strict();

interface PositionReported {
  customerId: string;
  lat: number;
  lng: number;
  at: string;
}

/**
 * 店舗の近く: her position was reported (customers' `customer.position_reported`, only with her location
 * consent) within the radius of a store that is open at that moment → the campaign's message, with
 * {{store}} (the nearest such store) and {{distance}} filled in.
 */
export async function onPositionReported(db: Db, p: PositionReported, opts: FireOptions = {}): Promise<number> {
  const at = new Date(p.at);
  if ((opts.now ?? new Date()).getTime() - at.getTime() > STALE_MS) return 0;
  const triggers = await activeTriggers(db, 'near_store');
  if (!triggers.length) return 0;
  const widest = Math.max(...triggers.map((t) => t.trigger.radiusM)) / 1000;
  const open = (await listLocations(db, { near: p, radiusKm: widest, kind: 'store' })).filter((l) =>
    isOpenAt(l.openingHours, at),
  );
  let fired = 0;
  for (const t of triggers) {
    const store = open.find(
      (l) =>
        l.distanceKm! * 1000 <= t.trigger.radiusM &&
        (!t.trigger.locationIds?.length || t.trigger.locationIds.includes(l.id)),
    );
    if (!store) continue;
    const metres = Math.round(store.distanceKm! * 1000);
    const status = await fireTrigger(
      db,
      t,
      {
        customerId: p.customerId,
        vars: { store: store.name, distance: formatDistance(metres) },
        detail: { locationId: store.id, store: store.name, distanceM: metres },
      },
      { ...opts, now: at },
    );
    if (status) fired++;
  }
  return fired;
}

export const nearStore = defineTrigger({
  config,
  label: '店舗の近く',
  variables: ['store', 'distance'],
  subscriptions: ({ db, publicUrl }) => [
    {
      pattern: 'customer.position_reported',
      name: 'engagement.near_store',
      handle: async (e: DomainEvent) => {
        await onPositionReported(db, e.payload as unknown as PositionReported, { publicUrl });
      },
    },
  ],
});
